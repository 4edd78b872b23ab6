package io.incidentsync.simulator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Deterministic timestamps: every moment of the data set is an offset from an epoch chosen by the seed. */
final class Times {
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final long DAY = 86_400_000L;

    private final long epochMillis;

    Times(long seed) {
        // early 2024 plus up to 60 days, so different seeds look like different accounts
        epochMillis = 1_704_067_200_000L + Math.floorMod(Rand.mix(seed + 7), 60L * 86_400_000L);
    }

    /** Milliseconds since the data set's epoch, as an RFC 3339 timestamp with fractional seconds. */
    String at(long offsetMillis) {
        long millis = epochMillis + offsetMillis;
        // a whole second would print ".000"; keep every value visibly fractional
        if (millis % 1000 == 0) {
            millis += 7;
        }
        return RFC3339.format(Instant.ofEpochMilli(millis));
    }

    /**
     * Where the simulated clock starts: 09:00 UTC of the first day after everything the generated data set holds
     * (incidents are created SPACING apart and last updated up to 30 days later, follow-ups up to 9 days later), so
     * whatever a change stamps with "now" is newer than every generated timestamp.
     */
    long clockStartOffset(int incidentCount) {
        long latest = epochMillis + (long) incidentCount * Incidents.SPACING_MILLIS + 31 * DAY;
        long nextMidnight = (Math.floorDiv(latest, DAY) + 1) * DAY;
        return nextMidnight + 9 * 3_600_000L - epochMillis;
    }

    /** The moment an offset stands for, without the whole-second nudge of {@link #at}. */
    Instant instant(long offsetMillis) {
        return Instant.ofEpochMilli(epochMillis + offsetMillis);
    }

    /** The UTC day (days since 1970-01-01) an offset falls on, as the API's date filters compare it. */
    long epochDay(long offsetMillis) {
        return Math.floorDiv(epochMillis + offsetMillis, DAY);
    }

    /** The data set's epoch floored to midnight UTC, in milliseconds since 1970: what rotations hand over from. */
    long dayAnchorMillis() {
        return Math.floorDiv(epochMillis, 86_400_000L) * 86_400_000L;
    }

    /**
     * An absolute moment exactly as given, RFC 3339 with milliseconds. Shift boundaries use this instead of
     * {@link #at} so that one shift's end_at is the next one's start_at and both land on the hour.
     */
    String exact(long epochMillisUtc) {
        return RFC3339.format(Instant.ofEpochMilli(epochMillisUtc));
    }
}
