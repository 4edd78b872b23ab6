package io.incidentsync.simulator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Deterministic timestamps: every moment of the data set is an offset from its epoch, a year before the data set's
 * now. Generated records lie in that year; the simulated clock starts at now, so whatever a change stamps is newer.
 */
final class Times {
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final long DAY = 86_400_000L;
    /** How far back the generated records reach: the year before now. */
    static final long YEAR = 365 * DAY;

    private final long epochMillis;
    private final long generatedUntil;

    Times(Instant now) {
        epochMillis = now.toEpochMilli() - YEAR;
        generatedUntil = Math.floorDiv(now.toEpochMilli(), DAY) * DAY - epochMillis;
    }

    /** Where the simulated clock starts: the data set's now. */
    long nowOffset() {
        return YEAR;
    }

    /**
     * Where the generated records end: midnight UTC of now's day, so that a day filter tells them from what a
     * change stamps (today or later).
     */
    long generatedUntil() {
        return generatedUntil;
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
     * A moment that follows {@code anchor} (its incident's creation, say): kept a second before {@link #generatedUntil}
     * when the anchor is a generated one, as no generated record is from today or later; one anchored on the clock (a
     * change's) stands.
     */
    long beforeNow(long anchor, long offsetMillis) {
        return anchor < generatedUntil ? Math.min(offsetMillis, generatedUntil - 1_000) : offsetMillis;
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
