package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator's data holds together the way an analyst's questions need it to, over 2,000 incidents: nothing is
 * updated before it was created or happens after now, an incident's timestamps come in their natural order and only
 * as far as its status has come, its duration metrics are the time between their timestamps, and the incidents are
 * spread over the year before now.
 */
class DataCoherenceTest {

    static final Instant NOW = Instant.parse("2026-03-15T12:30:00Z");
    /** The natural order of the organisation's timestamps, by name. */
    static final List<String> ORDER = List.of("Impact started", "Reported at", "Accepted at", "Identified at", "Fixed at",
            "Resolved at", "Closed at");

    static Simulator simulator;
    static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        simulator = Simulator.start(new SimulatorConfig().seed(3).incidents(2000).now(NOW).addKey("k", true), 0);
        oracle = simulator.oracle();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void nothingIsUpdatedBeforeItWasCreatedNorLaterThanNow() {
        int compared = 0;
        for (String table : oracle.tables()) {
            if (table.equals("schedule_entries")) {
                continue; // shifts: who is on call, this week and next, by nature partly after now
            }
            for (ObjectNode record : oracle.records(table, true)) {
                List<Instant> moments = new ArrayList<>();
                collect(record, moments);
                for (Instant moment : moments) {
                    assertFalse(moment.isAfter(NOW), table + " " + record.path("id").asText() + " has " + moment
                            + ", after now");
                }
                if (record.hasNonNull("created_at") && record.hasNonNull("updated_at")) {
                    Instant created = Instant.parse(record.get("created_at").asText());
                    Instant updated = Instant.parse(record.get("updated_at").asText());
                    assertFalse(updated.isBefore(created), table + " " + record.path("id").asText()
                            + ": updated_at " + updated + " before created_at " + created);
                    compared++;
                }
            }
        }
        assertTrue(compared > 5_000, "records with both compared: " + compared);
        assertEquals(NOW, oracle.now(), "the simulated clock starts at now");
    }

    @Test
    void anIncidentsTimestampsComeInOrderAndOnlyAsFarAsItsStatus() {
        Map<String, Integer> seen = new HashMap<>();
        for (ObjectNode incident : oracle.records("incidents", true)) {
            String id = incident.get("id").asText();
            String category = incident.path("incident_status").path("category").asText();
            Map<String, Instant> stamps = stamps(incident);
            Instant previous = null;
            for (String name : ORDER) {
                Instant at = stamps.get(name);
                if (at == null) {
                    continue;
                }
                if (previous != null) {
                    assertFalse(at.isBefore(previous), id + ": " + name + " " + at + " before " + previous);
                }
                previous = at;
            }
            assertEquals(Instant.parse(incident.get("reported_at").asText()), stamps.get("Reported at"), id);
            assertFalse(Instant.parse(incident.get("updated_at").asText()).isBefore(previous), id + ": updated before its last timestamp");
            boolean over = category.equals("learning") || category.equals("closed");
            assertEquals(over, stamps.containsKey("Resolved at"), id + " (" + category + ") resolved?");
            assertEquals(category.equals("closed"), stamps.containsKey("Closed at"), id + " (" + category + ") closed?");
            boolean accepted = !List.of("triage", "declined", "merged", "canceled").contains(category);
            assertEquals(accepted, stamps.containsKey("Accepted at"), id + " (" + category + ") accepted?");
            seen.merge(category, 1, Integer::sum);
        }
        assertEquals(8, seen.size(), "every status category: " + seen);
    }

    @Test
    void durationMetricsAreTheTimeBetweenTheirTimestampsAndLiveIncidentsAreNotResolved() {
        Map<String, String> timestampNames = new HashMap<>();
        for (ObjectNode t : oracle.records("incident_timestamps", true)) {
            timestampNames.put(t.get("id").asText(), t.get("name").asText());
        }
        int complete = 0;
        int liveChecked = 0;
        for (ObjectNode incident : oracle.records("incidents", true)) {
            String id = incident.get("id").asText();
            Map<String, Instant> stamps = stamps(incident);
            for (JsonNode entry : incident.path("duration_metrics")) {
                JsonNode metric = entry.get("duration_metric");
                Instant from = stamps.get(timestampNames.get(metric.get("from_timestamp_id").asText()));
                Instant to = stamps.get(timestampNames.get(metric.get("to_timestamp_id").asText()));
                if (from != null && to != null) {
                    assertEquals("complete", entry.get("status").asText(), id);
                    long seconds = entry.get("value_seconds").asLong();
                    assertTrue(Math.abs(seconds - Duration.between(from, to).toSeconds()) <= 1,
                            id + " " + metric.get("name").asText() + ": " + seconds + " s, the timestamps say "
                                    + Duration.between(from, to).toSeconds());
                    complete++;
                } else {
                    assertEquals("in_progress", entry.get("status").asText(), id);
                    assertFalse(entry.has("value_seconds"), id);
                }
                if (metric.get("name").asText().equals("Time to resolve")
                        && incident.path("incident_status").path("category").asText().equals("live")) {
                    assertFalse(entry.has("value_seconds"), id + " is live, so its time to resolve is not finished");
                    liveChecked++;
                }
            }
        }
        assertTrue(complete > 1000, "complete metrics: " + complete);
        assertTrue(liveChecked > 300, "live incidents checked: " + liveChecked);
    }

    @Test
    void theIncidentsAreSpreadOverTheYearBeforeNow() {
        List<ObjectNode> incidents = oracle.records("incidents", true);
        int[] perMonth = new int[12];
        int lastThirtyDays = 0;
        for (ObjectNode incident : incidents) {
            Instant created = Instant.parse(incident.get("created_at").asText());
            long daysAgo = Duration.between(created, NOW).toDays();
            assertTrue(daysAgo >= 0 && daysAgo < 366, incident.get("id").asText() + " was created " + daysAgo + " days ago");
            perMonth[(int) Math.min(11, daysAgo / 31)]++;
            if (daysAgo < 30) {
                lastThirtyDays++;
            }
        }
        for (int m = 0; m < 12; m++) {
            assertTrue(perMonth[m] > incidents.size() / 24, "month " + m + " before now has " + perMonth[m] + " incidents");
        }
        assertTrue(lastThirtyDays > incidents.size() / 20, "the last 30 days hold " + lastThirtyDays);
    }

    /** The incident's timestamp values by the timestamp's name. */
    private static Map<String, Instant> stamps(JsonNode incident) {
        Map<String, Instant> out = new HashMap<>();
        for (JsonNode entry : incident.path("incident_timestamp_values")) {
            if (entry.path("value").hasNonNull("value")) {
                out.put(entry.get("incident_timestamp").get("name").asText(), Instant.parse(entry.get("value").get("value").asText()));
            }
        }
        return out;
    }

    /** Every RFC 3339 timestamp in the record, at any depth. */
    private static void collect(JsonNode node, List<Instant> out) {
        if (node.isTextual()) {
            String text = node.asText();
            if (text.length() >= 20 && text.length() <= 35 && text.charAt(4) == '-' && text.charAt(10) == 'T') {
                try {
                    out.add(Instant.parse(text));
                } catch (java.time.format.DateTimeParseException notOne) {
                    // a text that only looks like one
                }
            }
            return;
        }
        for (JsonNode child : node) {
            collect(child, out);
        }
    }
}
