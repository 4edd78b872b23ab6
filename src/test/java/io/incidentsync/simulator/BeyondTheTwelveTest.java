package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The thirteen endpoints beyond the twelve tables: their page-size limits and required parameters, cursor paging
 * against the oracle, links between records, the private scope, and schedule entries over any window.
 */
class BeyondTheTwelveTest {
    private static final String PRIVATE = "private-key";
    private static final String PUBLIC = "public-key";
    private static final int INCIDENTS = 600;
    private static final Instant FROM = Instant.parse("2024-03-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2024-05-30T12:00:00Z");
    private static Simulator simulator;
    private static Oracle oracle;
    private static Api api;

    @BeforeAll
    static void start() {
        simulator = Simulator.start(new SimulatorConfig().seed(5).incidents(INCIDENTS).addKey(PRIVATE, true)
                .addKey(PUBLIC, false).rateLimits(false), 0);
        oracle = simulator.oracle();
        api = new Api(simulator.baseUrl(), PRIVATE);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void theOracleListsTheTwelveTablesFirstThenTheThirteenNewOnes() {
        assertEquals(List.of("incidents", "actions", "custom_field_options", "custom_fields", "follow_ups",
                "incident_roles", "incident_statuses", "incident_timestamps", "incident_types", "incident_updates",
                "severities", "users", "alerts", "alert_sources", "alert_routes", "alert_attributes",
                "incident_alerts", "escalations", "schedules", "schedule_entries", "catalog_types", "catalog_entries",
                "catalog_resources", "workflows", "incident_attachments"), oracle.tables());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> oracle.records("schedule_entries", true));
        assertTrue(refused.getMessage().contains("scheduleEntries"), refused.getMessage());
    }

    @Test
    void pageSizeMaximaAndRequiredParametersAre422() throws Exception {
        SpecSchemas schemas = new SpecSchemas();
        String typeId = api.get("/v3/catalog_types").json().at("/catalog_types/0/id").asText();
        String scheduleId = api.get("/v2/schedules").json().at("/schedules/0/id").asText();
        Map<String, Api.Answer> refused = new java.util.LinkedHashMap<>();
        refused.put("alerts 51", api.get("/v2/alerts", "page_size", "51"));
        refused.put("alerts without page_size", api.get("/v2/alerts"));
        refused.put("alert_routes 51", api.get("/v2/alert_routes", "page_size", "51"));
        refused.put("alert_routes without page_size", api.get("/v2/alert_routes"));
        refused.put("incident_alerts 51", api.get("/v2/incident_alerts", "page_size", "51"));
        refused.put("incident_alerts without page_size", api.get("/v2/incident_alerts"));
        refused.put("escalations 51", api.get("/v2/escalations", "page_size", "51"));
        refused.put("schedules 251", api.get("/v2/schedules", "page_size", "251"));
        refused.put("catalog_entries 251", api.get("/v3/catalog_entries", "catalog_type_id", typeId, "page_size", "251"));
        refused.put("catalog_entries without page_size", api.get("/v3/catalog_entries", "catalog_type_id", typeId));
        refused.put("catalog_entries without catalog_type_id", api.get("/v3/catalog_entries", "page_size", "25"));
        refused.put("schedule_entries without schedule_id", api.get("/v2/schedule_entries"));
        refused.put("schedule_entries with a bad date", api.get("/v2/schedule_entries", "schedule_id", scheduleId,
                "entry_window_start", "yesterday"));
        refused.put("schedule_entries ending before they start", api.get("/v2/schedule_entries", "schedule_id",
                scheduleId, "entry_window_start", "2025-01-02T00:00:00Z", "entry_window_end", "2025-01-01T00:00:00Z"));
        refused.put("schedule_entries over two years", api.get("/v2/schedule_entries", "schedule_id", scheduleId,
                "entry_window_start", "2025-01-01T00:00:00Z", "entry_window_end", "2027-01-01T00:00:00Z"));
        refused.put("incident_attachments of a bogus resource_type", api.get("/v1/incident_attachments",
                "resource_type", "carrier_pigeon"));
        List<String> violations = new ArrayList<>();
        refused.forEach((what, answer) -> {
            assertEquals(422, answer.status(), what + ": " + answer.body());
            assertEquals("validation_error", answer.json().get("type").asText(), what);
            violations.addAll(schemas.errorViolations(what, answer.body()));
        });
        assertEquals(List.of(), violations);
        assertEquals("page_size", refused.get("alerts 51").json().at("/errors/0/source/field").asText());
        assertEquals("page_size", refused.get("alerts without page_size").json().at("/errors/0/source/field").asText());
        assertEquals("catalog_type_id",
                refused.get("catalog_entries without catalog_type_id").json().at("/errors/0/source/field").asText());
        assertEquals("schedule_id",
                refused.get("schedule_entries without schedule_id").json().at("/errors/0/source/field").asText());

        assertEquals(200, api.get("/v2/alerts", "page_size", "50").status());
        assertEquals(200, api.get("/v2/schedules", "page_size", "250").status());
        JsonNode escalations = api.get("/v2/escalations").json();
        assertEquals(25, escalations.get("escalations").size(), "escalations default to pages of 25");
        assertEquals(25, escalations.at("/pagination_meta/page_size").asInt());

        Api.Answer noSuchSchedule = api.get("/v2/schedule_entries", "schedule_id", "01ARZ3NDEKTSV4RRFFQ69G5FAV");
        Api.Answer noSuchType = api.get("/v3/catalog_entries", "catalog_type_id", "01ARZ3NDEKTSV4RRFFQ69G5FAV",
                "page_size", "25");
        for (Api.Answer answer : List.of(noSuchSchedule, noSuchType)) {
            assertEquals(404, answer.status(), answer.body());
            assertEquals("not_found", answer.json().get("type").asText());
            assertEquals(List.of(), schemas.errorViolations("404", answer.body()));
        }
    }

    @Test
    void smallPagesReturnEveryRecordOnceExactlyAsTheOracleHasIt() {
        String[][] paged = {
                {"/v2/alerts", "alerts", "7"}, {"/v2/alert_routes", "alert_routes", "3"},
                {"/v2/incident_alerts", "incident_alerts", "9"}, {"/v2/escalations", "escalations", "4"},
                {"/v2/schedules", "schedules", "2"}};
        for (String[] listing : paged) {
            List<JsonNode> walked = api.walk(listing[0], listing[1], Integer.parseInt(listing[2]), List.of());
            List<ObjectNode> expected = oracle.records(listing[1], true);
            List<String> ids = Api.ids(walked);
            assertEquals(ids.size(), new HashSet<>(ids).size(), listing[1] + " repeated a record");
            assertTrue(walked.size() > Integer.parseInt(listing[2]), listing[1] + " fits on one page: " + walked.size());
            assertEquals(expected, walked, listing[1]);
            assertEquals(ids.stream().sorted().toList(), ids, listing[1] + " in ascending id order");
        }
        assertEquals(INCIDENTS / 2, oracle.records("alerts", true).size());
        assertEquals(INCIDENTS / 10, oracle.records("escalations", true).size());
        assertEquals(200, oracle.records("incident_alerts", true).size(), "two thirds of 300 alerts are linked");
        assertEquals(5, oracle.records("schedules", true).size(), "at least five schedules, so they page");

        String[][] unpaged = {
                {"/v2/alert_sources", "alert_sources", "alert_sources"},
                {"/v2/alert_attributes", "alert_attributes", "alert_attributes"},
                {"/v3/catalog_types", "catalog_types", "catalog_types"},
                {"/v3/catalog_resources", "catalog_resources", "resources"},
                {"/v2/workflows", "workflows", "workflows"},
                {"/v1/incident_attachments", "incident_attachments", "incident_attachments"}};
        for (String[] listing : unpaged) {
            JsonNode body = api.get(listing[0]).json();
            assertEquals(1, body.size(), listing[0] + " has no pagination_meta");
            assertEquals(oracle.records(listing[1], true), list(body.get(listing[2])), listing[1]);
        }
        assertEquals(INCIDENTS / 3, oracle.records("incident_attachments", true).size());
        List<String> types = oracle.records("catalog_resources", true).stream().map(r -> r.get("type").asText()).toList();
        assertEquals(types.stream().sorted().toList(), types, "catalog resources in order of type");
        assertEquals(types.size(), Set.copyOf(types).size());
        assertTrue(oracle.records("catalog_resources", true).stream().noneMatch(r -> r.has("id")));
    }

    @Test
    void catalogEntriesListPerTypeWithTheTypeAndOneTypeNeedsSeveralPages() {
        List<JsonNode> types = list(api.get("/v3/catalog_types").json().get("catalog_types"));
        Map<String, JsonNode> typesById = types.stream().collect(Collectors.toMap(t -> t.get("id").asText(), t -> t));
        List<JsonNode> all = new ArrayList<>();
        int longest = 0;
        boolean single = false;
        boolean multiple = false;
        for (JsonNode type : types) {
            String id = type.get("id").asText();
            List<JsonNode> entries = api.walk("/v3/catalog_entries", "catalog_entries", 250,
                    List.of("catalog_type_id", id), answer -> assertEquals(type, answer.json().get("catalog_type")));
            assertEquals(entries, api.walk("/v3/catalog_entries", "catalog_entries", 33, List.of("catalog_type_id", id)));
            longest = Math.max(longest, entries.size());
            Set<String> attributeIds = new HashSet<>();
            type.at("/schema/attributes").forEach(a -> attributeIds.add(a.get("id").asText()));
            for (JsonNode entry : entries) {
                assertEquals(id, entry.get("catalog_type_id").asText());
                var names = entry.get("attribute_values").fieldNames();
                while (names.hasNext()) {
                    String attribute = names.next();
                    assertTrue(attributeIds.contains(attribute), attribute + " is not an attribute of " + id);
                    single |= entry.get("attribute_values").get(attribute).has("value");
                    multiple |= entry.get("attribute_values").get(attribute).has("array_value");
                }
            }
            all.addAll(entries);
        }
        assertTrue(longest > 250, "longest catalog type has " + longest + " entries");
        assertTrue(single && multiple, "attribute values use both value and array_value");
        assertEquals(oracle.records("catalog_entries", true), all.stream().sorted(
                java.util.Comparator.comparing(e -> e.get("id").asText())).toList());
        assertTrue(all.stream().allMatch(e -> typesById.containsKey(e.get("catalog_type_id").asText())));

        // entries that refer to entries of another type point at real ones
        Set<String> entryIds = Set.copyOf(Api.ids(all));
        int references = 0;
        for (JsonNode type : types) {
            for (JsonNode attribute : type.at("/schema/attributes")) {
                if (!attribute.get("type").asText().startsWith("CatalogEntry[")) {
                    continue;
                }
                for (JsonNode entry : all) {
                    JsonNode value = entry.at("/attribute_values/" + attribute.get("id").asText());
                    List<JsonNode> bindings = value.has("value") ? List.of(value.get("value")) : list(value.path("array_value"));
                    for (JsonNode binding : bindings) {
                        assertTrue(entryIds.contains(binding.get("literal").asText()), binding.toString());
                        references++;
                    }
                }
            }
        }
        assertTrue(references > 500, references + " references between entries");
        // incidents' "Vendor" custom field values are entries of the Vendor type
        JsonNode vendorField = list(api.get("/v2/custom_fields").json().get("custom_fields")).stream()
                .filter(f -> f.has("catalog_type_id")).findFirst().orElseThrow();
        assertTrue(typesById.containsKey(vendorField.get("catalog_type_id").asText()));
        assertTrue(oracle.records("incidents", true).stream().flatMap(i -> list(i.get("custom_field_entries")).stream())
                .flatMap(e -> list(e.get("values")).stream()).filter(v -> v.has("value_catalog_entry"))
                .allMatch(v -> entryIds.contains(v.at("/value_catalog_entry/id").asText())));
    }

    @Test
    void recordsReferToRealRecords() {
        Map<String, ObjectNode> incidents = byId(oracle.records("incidents", true));
        Map<String, ObjectNode> alerts = byId(oracle.records("alerts", true));
        Set<String> sources = Set.copyOf(Api.ids(oracle.records("alert_sources", true)));
        Set<String> routes = Set.copyOf(Api.ids(oracle.records("alert_routes", true)));
        Set<String> attributes = Set.copyOf(Api.ids(oracle.records("alert_attributes", true)));
        Set<String> users = Set.copyOf(Api.ids(oracle.records("users", true)));
        Set<String> entries = Set.copyOf(Api.ids(oracle.records("catalog_entries", true)));
        for (ObjectNode alert : alerts.values()) {
            assertTrue(sources.contains(alert.get("alert_source_id").asText()));
            for (JsonNode attribute : alert.get("attributes")) {
                assertTrue(attributes.contains(attribute.at("/attribute/id").asText()));
                JsonNode entry = attribute.at("/value/catalog_entry");
                if (!entry.isMissingNode()) {
                    assertTrue(entries.contains(entry.get("id").asText()));
                }
            }
        }
        for (ObjectNode source : oracle.records("alert_sources", true)) {
            source.get("alert_route_ids").forEach(r -> assertTrue(routes.contains(r.asText())));
            source.at("/template/attributes").forEach(a -> assertTrue(attributes.contains(a.get("alert_attribute_id").asText())));
        }
        Set<String> linkedAlerts = new HashSet<>();
        for (ObjectNode link : oracle.records("incident_alerts", true)) {
            ObjectNode alert = alerts.get(link.at("/alert/id").asText());
            ObjectNode incident = incidents.get(link.at("/incident/id").asText());
            assertTrue(alert != null && incident != null, link.toString());
            link.get("alert").fields().forEachRemaining(f -> assertEquals(alert.get(f.getKey()), f.getValue(), f.getKey()));
            for (String field : List.of("name", "reference", "visibility")) {
                assertEquals(incident.get(field), link.get("incident").get(field), field);
            }
            assertEquals("INC-" + link.at("/incident/external_id").asInt(), incident.get("reference").asText());
            assertTrue(routes.contains(link.get("alert_route_id").asText()));
            assertTrue(Instant.parse(alert.get("created_at").asText())
                    .isBefore(Instant.parse(incident.get("created_at").asText())), "an alert fires before its incident");
            linkedAlerts.add(alert.get("id").asText());
        }
        assertEquals(linkedAlerts.size(), oracle.records("incident_alerts", true).size(), "one link per linked alert");
        for (ObjectNode escalation : oracle.records("escalations", true)) {
            escalation.get("related_alerts").forEach(a -> assertTrue(alerts.containsKey(a.get("id").asText())));
            escalation.get("related_incidents").forEach(i -> assertTrue(incidents.containsKey(i.get("id").asText())));
            JsonNode creator = escalation.at("/creator/alert/id");
            if (!creator.isMissingNode()) {
                assertEquals(escalation.at("/related_alerts/0/id"), creator);
            }
            List<String> times = list(escalation.get("events")).stream().map(e -> e.get("occurred_at").asText()).toList();
            assertEquals(times.stream().sorted().toList(), times, "events in order");
            assertEquals(times.get(times.size() - 1), escalation.get("updated_at").asText());
        }
        for (ObjectNode schedule : oracle.records("schedules", true)) {
            schedule.get("team_ids").forEach(t -> assertTrue(entries.contains(t.asText())));
            for (JsonNode rotation : schedule.at("/config/rotations")) {
                rotation.get("user_ids").forEach(u -> assertTrue(users.contains(u.asText())));
                assertEquals(rotation.get("user_ids").size(), rotation.get("users").size());
            }
        }
        for (ObjectNode attachment : oracle.records("incident_attachments", true)) {
            assertTrue(incidents.containsKey(attachment.get("incident_id").asText()));
        }
        assertTrue(oracle.records("schedules", true).stream().anyMatch(s -> s.get("team_ids").size() > 0));
    }

    @Test
    void filtersNarrowIncidentAlertsAndAttachments() {
        ObjectNode link = oracle.records("incident_alerts", true).get(5);
        String incidentId = link.at("/incident/id").asText();
        List<JsonNode> byIncident = api.walk("/v2/incident_alerts", "incident_alerts", 50, List.of("incident_id", incidentId));
        assertEquals(oracle.records("incident_alerts", true).stream()
                .filter(l -> l.at("/incident/id").asText().equals(incidentId)).toList(), byIncident);
        List<JsonNode> byAlert = api.walk("/v2/incident_alerts", "incident_alerts", 50,
                List.of("alert_id", link.at("/alert/id").asText()));
        assertEquals(List.of(link), byAlert);
        assertEquals(List.of(), api.walk("/v2/incident_alerts", "incident_alerts", 50, List.of("alert_id", "nope")));

        Map<String, Long> perIncident = oracle.records("incident_attachments", true).stream()
                .collect(Collectors.groupingBy(a -> a.get("incident_id").asText(), Collectors.counting()));
        String busiest = perIncident.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertTrue(perIncident.get(busiest) > 1, "some incident has several attachments");
        List<JsonNode> attachments = list(api.get("/v1/incident_attachments", "incident_id", busiest).json()
                .get("incident_attachments"));
        assertEquals(oracle.records("incident_attachments", true).stream()
                .filter(a -> a.get("incident_id").asText().equals(busiest)).toList(), attachments);
        List<JsonNode> jira = list(api.get("/v1/incident_attachments", "resource_type", "jira_issue").json()
                .get("incident_attachments"));
        assertFalse(jira.isEmpty());
        assertTrue(jira.stream().allMatch(a -> a.at("/resource/resource_type").asText().equals("jira_issue")));
    }

    @Test
    void aKeyWithoutThePrivateScopeSeesNothingOfPrivateIncidents() {
        Api publicApi = new Api(simulator.baseUrl(), PUBLIC);
        Set<String> privateIncidents = oracle.records("incidents", true).stream()
                .filter(i -> i.get("visibility").asText().equals("private")).map(i -> i.get("id").asText())
                .collect(Collectors.toSet());
        assertFalse(privateIncidents.isEmpty());
        List<JsonNode> attachments = list(publicApi.get("/v1/incident_attachments").json().get("incident_attachments"));
        List<JsonNode> links = publicApi.walk("/v2/incident_alerts", "incident_alerts", 50, List.of());
        List<JsonNode> escalations = publicApi.walk("/v2/escalations", "escalations", 50, List.of());
        assertTrue(attachments.stream().noneMatch(a -> privateIncidents.contains(a.get("incident_id").asText())));
        assertTrue(links.stream().noneMatch(l -> privateIncidents.contains(l.at("/incident/id").asText())));
        assertTrue(escalations.stream().flatMap(e -> list(e.get("related_incidents")).stream())
                .noneMatch(i -> privateIncidents.contains(i.get("id").asText())));
        assertEquals(oracle.records("incident_attachments", false), attachments);
        assertEquals(oracle.records("incident_alerts", false), links);
        assertEquals(oracle.records("escalations", false), escalations);
        for (String table : List.of("incident_attachments", "incident_alerts", "escalations")) {
            assertTrue(oracle.records(table, false).size() < oracle.records(table, true).size(), table);
        }
        for (String table : List.of("alerts", "schedules", "catalog_entries", "workflows")) {
            assertEquals(oracle.records(table, true), oracle.records(table, false), table);
        }
    }

    @Test
    void scheduleEntriesOfAWindowAreWhatTheOracleSays() {
        List<ObjectNode> served = new ArrayList<>();
        for (JsonNode schedule : api.walk("/v2/schedules", "schedules", 250, List.of())) {
            JsonNode lists = api.get("/v2/schedule_entries", "schedule_id", schedule.get("id").asText(),
                    "entry_window_start", FROM.toString(), "entry_window_end", TO.toString()).json()
                    .get("schedule_entries");
            for (String list : List.of("final", "scheduled", "overrides")) {
                for (JsonNode entry : lists.get(list)) {
                    ObjectNode copy = entry.deepCopy();
                    copy.put("schedule_id", schedule.get("id").asText());
                    copy.put("entry_list", list);
                    served.add(copy);
                }
            }
        }
        List<ObjectNode> expected = oracle.scheduleEntries(FROM, TO);
        assertEquals(expected, served);
        Set<String> keys = new HashSet<>();
        for (ObjectNode entry : expected) {
            assertTrue(keys.add(entry.get("schedule_id").asText() + "/" + entry.get("entry_list").asText() + "/"
                    + entry.get("fingerprint").asText()), "fingerprint repeated: " + entry);
            Instant start = Instant.parse(entry.get("start_at").asText());
            Instant end = Instant.parse(entry.get("end_at").asText());
            assertTrue(start.isBefore(TO) && end.isAfter(FROM) && start.isBefore(end), entry.toString());
            assertEquals(entry.at("/user/id"), entry.get("user_id"));
        }
        Map<String, Long> perList = expected.stream().collect(Collectors.groupingBy(e -> e.get("entry_list").asText(),
                Collectors.counting()));
        assertTrue(perList.getOrDefault("overrides", 0L) >= 3, perList.toString());
        assertTrue(perList.get("scheduled") > 100, perList.toString());

        // final is scheduled with the overrides cut in: per layer, both tile the same time without gaps or overlaps
        Map<String, List<ObjectNode>> byLayer = expected.stream().filter(e -> !e.get("entry_list").asText().equals("overrides"))
                .collect(Collectors.groupingBy(e -> e.get("schedule_id").asText() + e.get("layer_id").asText()
                        + e.get("entry_list").asText()));
        for (List<ObjectNode> layer : byLayer.values()) {
            for (int i = 1; i < layer.size(); i++) {
                assertEquals(layer.get(i - 1).get("end_at"), layer.get(i).get("start_at"), "back to back");
            }
        }
        Set<String> finals = expected.stream().filter(e -> e.get("entry_list").asText().equals("final"))
                .map(BeyondTheTwelveTest::withoutList).collect(Collectors.toSet());
        expected.stream().filter(e -> e.get("entry_list").asText().equals("overrides"))
                .forEach(o -> assertTrue(finals.contains(withoutList(o)), "an override is part of final: " + o));

        // a window only picks entries: the same entry looks the same whichever window found it
        Instant later = FROM.plusSeconds(40 * 86_400);
        Map<String, ObjectNode> shifted = new HashMap<>();
        oracle.scheduleEntries(later, TO.plusSeconds(30 * 86_400))
                .forEach(e -> shifted.put(e.get("schedule_id").asText() + e.get("entry_list").asText()
                        + e.get("fingerprint").asText(), e));
        long shared = expected.stream().filter(e -> {
            ObjectNode other = shifted.get(e.get("schedule_id").asText() + e.get("entry_list").asText()
                    + e.get("fingerprint").asText());
            assertTrue(other == null || other.equals(e));
            return other != null;
        }).count();
        assertTrue(shared > 50, shared + " entries in both windows");
    }

    @Test
    void withoutAWindowScheduleEntriesCoverYesterdayToAWeekAhead() {
        String id = oracle.records("schedules", true).get(0).get("id").asText();
        Instant[] before = Schedules.window(null, null, Instant.now());
        JsonNode lists = api.get("/v2/schedule_entries", "schedule_id", id).json().get("schedule_entries");
        Instant[] after = Schedules.window(null, null, Instant.now());
        List<ObjectNode> expected = new ArrayList<>();
        for (Instant[] window : List.of(before, after)) {
            expected = oracle.scheduleEntries(window[0], window[1]).stream()
                    .filter(e -> e.get("schedule_id").asText().equals(id) && e.get("entry_list").asText().equals("scheduled"))
                    .map(e -> {
                        e.remove("schedule_id");
                        e.remove("entry_list");
                        return e;
                    }).toList();
            if (expected.equals(list(lists.get("scheduled")))) {
                break;
            }
        }
        assertEquals(expected, list(lists.get("scheduled")));
        assertEquals(8 * 86_400, before[1].getEpochSecond() - before[0].getEpochSecond());
        assertFalse(expected.isEmpty());
        // only a start: eight days from it
        JsonNode fromOnly = api.get("/v2/schedule_entries", "schedule_id", id, "entry_window_start", FROM.toString())
                .json().get("schedule_entries");
        assertEquals(oracle.scheduleEntries(FROM, FROM.plusSeconds(8 * 86_400)).stream()
                .filter(e -> e.get("schedule_id").asText().equals(id) && e.get("entry_list").asText().equals("final"))
                .count(), fromOnly.get("final").size());
    }

    @Test
    void faultsReachTheNewEndpoints() {
        try (Simulator own = Simulator.start(new SimulatorConfig().seed(5).incidents(120).addKey("k", true)
                .rateLimits(false), 0)) {
            Api ownApi = new Api(own.baseUrl(), "k");
            String schedule = own.oracle().records("schedules", true).get(0).get("id").asText();
            own.faults().forbidden("/v2/alerts", "Read alerts").forbidden("/v2/schedule_entries", "Read schedules");
            for (Api.Answer answer : List.of(ownApi.get("/v2/alerts", "page_size", "5"),
                    ownApi.get("/v2/schedule_entries", "schedule_id", schedule))) {
                assertEquals(403, answer.status());
                assertEquals("missing_required_scope", answer.json().at("/errors/0/code").asText());
            }
            own.faults().clear();
            own.faults().unknownField("schedule_entries", "shift_colour", "teal").unknownField("alerts", "noise", 3);
            JsonNode lists = ownApi.get("/v2/schedule_entries", "schedule_id", schedule).json().get("schedule_entries");
            assertTrue(list(lists.get("scheduled")).stream().allMatch(e -> e.get("shift_colour").asText().equals("teal")));
            assertTrue(own.oracle().scheduleEntries(FROM, TO).stream().allMatch(e -> e.has("shift_colour")));
            assertTrue(own.oracle().records("alerts", true).stream().allMatch(a -> a.get("noise").asInt() == 3));

            int before = own.oracle().records("alerts", true).size();
            own.faults().addRecordAfterPage("/v2/alerts", 1).removeRecordAfterPage("/v2/escalations", 1);
            List<String> alerts = Api.ids(ownApi.walk("/v2/alerts", "alerts", 10, List.of()));
            List<String> escalations = Api.ids(ownApi.walk("/v2/escalations", "escalations", 3, List.of()));
            assertEquals(before + 1, alerts.size());
            assertEquals(Api.ids(own.oracle().records("alerts", true)), alerts);
            assertEquals(Api.ids(own.oracle().records("escalations", true)), escalations);
            assertEquals(11, escalations.size(), "one of twelve escalations was deleted");
        }
    }

    @Test
    void recordsCarryArraysOfObjectsArraysOfStringsAndArraysInsideArrays() {
        ObjectNode schedule = oracle.records("schedules", true).get(0);
        assertTrue(schedule.at("/config/rotations/0/users").size() > 0);
        assertTrue(schedule.at("/config/rotations/0/user_ids/0").isTextual());
        assertTrue(schedule.at("/config/rotations/0/layers/0/id").isTextual());
        assertTrue(oracle.records("workflows", true).stream().anyMatch(w -> w.at("/steps/0/params/0/name").isTextual()));
        assertTrue(oracle.records("workflows", true).stream()
                .anyMatch(w -> w.at("/condition_groups/0/conditions/0/param_bindings/0/array_value/1").isObject()));
        assertTrue(oracle.records("alerts", true).stream().anyMatch(a -> a.at("/themes/0").isTextual()));
        assertTrue(oracle.records("alerts", true).stream().anyMatch(a -> list(a.get("attributes")).stream()
                .anyMatch(v -> v.path("array_value").size() > 1)));
        assertTrue(oracle.records("escalations", true).stream().anyMatch(e -> e.at("/events/1/users/0/id").isTextual()));
        assertTrue(oracle.records("catalog_entries", true).stream().anyMatch(e -> e.at("/aliases/1").isTextual()));
        assertTrue(oracle.records("alert_sources", true).stream().anyMatch(s -> s.at("/jira_options/project_ids/1").isTextual()));
        String everything = oracle.records("catalog_entries", true).toString() + oracle.records("alert_sources", true);
        assertTrue(everything.codePoints().anyMatch(c -> c > 0xFFFF), "emoji");
        assertTrue(everything.contains("\\\"") && everything.contains("\\n"), "quotes and newlines");
        assertNotEquals(0, oracle.records("alerts", true).stream().filter(a -> a.get("evaluation_failures").size() > 0).count());
    }

    private static String withoutList(ObjectNode entry) {
        ObjectNode copy = entry.deepCopy();
        copy.remove("entry_list");
        return copy.toString();
    }

    private static Map<String, ObjectNode> byId(List<ObjectNode> records) {
        Map<String, ObjectNode> out = new HashMap<>();
        records.forEach(r -> out.put(r.get("id").asText(), r));
        return out;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
