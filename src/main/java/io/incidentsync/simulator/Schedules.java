package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * On-call schedules and their entries. Each schedule has one to three rotations; a rotation hands over every
 * fixed interval (8 h, 12 h, a day, two days or a week) from a moment aligned to the data set's epoch (09:00 UTC on
 * its first day, plus two hours per rotation), back to back into the past and the future, so entries exist for any
 * window. Each of a rotation's layers (primary, sometimes secondary) takes the rotation's users in turn. Some shifts
 * of a primary layer are overridden, wholly or in their middle half; the final list is the scheduled one with those
 * overrides cut in. Entries do not depend on the window asked for: a window only picks which ones overlap it.
 */
final class Schedules {
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;
    /** The longest entry window answered; longer ones are a 422. */
    static final long MAX_WINDOW_MILLIS = 366 * DAY;
    /** At most 2^13 schedules, 8 rotations, 4 layers: the shape entry ids are packed into. */
    private static final int MAX_SCHEDULES = 8192;
    private static final long SHIFT_BIAS = 1L << 31;
    static final long DEFAULT_WINDOW_DAYS = 8;
    private static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private static final List<String> NAMES = List.of("Platform on-call", "Payments primary 💳",
            "SRE follow-the-sun", "Security \"break glass\"", "Data pipeline", "Mobile — ünïcödé",
            "Customer support escalation", "Database on-call");
    private static final List<String> TIMEZONES = List.of("Europe/London", "America/New_York", "UTC", "Asia/Tokyo",
            "Australia/Sydney", "Europe/Berlin");

    /** A rotation's handover pattern. */
    private record Cadence(String name, String intervalType, int interval, long millis, int overrideEvery) {
    }

    private static final List<Cadence> CADENCES = List.of(
            new Cadence("Weekly", "weekly", 1, 7 * DAY, 3),
            new Cadence("Daily", "daily", 1, DAY, 5),
            new Cadence("Follow the sun", "hourly", 12, 12 * HOUR, 9),
            new Cadence("Every other day", "daily", 2, 2 * DAY, 3),
            new Cadence("8-hour shifts", "hourly", 8, 8 * HOUR, 9));

    /** One rotation of one schedule, with everything entries are computed from. */
    record Rotation(int schedule, int index, String id, Cadence cadence, long handoverAt, List<Integer> users,
                    List<String> layerIds) {
        long shiftStart(long k) {
            return handoverAt + k * cadence.millis();
        }
    }

    /** The three lists of one schedule's entries over a window. */
    record Entries(List<ObjectNode> fin, List<ObjectNode> scheduled, List<ObjectNode> overrides) {
    }

    private final long seed;
    private final Times times;
    private final Users users;
    private final int userCount;
    private final int count;
    private final Ids ids;
    private final Ids rotationIds;
    private final Ids layerIds;
    private final Ids entryIds;
    private final Ids overrideIds;
    private final long anchor;

    Schedules(long seed, int incidentCount, int userCount, Times times, Users users) {
        this.seed = seed;
        this.times = times;
        this.users = users;
        this.userCount = userCount;
        this.count = Math.min(MAX_SCHEDULES, Math.max(5, incidentCount / 2000));
        ids = TableCode.SCHEDULE.ids(seed);
        rotationIds = TableCode.SCHEDULE_ROTATION.ids(seed);
        layerIds = TableCode.SCHEDULE_LAYER.ids(seed);
        entryIds = TableCode.SCHEDULE_ENTRY.ids(seed);
        overrideIds = TableCode.SCHEDULE_OVERRIDE.ids(seed);
        anchor = times.dayAnchorMillis() + 9 * HOUR;
    }

    int count() {
        return count;
    }

    Ids ids() {
        return ids;
    }

    String name(int s) {
        String base = NAMES.get(s % NAMES.size());
        return s < NAMES.size() ? base : base + " #" + (s / NAMES.size() + 1);
    }

    /**
     * The entry window a request asks for. Without entry_window_start and entry_window_end: from midnight UTC
     * yesterday to midnight UTC seven days after today (eight whole days, the same all day long). With only one of
     * them: eight days from, or up to, that moment.
     */
    static Instant[] window(Instant start, Instant end, Instant now) {
        if (start == null && end == null) {
            Instant today = now.truncatedTo(ChronoUnit.DAYS);
            return new Instant[] {today.minus(1, ChronoUnit.DAYS), today.plus(7, ChronoUnit.DAYS)};
        }
        if (start == null) {
            return new Instant[] {end.minus(DEFAULT_WINDOW_DAYS, ChronoUnit.DAYS), end};
        }
        if (end == null) {
            return new Instant[] {start, start.plus(DEFAULT_WINDOW_DAYS, ChronoUnit.DAYS)};
        }
        return new Instant[] {start, end};
    }

    /** Why the API would refuse this window, or null. */
    static String windowProblem(Instant start, Instant end) {
        if (start.isBefore(EARLIEST) || end.isAfter(LATEST)) {
            return "the entry window must lie between the years 1900 and 9999";
        }
        if (!end.isAfter(start)) {
            return "entry_window_end must be after entry_window_start";
        }
        if (end.toEpochMilli() - start.toEpochMilli() > MAX_WINDOW_MILLIS) {
            return "the entry window may span at most 366 days";
        }
        return null;
    }

    List<Rotation> rotations(int s) {
        Rand rand = new Rand(seed, TableCode.SCHEDULE_ROTATION.ordinal(), s);
        int rotationCount = 1 + (s + rand.nextInt(3)) % 3;
        List<Rotation> out = new ArrayList<>();
        for (int r = 0; r < rotationCount; r++) {
            Cadence cadence = CADENCES.get((s + r * 2 + rand.nextInt(2)) % CADENCES.size());
            int userTotal = Math.min(userCount, rand.between(3, 6));
            int first = rand.nextInt(userCount);
            List<Integer> members = new ArrayList<>();
            for (int u = 0; u < userTotal; u++) {
                members.add((first + u) % userCount);
            }
            int layers = rand.chance(0.4) ? 2 : 1;
            List<String> layerIdList = new ArrayList<>();
            for (int j = 0; j < layers; j++) {
                layerIdList.add(layerIds.id((long) (s * 8 + r) * 4 + j));
            }
            out.add(new Rotation(s, r, rotationIds.id((long) s * 8 + r), cadence, anchor + r * 2 * HOUR,
                    List.copyOf(members), List.copyOf(layerIdList)));
        }
        return out;
    }

    ObjectNode record(int s) {
        Rand rand = new Rand(seed, TableCode.SCHEDULE.ordinal(), s);
        ObjectNode node = Json.object();
        ObjectNode annotations = node.putObject("annotations");
        String managedBy = s % 4 == 3 ? "external" : s % 3 == 0 ? "terraform" : "dashboard";
        if (managedBy.equals("terraform")) {
            annotations.put("incident.io/terraform/version", "3.0.0");
        }
        ObjectNode config = node.putObject("config");
        ArrayNode rotations = config.putArray("rotations");
        for (Rotation rotation : rotations(s)) {
            rotations.add(rotationNode(rotation));
        }
        config.put("version", 1 + s % 3);
        long created = -200 * DAY + s * 5 * HOUR + rand.nextInt(3_600_000);
        node.put("created_at", times.at(created));
        if (s % 2 == 0) {
            ArrayNode countries = node.putObject("holidays_public_config").putArray("country_codes");
            countries.add("GB");
            if (s % 4 == 0) {
                countries.add("US");
            }
        }
        node.put("id", ids.id(s));
        node.put("name", name(s));
        ArrayNode teams = node.putArray("team_ids");
        Ids entryIdsOfCatalog = TableCode.CATALOG_ENTRY.ids(seed);
        for (int t = 0; t < CatalogTypes.size(CatalogTypes.TEAM); t++) {
            if (t % count == s) {
                teams.add(entryIdsOfCatalog.id(CatalogTypes.entryIndex(CatalogTypes.TEAM, t)));
            }
        }
        node.put("timezone", TIMEZONES.get(s % TIMEZONES.size()));
        node.put("updated_at", times.at(created + rand.between(3_600_000, 20 * 86_400_000)));
        boolean pagerDuty = managedBy.equals("external");
        node.put("external_provider", pagerDuty ? "pagerduty" : "native");
        node.put("external_provider_id", pagerDuty ? "P" + Ids.encode(Rand.mix(seed * 17 + s), 6) : "");
        node.put("managed_by", managedBy);
        return node;
    }

    private ObjectNode rotationNode(Rotation rotation) {
        ObjectNode node = Json.object();
        node.put("handover_start_at", times.exact(rotation.handoverAt()));
        ObjectNode handover = node.putArray("handovers").addObject();
        handover.put("interval", rotation.cadence().interval());
        handover.put("interval_type", rotation.cadence().intervalType());
        node.put("id", rotation.id());
        ArrayNode layers = node.putArray("layers");
        for (int j = 0; j < rotation.layerIds().size(); j++) {
            ObjectNode layer = layers.addObject();
            layer.put("id", rotation.layerIds().get(j));
            layer.put("name", j == 0 ? "Primary" : "Secondary");
        }
        node.put("name", rotation.cadence().name() + " rotation" + (rotation.index() > 0 ? " " + (rotation.index() + 1) : ""));
        ArrayNode members = node.putArray("users");
        ArrayNode memberIds = node.putArray("user_ids");
        for (int user : rotation.users()) {
            members.add(users.embedded(user));
            memberIds.add(users.ids().id(user));
        }
        node.putArray("working_intervals");
        return node;
    }

    /** Every entry of schedule s that overlaps [from, to), in start order. */
    Entries entries(int s, long from, long to) {
        List<Sortable> fin = new ArrayList<>();
        List<Sortable> scheduled = new ArrayList<>();
        List<Sortable> overrides = new ArrayList<>();
        for (Rotation rotation : rotations(s)) {
            long length = rotation.cadence().millis();
            long firstShift = Math.floorDiv(from - rotation.handoverAt(), length);
            long lastShift = Math.floorDiv(to - 1 - rotation.handoverAt(), length);
            for (int j = 0; j < rotation.layerIds().size(); j++) {
                for (long k = firstShift; k <= lastShift; k++) {
                    long start = rotation.shiftStart(k);
                    long end = start + length;
                    int user = shiftUser(rotation, j, k);
                    String entryId = entryIds.id(((long) (s * 8 + rotation.index()) * 4 + j) << 32 | (k + SHIFT_BIAS));
                    scheduled.add(entry(rotation, j, user, start, end, entryId));
                    long[] override = j == 0 ? override(rotation, k) : null;
                    if (override == null) {
                        fin.add(entry(rotation, j, user, start, end, entryId));
                        continue;
                    }
                    int overrideUser = overrideUser(rotation, k, user);
                    String overrideId = overrideIds.id(((long) s * 8 + rotation.index()) << 34 | (k + (1L << 33)));
                    Sortable replacement = entry(rotation, j, overrideUser, override[0], override[1], overrideId);
                    overrides.add(replacement);
                    if (override[0] > start) {
                        fin.add(entry(rotation, j, user, start, override[0], entryId));
                    }
                    fin.add(entry(rotation, j, overrideUser, override[0], override[1], overrideId));
                    if (override[1] < end) {
                        fin.add(entry(rotation, j, user, override[1], end, entryId));
                    }
                }
            }
        }
        return new Entries(overlapping(fin, from, to), overlapping(scheduled, from, to), overlapping(overrides, from, to));
    }

    private record Sortable(long start, long end, int rotation, int layer, ObjectNode node) {
    }

    private static List<ObjectNode> overlapping(List<Sortable> entries, long from, long to) {
        return entries.stream().filter(e -> e.start() < to && e.end() > from)
                .sorted(Comparator.comparingLong(Sortable::start).thenComparingInt(Sortable::rotation)
                        .thenComparingInt(Sortable::layer))
                .map(Sortable::node).toList();
    }

    private int shiftUser(Rotation rotation, int layer, long k) {
        return rotation.users().get((int) Math.floorMod(k + layer, (long) rotation.users().size()));
    }

    private long hash(Rotation rotation, long k) {
        return Rand.mix(Rand.mix(seed * 31 + rotation.schedule() * 1009L + rotation.index() * 7919L) + k);
    }

    /** The [start, end) an override replaces in shift k of the primary layer, or null. */
    private long[] override(Rotation rotation, long k) {
        long hash = hash(rotation, k);
        if (Math.floorMod(hash, (long) rotation.cadence().overrideEvery()) != 0) {
            return null;
        }
        long start = rotation.shiftStart(k);
        long length = rotation.cadence().millis();
        if ((hash >>> 40 & 1) == 0) {
            return new long[] {start, start + length};
        }
        return new long[] {start + length / 4, start + 3 * length / 4};
    }

    private int overrideUser(Rotation rotation, long k, int scheduledUser) {
        int user = (int) Math.floorMod(hash(rotation, k) >>> 8, (long) userCount);
        return user == scheduledUser ? (user + 1) % userCount : user;
    }

    private Sortable entry(Rotation rotation, int layer, int user, long start, long end, String entryId) {
        ObjectNode node = Json.object();
        node.put("end_at", times.exact(end));
        node.put("entry_id", entryId);
        node.put("external_user_id", "P" + Ids.encode(Rand.mix(seed * 19 + user), 6));
        // unique within one list of one schedule: no two entries of a layer overlap, so the start decides
        node.put("fingerprint", String.format(java.util.Locale.ROOT, "%02x%02x%013x%013x", rotation.index(), layer, start, end));
        node.put("layer_id", rotation.layerIds().get(layer));
        node.put("rotation_id", rotation.id());
        node.put("start_at", times.exact(start));
        node.set("user", users.embedded(user));
        node.put("user_id", users.ids().id(user));
        return new Sortable(start, end, rotation.index(), layer, node);
    }
}
