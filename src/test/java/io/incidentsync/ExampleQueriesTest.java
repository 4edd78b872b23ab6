package io.incidentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's three example queries, read from the README and run as they are on a sync of the
 * simulator; each answer is worked out again here from the simulator's own records.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#h2AndPostgres")
class ExampleQueriesTest {

    static SyncHarness h;

    /** The database of this run: the class's one argument, which {@link #start} is given too. */
    @Parameter
    Destination db;

    /** One sync of this run's database, which every query reads. */
    @BeforeParameterizedClassInvocation
    static void start(Destination db) throws Exception {
        h = db.harness(400);
        h.settings.put("incident.streams", "incident_updates,actions,incidents,follow_ups");
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        if (h != null) {
            h.close();
            h = null;
        }
    }

    /** The SQL of the README's block that starts with {@code -- example: name}. */
    static String query(String name) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("-- example: " + name + "\n");
        assertTrue(at > 0, "the README has no example '" + name + "'");
        return readme.substring(at, readme.indexOf("```", at)).trim();
    }

    static List<List<Object>> run(String sql) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = h.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }

    @Test
    void meanTimeToResolveBySeverity() throws Exception {
        List<ObjectNode> incidents = h.simulator.oracle().records("incidents", true);
        OffsetDateTime newest = incidents.stream().map(i -> OffsetDateTime.parse(i.get("created_at").asText()))
                .max(OffsetDateTime::compareTo).orElseThrow();
        Map<String, long[]> want = new TreeMap<>();
        Map<String, Double> sums = new HashMap<>();
        for (ObjectNode incident : incidents) {
            if (OffsetDateTime.parse(incident.get("created_at").asText()).isBefore(newest.minusDays(90))
                    || !List.of("standard", "retrospective").contains(incident.path("mode").asText())) {
                continue; // older than the window, or not a real incident (test, tutorial)
            }
            for (JsonNode metric : incident.path("duration_metrics")) {
                JsonNode seconds = metric.get("value_seconds");
                if ("Time to resolve".equals(text(metric.path("duration_metric").get("name"))) && seconds != null && !seconds.isNull()) {
                    String severity = String.valueOf(text(incident.path("severity").get("name")));
                    want.computeIfAbsent(severity, k -> new long[1])[0]++;
                    sums.merge(severity, seconds.asDouble(), Double::sum);
                }
            }
        }
        assertFalse(want.isEmpty(), "no incident has a time to resolve: the query proves nothing");
        List<List<Object>> got = run(query("mean time to resolve by severity"));
        assertEquals(want.size(), got.size(), got.toString());
        for (List<Object> row : got) {
            String severity = String.valueOf(row.get(0));
            assertEquals(want.get(severity)[0], ((Number) row.get(1)).longValue(), severity);
            assertEquals(sums.get(severity) / want.get(severity)[0] / 3600.0, ((Number) row.get(2)).doubleValue(), 1e-6, severity);
        }
    }

    @Test
    void customFieldValuesOnIncidents() throws Exception {
        Map<String, Set<String>> want = new HashMap<>();
        for (ObjectNode incident : h.simulator.oracle().records("incidents", true)) {
            for (JsonNode entry : incident.path("custom_field_entries")) {
                for (JsonNode value : entry.path("values")) {
                    String option = text(value.path("value_option").get("value"));
                    if (option != null) {
                        want.computeIfAbsent(text(entry.path("custom_field").get("name")) + "|" + option, k -> new HashSet<>())
                                .add(incident.get("id").asText());
                    }
                }
            }
        }
        assertTrue(want.size() > 10, "few option values: " + want.size());
        List<List<Object>> got = run(query("custom field values on incidents"));
        assertEquals(want.size(), got.size());
        long previous = Long.MAX_VALUE;
        for (List<Object> row : got) {
            long count = ((Number) row.get(2)).longValue();
            assertEquals(want.get(row.get(0) + "|" + row.get(1)).size(), count, row.toString());
            assertTrue(count <= previous, "ordered by incidents, most first");
            previous = count;
        }
    }

    @Test
    void openFollowUpsPerTeam() throws Exception {
        Map<String, JsonNode> incidents = new HashMap<>();
        h.simulator.oracle().records("incidents", true).forEach(i -> incidents.put(i.get("id").asText(), i));
        Map<String, Set<String>> want = new TreeMap<>();
        for (ObjectNode followUp : h.simulator.oracle().records("follow_ups", true)) {
            JsonNode incident = incidents.get(followUp.path("incident_id").asText());
            if (!"outstanding".equals(text(followUp.get("status"))) || incident == null) {
                continue;
            }
            for (JsonNode entry : incident.path("custom_field_entries")) {
                if ("Teams involved".equals(text(entry.path("custom_field").get("name")))) {
                    for (JsonNode value : entry.path("values")) {
                        String team = text(value.path("value_option").get("value"));
                        if (team != null) {
                            want.computeIfAbsent(team, k -> new HashSet<>()).add(followUp.get("id").asText());
                        }
                    }
                }
            }
        }
        assertFalse(want.isEmpty(), "no open follow-up of a team: the query proves nothing");
        List<List<Object>> got = run(query("open follow-ups per team"));
        Map<String, Long> answer = new TreeMap<>();
        got.forEach(row -> answer.put(String.valueOf(row.get(0)), ((Number) row.get(1)).longValue()));
        Map<String, Long> expected = new TreeMap<>();
        want.forEach((team, ids) -> expected.put(team, (long) ids.size()));
        assertEquals(expected, answer);
    }
}
