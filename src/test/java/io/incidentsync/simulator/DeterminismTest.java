package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The same seed gives byte-identical answers; large data sets are generated on demand, not held. */
class DeterminismTest {
    private static final List<String> PATHS = List.of("/v2/incidents?page_size=250&mode[one_of]=test",
            "/v2/incident_updates?page_size=100", "/v2/users", "/v2/actions?incident_mode=tutorial", "/v2/follow_ups",
            "/v2/custom_fields", "/v1/incident_statuses", "/v1/severities", "/v1/incident_types",
            "/v2/incident_roles", "/v2/incident_timestamps");

    @Test
    void theSameSeedTwiceGivesIdenticalBodies() {
        assertEquals(bodies(7), bodies(7));
    }

    @Test
    void anotherSeedGivesAnotherAccount() {
        assertNotEquals(bodies(7), bodies(8));
    }

    @Test
    void theEndpointsBeyondTheTwelveAnswerIdenticallyForTheSameSeed() {
        List<String> first = bodiesBeyondTheTwelve(7);
        assertEquals(first, bodiesBeyondTheTwelve(7));
        assertNotEquals(first, bodiesBeyondTheTwelve(8));
        for (int i = 0; i < first.size(); i++) {
            assertTrue(first.get(i).length() > 200, i + ": " + first.get(i));
            assertTrue(first.get(i).startsWith("{\""), i + ": " + first.get(i));
        }
    }

    @Test
    void timestampsAreRfc3339WithFractionalSeconds() {
        String body = bodies(7).get(0);
        var matcher = Pattern.compile("\"created_at\":\"([^\"]+)\"").matcher(body);
        int seen = 0;
        while (matcher.find()) {
            assertTrue(matcher.group(1).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), matcher.group(1));
            seen++;
        }
        assertTrue(seen > 10);
    }

    @Test
    void aHundredThousandIncidentsServeTheirLastPageAtOnce() {
        try (Simulator simulator = Simulator.start(new SimulatorConfig().incidents(100_000).addKey("k", true)
                .rateLimits(false), 0)) {
            Api api = new Api(simulator.baseUrl(), "k");
            // ids encode the index, so the cursor of incident 99,999 is known without listing the others
            List<String> params = new ArrayList<>(Api.everyModeAndCategory());
            params.addAll(List.of("page_size", "250", "after", TableCode.INCIDENT.ids(1).id(99_998)));
            Api.Answer last = api.get("/v2/incidents", params.toArray(String[]::new));
            assertEquals(200, last.status());
            assertEquals(1, last.json().get("incidents").size());
            assertEquals("INC-100000", last.json().at("/incidents/0/reference").asText());
        }
    }

    /** A page or body of each of the thirteen newer endpoints, including a middle page and a fixed entry window. */
    private static List<String> bodiesBeyondTheTwelve(long seed) {
        String schedule = TableCode.SCHEDULE.ids(seed).id(1);
        String serviceType = TableCode.CATALOG_TYPE.ids(seed).id(0);
        List<String> paths = List.of("/v2/alerts?page_size=50", "/v2/alerts?page_size=50&after="
                        + TableCode.ALERT.ids(seed).id(60), "/v2/alert_sources", "/v2/alert_routes?page_size=5",
                "/v2/alert_attributes", "/v2/incident_alerts?page_size=50", "/v2/escalations", "/v2/schedules",
                "/v2/schedule_entries?schedule_id=" + schedule
                        + "&entry_window_start=2024-06-01T00:00:00Z&entry_window_end=2024-07-01T00:00:00Z",
                "/v3/catalog_types", "/v3/catalog_entries?page_size=250&catalog_type_id=" + serviceType,
                "/v3/catalog_entries?page_size=250&catalog_type_id=" + serviceType + "&after="
                        + TableCode.CATALOG_ENTRY.ids(seed).id(256),
                "/v3/catalog_resources", "/v2/workflows", "/v1/incident_attachments");
        try (Simulator simulator = Simulator.start(new SimulatorConfig().seed(seed).incidents(300).addKey("k", true)
                .rateLimits(false), 0)) {
            Api api = new Api(simulator.baseUrl(), "k");
            List<String> out = new ArrayList<>();
            for (String path : paths) {
                Api.Answer answer = api.getRaw(path);
                assertEquals(200, answer.status(), path + ": " + answer.body());
                out.add(answer.body());
            }
            return out;
        }
    }

    private static List<String> bodies(long seed) {
        try (Simulator simulator = Simulator.start(new SimulatorConfig().seed(seed).incidents(300).addKey("k", true)
                .rateLimits(false), 0)) {
            Api api = new Api(simulator.baseUrl(), "k");
            List<String> out = new ArrayList<>();
            PATHS.forEach(path -> out.add(api.getRaw(path).body()));
            return out;
        }
    }
}
