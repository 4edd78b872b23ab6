package io.incidentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.incidentsync.schema.Catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares a synced database with the simulator's oracle, table by table: the same primary keys, and
 * every field of every record in its column (nested objects under double-underscore names, arrays as
 * JSON, timestamps as instants), written out here independently of the product's flattening code.
 */
final class OracleComparison {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** The catalog: which fields the description declares, which are arrays and maps with child tables. */
    static final Catalog CATALOG = Catalog.load();
    static final Map<String, String[]> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("incidents", new String[] {"id"});
        KEYS.put("actions", new String[] {"id", "incident_id"});
        KEYS.put("custom_field_options", new String[] {"id", "custom_field_id"});
        KEYS.put("custom_fields", new String[] {"id"});
        KEYS.put("follow_ups", new String[] {"id", "incident_id"});
        KEYS.put("incident_roles", new String[] {"id"});
        KEYS.put("incident_statuses", new String[] {"id"});
        KEYS.put("incident_timestamps", new String[] {"id"});
        KEYS.put("incident_types", new String[] {"id"});
        KEYS.put("incident_updates", new String[] {"id", "incident_id"});
        KEYS.put("severities", new String[] {"id"});
        KEYS.put("users", new String[] {"id"});
        KEYS.put("alerts", new String[] {"id"});
        KEYS.put("alert_sources", new String[] {"id"});
        KEYS.put("alert_routes", new String[] {"id"});
        KEYS.put("alert_attributes", new String[] {"id"});
        KEYS.put("incident_alerts", new String[] {"id"});
        KEYS.put("escalations", new String[] {"id"});
        KEYS.put("schedules", new String[] {"id"});
        KEYS.put("schedule_entries", new String[] {"schedule_id", "entry_list", "fingerprint"});
        KEYS.put("catalog_types", new String[] {"id"});
        KEYS.put("catalog_entries", new String[] {"id"});
        KEYS.put("catalog_resources", new String[] {"type"});
        KEYS.put("workflows", new String[] {"id"});
        KEYS.put("incident_attachments", new String[] {"id"});
    }

    /** Each table's endpoint, whose catalog says which objects are kept whole as JSON (maps keyed by data). */
    static final Map<String, String> PATHS = Map.ofEntries(
            Map.entry("incidents", "/v2/incidents"), Map.entry("actions", "/v2/actions"),
            Map.entry("custom_field_options", "/v1/custom_field_options"), Map.entry("custom_fields", "/v2/custom_fields"),
            Map.entry("follow_ups", "/v2/follow_ups"), Map.entry("incident_roles", "/v2/incident_roles"),
            Map.entry("incident_statuses", "/v1/incident_statuses"), Map.entry("incident_timestamps", "/v2/incident_timestamps"),
            Map.entry("incident_types", "/v1/incident_types"), Map.entry("incident_updates", "/v2/incident_updates"),
            Map.entry("severities", "/v1/severities"), Map.entry("users", "/v2/users"), Map.entry("alerts", "/v2/alerts"),
            Map.entry("alert_sources", "/v2/alert_sources"), Map.entry("alert_routes", "/v2/alert_routes"),
            Map.entry("alert_attributes", "/v2/alert_attributes"), Map.entry("incident_alerts", "/v2/incident_alerts"),
            Map.entry("escalations", "/v2/escalations"), Map.entry("schedules", "/v2/schedules"),
            Map.entry("schedule_entries", "/v2/schedule_entries"), Map.entry("catalog_types", "/v3/catalog_types"),
            Map.entry("catalog_entries", "/v3/catalog_entries"), Map.entry("catalog_resources", "/v3/catalog_resources"),
            Map.entry("workflows", "/v2/workflows"), Map.entry("incident_attachments", "/v1/incident_attachments"));

    /** The columns of a table that hold an object whole: the spec's JSON columns, maps, and fields it gives no type. */
    static Set<String> wholeObjects(String table) {
        return PATHS.containsKey(table) ? whole(CATALOG.listing(PATHS.get(table)).columns()) : Set.of();
    }

    /** The paths (joined by __) of the columns kept whole, of a table or a child table. */
    static Set<String> whole(List<Catalog.Column> columns) {
        Set<String> out = new java.util.HashSet<>();
        for (Catalog.Column c : columns) {
            if ((c.type() == io.incidentsync.schema.ColumnType.JSON && !c.array()) || c.type() == null || c.map()) {
                out.add(c.path());
            }
        }
        return out;
    }

    /**
     * The oracle's records of a table; schedule entries over the window a sync reads today by default
     * (30 days either side of midnight UTC).
     */
    static List<ObjectNode> expected(SyncHarness h, String table, boolean privateScope) {
        if (table.equals("schedule_entries")) {
            return scheduleEntries(h.simulator.oracle(), syncedAt(h));
        }
        List<ObjectNode> records = h.simulator.oracle().records(table, privateScope);
        // what the product never writes (LeftOut.ALWAYS: a secret that stays at incident.io) is not expected either
        List<String> leftOut = io.incidentsync.api.LeftOut.ALWAYS.stream().filter(c -> c.startsWith(table + "."))
                .map(c -> c.substring(table.length() + 1)).toList();
        if (leftOut.isEmpty()) {
            return records;
        }
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode r : records) {
            ObjectNode copy = r.deepCopy();
            copy.remove(leftOut);
            out.add(copy);
        }
        return out;
    }

    /**
     * When the destination's schedule entries were read (their _sdc_extracted_at, the sync's start), so that a sync
     * just before midnight UTC is compared over its own day's window; now when there are none.
     */
    static java.time.Instant syncedAt(SyncHarness h) {
        try (Connection c = h.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT MAX(_sdc_extracted_at) FROM schedule_entries")) {
            java.time.OffsetDateTime at = rs.next() ? rs.getObject(1, java.time.OffsetDateTime.class) : null;
            return at == null ? java.time.Instant.now() : at.toInstant();
        } catch (SQLException noTableYet) {
            return java.time.Instant.now();
        }
    }

    /** Schedule entries over the window a sync reads by default at {@code at}: 30 days either side of that midnight UTC. */
    static List<ObjectNode> scheduleEntries(io.incidentsync.simulator.Oracle oracle, java.time.Instant at) {
        java.time.Instant today = at.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        return oracle.scheduleEntries(today.minus(java.time.Duration.ofDays(30)), today.plus(java.time.Duration.ofDays(30)));
    }

    /** A record's rows in its table's child tables (the arrays and maps the catalog declares, all the way down). */
    static long childRows(String table, ObjectNode record) {
        if (!PATHS.containsKey(table)) {
            return 0;
        }
        Catalog.Listing listing = CATALOG.listing(PATHS.get(table));
        Map<String, Map<String, Map<String, JsonNode>>> want = new LinkedHashMap<>();
        for (Catalog.Child child : listing.children()) {
            want.put(child.table(table), new LinkedHashMap<>());
        }
        Map<String, JsonNode> source = new LinkedHashMap<>();
        source.put("_sdc_source_key", record.path("id"));
        children(table, listing, List.of(), listing.columns(), record, source, want, new HashMap<>());
        return want.values().stream().mapToLong(Map::size).sum();
    }

    private OracleComparison() {
    }

    static String key(JsonNode record, String[] key) {
        List<String> parts = new ArrayList<>();
        for (String k : key) {
            parts.add(record.path(k).asText());
        }
        return String.join("|", parts);
    }

    /** Asserts the table equals the oracle's records; returns the number of values compared. */
    static long assertTableEquals(SyncHarness h, String table, boolean privateScope) throws Exception {
        // a connection held while the table and its child tables are read one query each: an embedded H2 file
        // would otherwise be opened again, its file read, for every one of them
        try (Connection held = h.connect()) {
            return compareTable(h, table, privateScope);
        }
    }

    private static long compareTable(SyncHarness h, String table, boolean privateScope) throws Exception {
        String[] key = KEYS.get(table);
        List<ObjectNode> expected = expected(h, table, privateScope);
        Map<String, Map<String, Object>> rows = h.rows(table, key);
        Set<String> expectedKeys = new TreeSet<>();
        expected.forEach(r -> expectedKeys.add(key(r, key)));
        assertEquals(expectedKeys, new TreeSet<>(rows.keySet()), table + ": primary keys differ from the oracle");
        assertEquals(expected.size(), rows.size(), table + ": a record is missing or repeated");
        long compared = 0;
        for (ObjectNode record : expected) {
            Map<String, Object> row = rows.get(key(record, key));
            Map<String, JsonNode> columns = new LinkedHashMap<>();
            flatten(record, List.of(), columns, wholeObjects(table), declared(PATHS.containsKey(table)
                    ? CATALOG.listing(PATHS.get(table)).columns() : List.of(), key));
            for (Map.Entry<String, JsonNode> c : columns.entrySet()) {
                assertTrue(row.containsKey(c.getKey()), table + ": no column " + c.getKey());
                assertValue(table + "." + c.getKey() + " of " + key(record, key), c.getValue(), row.get(c.getKey()));
                compared++;
            }
            for (Map.Entry<String, Object> cell : row.entrySet()) {
                String column = cell.getKey();
                if (!columns.containsKey(column) && !column.equals("_sdc_extracted_at")
                        && !(table.equals("incidents") && (column.equals("updates") || column.equals("actions")))
                        && cell.getValue() != null) {
                    fail(table + "." + column + " of " + key(record, key) + " holds " + cell.getValue()
                            + " but the record has no such field");
                }
            }
            assertTrue(row.get("_sdc_extracted_at") != null, table + ": _sdc_extracted_at is empty");
        }
        return compared + assertChildTablesEqual(h, table, key, expected);
    }

    /**
     * Every array and map the description declares in the records (the catalog's child tables) must be in its
     * child table ({@code <table>__<field>}, one table further down for one inside an element): one row per
     * element keyed by the parent's key ({@code _sdc_source_key_<k>}) and the element's position
     * ({@code _sdc_level_<n>_id}), or per map entry keyed by its key ({@code map_key}), its fields flattened,
     * or its value in {@code value}; and the child table holds no other row. Returns the number of values
     * compared.
     */
    static long assertChildTablesEqual(SyncHarness h, String table, String[] key, List<ObjectNode> records)
            throws SQLException {
        if (!PATHS.containsKey(table)) {
            return 0;
        }
        Catalog.Listing listing = CATALOG.listing(PATHS.get(table));
        Map<String, Map<String, Map<String, JsonNode>>> want = new LinkedHashMap<>();
        Map<String, List<String>> keyColumns = new HashMap<>();
        for (Catalog.Child child : listing.children()) {
            want.put(child.table(table), new LinkedHashMap<>());
        }
        for (ObjectNode record : records) {
            Map<String, JsonNode> source = new LinkedHashMap<>();
            for (String k : key) {
                source.put("_sdc_source_key_" + k, record.get(k));
            }
            children(table, listing, List.of(), listing.columns(), record, source, want, keyColumns);
        }
        long compared = 0;
        for (Map.Entry<String, Map<String, Map<String, JsonNode>>> child : want.entrySet()) {
            if (!keyColumns.containsKey(child.getKey())) {
                assertEquals(0, h.count("SELECT COUNT(*) FROM " + child.getKey()), child.getKey() + ": no record has one");
                continue;
            }
            Map<String, Map<String, Object>> rows = h.rows(child.getKey(), keyColumns.get(child.getKey()).toArray(new String[0]));
            assertEquals(child.getValue().size(), rows.size(), child.getKey() + ": rows differ from the elements of the arrays");
            for (Map.Entry<String, Map<String, JsonNode>> element : child.getValue().entrySet()) {
                Map<String, Object> row = rows.get(element.getKey());
                assertTrue(row != null, child.getKey() + ": no row for element " + element.getKey());
                for (Map.Entry<String, JsonNode> c : element.getValue().entrySet()) {
                    assertTrue(row.containsKey(c.getKey()), child.getKey() + ": no column " + c.getKey());
                    assertValue(child.getKey() + "." + c.getKey() + " of " + element.getKey(), c.getValue(), row.get(c.getKey()));
                    compared++;
                }
            }
        }
        return compared;
    }

    /** The rows of the child tables one level below {@code above} (an empty list: the record itself). */
    private static void children(String table, Catalog.Listing listing, List<String> above, List<Catalog.Column> columns,
                                 JsonNode object, Map<String, JsonNode> keys,
                                 Map<String, Map<String, Map<String, JsonNode>>> want, Map<String, List<String>> keyColumns) {
        for (Catalog.Child child : listing.children()) {
            if (child.steps().size() != above.size() + 1 || !child.steps().subList(0, above.size()).equals(above)) {
                continue;
            }
            String step = child.steps().get(above.size());
            JsonNode value = object;
            for (String name : columns.stream().filter(c -> c.name().equals(step)).findFirst().orElseThrow().path().split("__")) {
                value = value.path(name);
            }
            String name = child.table(table);
            String keyColumn = child.map() ? (keys.keySet().stream().anyMatch(k -> k.startsWith("map_key")) ? "map_key_1" : "map_key")
                    : "_sdc_level_" + keys.keySet().stream().filter(k -> k.startsWith("_sdc_level_")).count() + "_id";
            List<String> rowKeyColumns = new ArrayList<>(keys.keySet());
            rowKeyColumns.add(keyColumn);
            keyColumns.put(name, rowKeyColumns);
            Map<String, JsonNode> entries = new LinkedHashMap<>();
            if (child.map() && value.isObject()) {
                value.fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue()));
            } else if (!child.map() && value.isArray()) {
                long position = 0;
                for (JsonNode element : value) {
                    entries.put(String.valueOf(position++), element);
                }
            }
            for (Map.Entry<String, JsonNode> entry : entries.entrySet()) {
                Map<String, JsonNode> row = new LinkedHashMap<>(keys);
                row.put(keyColumn, child.map() ? MAPPER.getNodeFactory().textNode(entry.getKey())
                        : MAPPER.getNodeFactory().numberNode(Long.parseLong(entry.getKey())));
                List<String> rowKey = new ArrayList<>();
                row.values().forEach(v -> rowKey.add(v.asText()));
                Map<String, JsonNode> here = new LinkedHashMap<>(row);
                if (child.scalars()) {
                    row.put("value", entry.getValue());
                } else {
                    flatten(entry.getValue(), List.of(), row, whole(child.columns()), declared(child.columns()));
                    children(table, listing, child.steps(), child.columns(), entry.getValue(), here, want, keyColumns);
                }
                want.get(name).put(String.join("|", rowKey), row);
            }
        }
    }

    /** incidents.updates and incidents.actions hold each incident's records of those listings, in listing order. */
    static void assertIncidentChildren(SyncHarness h, boolean privateScope) throws SQLException {
        Map<String, Map<String, Object>> incidents = h.rows("incidents", "id");
        for (String[] child : new String[][] {{"incident_updates", "updates"}, {"actions", "actions"}}) {
            Map<String, List<JsonNode>> byIncident = new HashMap<>();
            for (ObjectNode r : h.simulator.oracle().records(child[0], privateScope)) {
                byIncident.computeIfAbsent(r.path("incident_id").asText(), k -> new ArrayList<>()).add(r);
            }
            int nonEmpty = 0;
            for (Map.Entry<String, Map<String, Object>> incident : incidents.entrySet()) {
                JsonNode stored = parse(incident.getValue().get(child[1]));
                List<JsonNode> want = byIncident.getOrDefault(incident.getKey(), List.of());
                want.sort((a, b) -> a.path("id").asText().compareTo(b.path("id").asText()));
                assertJsonEquals("incidents." + child[1] + " of " + incident.getKey(), MAPPER.valueToTree(want), stored);
                nonEmpty += want.isEmpty() ? 0 : 1;
            }
            assertTrue(nonEmpty > 0, "no incident has any " + child[0] + ": the comparison proves nothing");
        }
    }

    /**
     * Nested objects flattened under {@code __}-joined names (fitted past 63 characters), except the columns
     * in {@code whole}, down to three levels; a field whose path is not among {@code declared} goes, by its
     * path, into the object of {@code _sdc_undeclared}.
     */
    static void flatten(JsonNode object, List<String> path, Map<String, JsonNode> out, Set<String> whole, Set<String> declared) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            List<String> at = new ArrayList<>(path);
            at.add(f.getKey());
            String name = String.join("__", at);
            // objects nested more than three levels deep are kept whole (docs/columns.md)
            if (f.getValue().isObject() && !whole.contains(name) && at.size() < 4) {
                flatten(f.getValue(), at, out, whole, declared);
            } else if (declared.contains(name)) {
                out.put(io.incidentsync.schema.Names.fit(name), f.getValue());
            } else if (!f.getValue().isNull()) {
                ObjectNode undeclared = (ObjectNode) out.computeIfAbsent("_sdc_undeclared", k -> MAPPER.createObjectNode());
                for (String step : at.subList(0, at.size() - 1)) {
                    undeclared = undeclared.has(step) ? (ObjectNode) undeclared.get(step) : undeclared.putObject(step);
                }
                undeclared.set(f.getKey(), f.getValue());
            }
        }
    }

    /** The paths of a table's declared columns, the primary key among them. */
    static Set<String> declared(List<Catalog.Column> columns, String... key) {
        Set<String> out = new java.util.HashSet<>(List.of(key));
        columns.forEach(c -> out.add(c.path()));
        return out;
    }

    /** Equal as JSON text says (the oracle may hold a long where parsed text holds an int). */
    static void assertJsonEquals(String where, JsonNode want, JsonNode got) {
        JsonNode normal = parse(want.toString());
        if (!normal.equals(got)) {
            fail(where + ": " + difference(normal, got, ""));
        }
    }

    /** The first place two JSON values differ, so a failure message stays readable. */
    static String difference(JsonNode want, JsonNode got, String path) {
        if (want.getNodeType() != got.getNodeType() || want.size() != got.size()) {
            return "at '" + path + "' expected " + abbreviate(want) + " but was " + abbreviate(got);
        }
        if (want.isObject()) {
            for (Iterator<String> it = want.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!want.get(f).equals(got.get(f))) {
                    return got.has(f) ? difference(want.get(f), got.get(f), path + "." + f) : "at '" + path + "." + f + "' missing";
                }
            }
        } else if (want.isArray()) {
            for (int i = 0; i < want.size(); i++) {
                if (!want.get(i).equals(got.get(i))) {
                    return difference(want.get(i), got.get(i), path + "[" + i + "]");
                }
            }
        }
        return "at '" + path + "' expected " + abbreviate(want) + " but was " + abbreviate(got);
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    static JsonNode parse(Object text) {
        try {
            return MAPPER.readTree(String.valueOf(text));
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static void assertValue(String where, JsonNode want, Object got) {
        if (want.isNull()) {
            assertEquals(null, got, where);
        } else if (want.isContainerNode()) {
            assertJsonEquals(where, want, parse(got));
        } else if (want.isBoolean()) {
            assertEquals(want.asBoolean(), got, where);
        } else if (want.isIntegralNumber()) {
            assertEquals(want.asLong(), ((Number) got).longValue(), where);
        } else if (want.isNumber()) {
            assertEquals(want.asDouble(), ((Number) got).doubleValue(), 1e-9, where);
        } else if (got instanceof OffsetDateTime) {
            assertEquals(OffsetDateTime.parse(want.asText()).toInstant(), ((OffsetDateTime) got).toInstant(), where);
        } else {
            assertEquals(want.asText(), String.valueOf(got), where);
        }
    }
}
