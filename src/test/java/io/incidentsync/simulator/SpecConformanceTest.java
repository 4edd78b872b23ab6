package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every answer of a seed-1, 2,000-incident data set, held to incident.io's OpenAPI response schemas. */
class SpecConformanceTest {
    private static final String WALKER = "walker-key";
    /** A second key, so draining its buckets for a 429 leaves the walker's alone. */
    private static final String DRAINER = "drainer-key";
    private static Simulator simulator;
    private static SpecSchemas schemas;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        simulator = Simulator.start(new SimulatorConfig().seed(1).incidents(2000)
                .addKey(WALKER, true).addKey(DRAINER, true), 0);
        schemas = new SpecSchemas();
        api = new Api(simulator.baseUrl(), WALKER);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void everyPageOfEveryEndpointMatchesTheSpec() {
        List<String> violations = new ArrayList<>();
        int[] pages = {0};
        java.util.function.Function<String, Consumer<Api.Answer>> validate = path -> answer -> {
            assertEquals(200, answer.status(), path);
            pages[0]++;
            violations.addAll(schemas.violations(path, answer.body()));
        };

        List<JsonNode> incidents = api.walk("/v2/incidents", "incidents", 250, Api.everyModeAndCategory(),
                validate.apply("/v2/incidents"));
        assertEquals(2000, incidents.size());
        api.walk("/v2/incidents", "incidents", 250, List.of(), validate.apply("/v2/incidents"));
        api.walk("/v2/incident_updates", "incident_updates", 250, List.of(), validate.apply("/v2/incident_updates"));
        api.walk("/v2/users", "users", 250, List.of(), validate.apply("/v2/users"));
        for (String path : List.of("/v2/custom_fields", "/v2/incident_roles", "/v1/incident_statuses",
                "/v2/incident_timestamps", "/v1/incident_types", "/v1/severities")) {
            validate.apply(path).accept(api.get(path));
        }
        for (JsonNode field : api.get("/v2/custom_fields").json().get("custom_fields")) {
            api.walk("/v1/custom_field_options", "custom_field_options", 250,
                    List.of("custom_field_id", field.get("id").asText()), validate.apply("/v1/custom_field_options"));
        }
        for (String path : List.of("/v2/actions", "/v2/follow_ups")) {
            validate.apply(path).accept(api.get(path));
            for (String mode : List.of("standard", "retrospective", "test", "tutorial", "stream")) {
                validate.apply(path).accept(api.get(path, "incident_mode", mode));
            }
        }

        assertEquals(List.of(), violations.subList(0, Math.min(20, violations.size())),
                violations.size() + " violations in " + pages[0] + " pages");
        assertTrue(pages[0] > 60, "walked only " + pages[0] + " pages");
    }

    @Test
    void everyPageOfEveryEndpointBeyondTheTwelveMatchesTheSpec() {
        List<String> violations = new ArrayList<>();
        java.util.Map<String, Integer> pages = new java.util.TreeMap<>();
        java.util.function.Function<String, Consumer<Api.Answer>> validate = path -> answer -> {
            assertEquals(200, answer.status(), path + ": " + answer.body());
            pages.merge(path, 1, Integer::sum);
            violations.addAll(schemas.violations(path, answer.body()));
        };

        for (int size : new int[] {50, 7}) {
            assertEquals(1000, api.walk("/v2/alerts", "alerts", size, List.of(), validate.apply("/v2/alerts")).size());
            api.walk("/v2/alert_routes", "alert_routes", size, List.of(), validate.apply("/v2/alert_routes"));
            api.walk("/v2/incident_alerts", "incident_alerts", size, List.of(), validate.apply("/v2/incident_alerts"));
            api.walk("/v2/escalations", "escalations", size, List.of(), validate.apply("/v2/escalations"));
            api.walk("/v2/schedules", "schedules", size, List.of(), validate.apply("/v2/schedules"));
        }
        validate.apply("/v2/escalations").accept(api.get("/v2/escalations"));
        for (String path : List.of("/v2/alert_sources", "/v2/alert_attributes", "/v3/catalog_types",
                "/v3/catalog_resources", "/v2/workflows", "/v1/incident_attachments")) {
            validate.apply(path).accept(api.get(path));
        }
        JsonNode incident = api.get("/v2/incidents", "page_size", "1").json().at("/incidents/0");
        validate.apply("/v1/incident_attachments").accept(api.get("/v1/incident_attachments", "incident_id",
                incident.get("id").asText()));
        validate.apply("/v2/incident_alerts").accept(api.get("/v2/incident_alerts", "page_size", "50", "incident_id",
                incident.get("id").asText()));
        for (JsonNode type : api.get("/v3/catalog_types").json().get("catalog_types")) {
            for (int size : new int[] {250, 40}) {
                api.walk("/v3/catalog_entries", "catalog_entries", size, List.of("catalog_type_id",
                        type.get("id").asText()), validate.apply("/v3/catalog_entries"));
            }
        }
        int entries = 0;
        for (JsonNode schedule : api.walk("/v2/schedules", "schedules", 250, List.of())) {
            String id = schedule.get("id").asText();
            for (List<String> window : List.of(List.<String>of(),
                    List.of("entry_window_start", "2024-02-01T00:00:00Z", "entry_window_end", "2024-05-01T00:00:00Z"),
                    List.of("entry_window_start", "2031-07-01T10:30:00+02:00"))) {
                List<String> params = new ArrayList<>(List.of("schedule_id", id));
                params.addAll(window);
                Api.Answer answer = api.get("/v2/schedule_entries", params.toArray(String[]::new));
                validate.apply("/v2/schedule_entries").accept(answer);
                entries += answer.json().at("/schedule_entries/final").size();
            }
        }

        assertEquals(List.of(), violations.subList(0, Math.min(20, violations.size())),
                violations.size() + " violations in " + pages);
        assertEquals(13, pages.size(), pages.toString());
        assertTrue(pages.get("/v3/catalog_entries") > 12, pages.toString());
        assertTrue(entries > 100, entries + " final schedule entries");
    }

    @Test
    void errorAnswersHaveTheShapeApiMdDocuments() {
        Api drainer = new Api(simulator.baseUrl(), DRAINER);
        Api.Answer unauthorized = new Api(simulator.baseUrl(), "wrong-key").get("/v2/incidents");
        Api.Answer tooBig = drainer.get("/v2/users", "page_size", "251");
        Api.Answer missing = drainer.get("/v1/custom_field_options");
        Api.Answer limited = null;
        for (int i = 0; i < 100 && limited == null; i++) {
            Api.Answer answer = drainer.get("/v2/incidents", "page_size", "1");
            limited = answer.status() == 429 ? answer : null;
        }

        assertEquals(401, unauthorized.status());
        assertEquals("authentication_error", unauthorized.json().get("type").asText());
        assertEquals(422, tooBig.status());
        assertEquals("validation_error", tooBig.json().get("type").asText());
        assertEquals(422, missing.status());
        assertEquals("custom_field_id", missing.json().at("/errors/0/source/field").asText());
        assertNotNull(limited, "no 429 within 100 requests to a 60-per-minute endpoint");
        assertEquals("too_many_requests", limited.json().get("type").asText());
        List<String> violations = new ArrayList<>();
        violations.addAll(schemas.errorViolations("401", unauthorized.body()));
        violations.addAll(schemas.errorViolations("422 page_size", tooBig.body()));
        violations.addAll(schemas.errorViolations("422 custom_field_id", missing.body()));
        violations.addAll(schemas.errorViolations("429", limited.body()));
        assertEquals(List.of(), violations);
        assertTrue(limited.json().has("rate_limit"));
    }

    @Test
    void theValidatorRejectsARecordMissingARequiredField() {
        String body = api.get("/v1/severities").body().replaceFirst("\"rank\":\\d+,", "");
        assertFalse(schemas.violations("/v1/severities", body).isEmpty());
        assertFalse(schemas.errorViolations("error", "{\"type\":\"x\",\"status\":401}").isEmpty());
    }
}
