package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulated clock's changes, as a sync sees them over HTTP and as the oracle reports them. */
class ChangesTest {
    private static final String PRIVATE = "private-key";
    private static final String PUBLIC = "public-key";
    private Simulator simulator;
    private Api api;

    @BeforeEach
    void start() {
        simulator = Simulator.start(new SimulatorConfig().seed(5).incidents(200).addKey(PRIVATE, true)
                .addKey(PUBLIC, false).rateLimits(false), 0);
        api = new Api(simulator.baseUrl(), PRIVATE);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void theClockStartsAfterEverythingGeneratedAndOnlyMovesForward() {
        Instant now = simulator.changes().now();
        Instant latest = simulator.oracle().records("incidents", true).stream()
                .map(i -> Instant.parse(i.get("updated_at").asText())).max(Instant::compareTo).orElseThrow();
        assertTrue(now.isAfter(latest), now + " after " + latest);
        assertEquals(now.plusSeconds(90), simulator.changes().advance(Duration.ofSeconds(90)));
        assertEquals(now.plusSeconds(90), simulator.oracle().now());
        assertThrows(IllegalArgumentException.class, () -> simulator.changes().advance(Duration.ofSeconds(-1)));
    }

    @Test
    void anEditChangesValuesAndBumpsUpdatedAtToNow() {
        Map<String, JsonNode> before = byId(api.walk("/v2/incidents", "incidents", 250, Api.everyModeAndCategory()));
        simulator.changes().advance(Duration.ofHours(2));
        Instant now = simulator.changes().now();
        List<String> edited = simulator.changes().editIncidents(10);

        assertEquals(10, edited.size());
        assertEquals(10, Set.copyOf(edited).size(), "ten distinct incidents");
        Map<String, JsonNode> after = byId(api.walk("/v2/incidents", "incidents", 250, Api.everyModeAndCategory()));
        assertEquals(before.keySet(), after.keySet());
        for (String id : edited) {
            JsonNode old = before.get(id);
            JsonNode edit = after.get(id);
            assertNotEquals(old.get("name"), edit.get("name"), id);
            assertEquals(old.get("created_at"), edit.get("created_at"), id);
            Instant updated = Instant.parse(edit.get("updated_at").asText());
            assertTrue(!updated.isBefore(now) && updated.isBefore(now.plusSeconds(1)), updated + " is now, " + now);
            assertEquals(edit, api.get("/v2/incidents/" + id).json().get("incident"));
        }
        long untouched = before.keySet().stream().filter(id -> !edited.contains(id))
                .filter(id -> before.get(id).equals(after.get(id))).count();
        assertEquals(before.size() - 10, untouched, "no other incident changed");
        assertEquals(Map.of(), Listings.disagreements(api, simulator.oracle(), true, Listings.INCIDENT_TABLES));
    }

    @Test
    void aStatusChangePostsAnIncidentUpdateNamingTheNewStatus() {
        int updatesBefore = simulator.oracle().records("incident_updates", true).size();
        ChangeSet changes = simulator.changes().apply(batch -> batch.editIncidents(40));
        List<String> posted = changes.created("incident_updates");
        assertFalse(posted.isEmpty(), "forty edits post some updates");
        assertEquals(updatesBefore + posted.size(), simulator.oracle().records("incident_updates", true).size());
        Map<String, JsonNode> incidents = byId(api.walk("/v2/incidents", "incidents", 250, Api.everyModeAndCategory()));
        for (JsonNode update : api.walk("/v2/incident_updates", "incident_updates", 250, List.of())) {
            if (posted.contains(update.get("id").asText())) {
                JsonNode incident = incidents.get(update.get("incident_id").asText());
                assertTrue(changes.updated("incidents").contains(incident.get("id").asText()));
                assertEquals(incident.at("/incident_status/id"), update.at("/new_incident_status/id"));
                assertEquals(incident.get("updated_at"), update.get("created_at"));
            }
        }
    }

    @Test
    void addedIncidentsAppearWithTheirUpdatesFollowUpsAndActionsAsTheOracleSays() {
        List<String> existing = Api.ids(simulator.oracle().records("incidents", true));
        simulator.changes().advance(Duration.ofMinutes(5));
        ChangeSet added = simulator.changes().apply(batch -> batch.addIncidents(5));
        List<String> ids = added.created("incidents");

        assertEquals(5, ids.size());
        String last = existing.get(existing.size() - 1);
        assertTrue(ids.stream().allMatch(id -> id.compareTo(last) > 0), "new ids sort after every existing one");
        assertEquals(5, added.created("incident_updates").size(), "each new incident comes with its first update");
        Map<String, JsonNode> incidents = byId(api.walk("/v2/incidents", "incidents", 250, Api.everyModeAndCategory()));
        Instant now = simulator.changes().now();
        for (String id : ids) {
            JsonNode incident = incidents.get(id);
            Instant created = Instant.parse(incident.get("created_at").asText());
            assertTrue(!created.isBefore(now) && created.isBefore(now.plusSeconds(1)), created + " is now, " + now);
            assertEquals(incident.get("created_at"), incident.get("updated_at"));
        }
        Set<String> childParents = new HashSet<>();
        for (String table : List.of("incident_updates", "follow_ups", "actions")) {
            List<String> created = added.created(table);
            for (JsonNode record : Listings.read(api, table)) {
                if (created.contains(record.get("id").asText())) {
                    assertTrue(ids.contains(record.get("incident_id").asText()), table);
                    childParents.add(record.get("incident_id").asText());
                }
            }
        }
        assertEquals(Set.copyOf(ids), childParents);
        assertEquals(Map.of(), Listings.disagreements(api, simulator.oracle(), true, Listings.INCIDENT_TABLES));
        assertEquals(Map.of(), Listings.disagreements(new Api(simulator.baseUrl(), PUBLIC), simulator.oracle(), false,
                Listings.INCIDENT_TABLES));
    }

    @Test
    void aDeletedIncidentVanishesWithItsRecordsAndAnswers404() {
        // an incident that has updates, a follow-up, an action and an alert link
        String id = simulator.oracle().records("incident_alerts", true).get(3).at("/incident/id").asText();
        Set<String> children = new HashSet<>();
        for (String table : List.of("incident_updates", "follow_ups", "actions")) {
            simulator.oracle().records(table, true).stream().filter(r -> r.get("incident_id").asText().equals(id))
                    .forEach(r -> children.add(table + "/" + r.get("id").asText()));
        }
        assertTrue(children.size() >= 5, children.toString());
        assertEquals(200, api.get("/v2/incidents/" + id).status());

        ChangeSet deleted = simulator.changes().apply(batch -> {
            batch.deleteIncident(id);
            batch.deleteIncidents(2);
        });

        assertEquals(3, deleted.deleted("incidents").size());
        assertEquals(Set.copyOf(deleted.deleted("incidents")), Set.copyOf(simulator.oracle().deletedIncidentIds()));
        for (String gone : deleted.deleted("incidents")) {
            Api.Answer answer = api.get("/v2/incidents/" + gone);
            assertEquals(404, answer.status(), gone);
            assertEquals("not_found", answer.json().get("type").asText());
            assertEquals(404, answer.json().get("status").asInt());
            assertTrue(answer.json().has("request_id"));
            assertEquals("not_found", answer.json().at("/errors/0/code").asText());
        }
        Set<String> gone = Set.copyOf(deleted.deleted("incidents"));
        for (String table : Listings.INCIDENT_TABLES) {
            for (JsonNode record : Listings.read(api, table)) {
                String parent = record.has("incident_id") ? record.get("incident_id").asText()
                        : record.has("incident") ? record.at("/incident/id").asText() : record.get("id").asText();
                assertFalse(gone.contains(parent), table + " still lists " + record.get("id"));
                record.path("related_incidents").forEach(r -> assertFalse(gone.contains(r.get("id").asText())));
            }
        }
        for (String child : children) {
            String[] parts = child.split("/");
            if (!parts[0].equals("incident_updates")) {
                assertEquals(404, api.get("/v2/" + parts[0] + "/" + parts[1]).status(), child);
            }
        }
        assertEquals(List.of(), Listings.list(api.get("/v2/incident_updates", "incident_id", id).json()
                .get("incident_updates")));
        assertEquals(Map.of(), Listings.disagreements(api, simulator.oracle(), true, Listings.INCIDENT_TABLES));
        assertThrows(IllegalArgumentException.class, () -> simulator.changes().deleteIncident(id));
        assertThrows(IllegalArgumentException.class, () -> simulator.changes().editIncident(id));
    }

    @Test
    void followUpsAndActionsAreCreatedAndEdited() {
        simulator.changes().advance(Duration.ofDays(1));
        Map<String, JsonNode> followUps = byId(Listings.read(api, "follow_ups"));
        List<String> edited = simulator.changes().editFollowUps(4);
        List<String> createdActions = simulator.changes().addActions(3);
        List<String> editedActions = simulator.changes().editActions(2);
        List<String> createdFollowUps = simulator.changes().addFollowUps(2);

        String now = simulator.changes().now().toString().substring(0, 19);
        for (String id : edited) {
            JsonNode followUp = api.get("/v2/follow_ups/" + id).json().get("follow_up");
            assertNotEquals(followUps.get(id).get("status"), followUp.get("status"));
            assertTrue(followUp.get("updated_at").asText().startsWith(now), followUp.toString());
            assertEquals(followUp.get("status").asText().equals("completed"), followUp.has("completed_at"));
        }
        for (String id : createdActions) {
            JsonNode action = api.get("/v2/actions/" + id).json().get("action");
            assertEquals("outstanding", action.get("status").asText());
            assertTrue(action.get("created_at").asText().startsWith(now));
        }
        for (String id : editedActions) {
            assertTrue(api.get("/v2/actions/" + id).json().at("/action/updated_at").asText().startsWith(now));
        }
        assertEquals(2, createdFollowUps.size());
        assertEquals(Map.of(), Listings.disagreements(api, simulator.oracle(), true, Listings.INCIDENT_TABLES));
    }

    @Test
    void singleRecordsAreTheListingsRecordsAndRespectThePrivateScope() throws Exception {
        Api publicApi = new Api(simulator.baseUrl(), PUBLIC);
        List<ObjectNode> incidents = simulator.oracle().records("incidents", true);
        ObjectNode privateIncident = incidents.stream().filter(i -> i.get("visibility").asText().equals("private"))
                .findFirst().orElseThrow();
        ObjectNode publicIncident = incidents.stream().filter(i -> i.get("visibility").asText().equals("public"))
                .findFirst().orElseThrow();
        String privateId = privateIncident.get("id").asText();

        assertEquals(Listings.parse(privateIncident.toString()), api.get("/v2/incidents/" + privateId).json().get("incident"));
        assertEquals(404, publicApi.get("/v2/incidents/" + privateId).status(), "hidden as the listing hides it");
        assertEquals(200, publicApi.get("/v2/incidents/" + publicIncident.get("id").asText()).status());
        ObjectNode privateFollowUp = simulator.oracle().records("follow_ups", true).stream()
                .filter(f -> f.get("incident_id").asText().equals(privateId)).findFirst().orElseThrow();
        assertEquals(200, api.get("/v2/follow_ups/" + privateFollowUp.get("id").asText()).status());
        assertEquals(404, publicApi.get("/v2/follow_ups/" + privateFollowUp.get("id").asText()).status());
        for (String table : List.of("follow_ups", "actions")) {
            ObjectNode record = simulator.oracle().records(table, true).get(17);
            String key = table.equals("follow_ups") ? "follow_up" : "action";
            assertEquals(Listings.parse(record.toString()),
                    api.get("/v2/" + table + "/" + record.get("id").asText()).json().get(key));
        }
        for (String path : List.of("/v2/incidents/01NOPE", "/v2/follow_ups/nope", "/v2/actions/"
                + TableCode.ACTION.ids(5).id(999_999))) {
            Api.Answer missing = api.get(path);
            assertEquals(404, missing.status(), path);
            assertEquals("not_found", missing.json().get("type").asText());
        }
        assertEquals(404, api.get("/v2/incidents/a/b").status());
        assertTrue(rawStatusLine("/v2/incidents/%zz").startsWith("HTTP/1.1 404"), "a bad escape is an unknown id");
        assertEquals(2, simulator.requests("/v2/incidents/" + privateId));
        assertEquals(5, simulator.requests("/v2/incidents/{id}"), "counted under the spec's path too");
        assertEquals(4, simulator.requests("/v2/follow_ups/{id}"));
    }

    @Test
    void singleRecordAnswersAndChangedListingsMatchTheSpec() throws Exception {
        SpecSchemas schemas = new SpecSchemas();
        ChangeSet changes = simulator.changes().apply(batch -> {
            batch.editIncidents(20);
            batch.addIncidents(10);
            batch.deleteIncidents(3);
            batch.editFollowUps(5);
            batch.editActions(5);
        });
        List<String> violations = new java.util.ArrayList<>();
        api.walk("/v2/incidents", "incidents", 100, Api.everyModeAndCategory(),
                answer -> violations.addAll(schemas.violations("/v2/incidents", answer.body())));
        api.walk("/v2/incident_updates", "incident_updates", 250, List.of(),
                answer -> violations.addAll(schemas.violations("/v2/incident_updates", answer.body())));
        for (String path : List.of("/v2/follow_ups", "/v2/actions")) {
            violations.addAll(schemas.violations(path, api.get(path, "incident_mode", "standard").body()));
        }
        for (String id : changes.updated("incidents")) {
            if (changes.deleted("incidents").contains(id)) {
                continue; // edited, then deleted in the same batch
            }
            violations.addAll(schemas.violations("/v2/incidents/{id}", api.get("/v2/incidents/" + id).body()));
        }
        for (String id : changes.created("incidents")) {
            violations.addAll(schemas.violations("/v2/incidents/{id}", api.get("/v2/incidents/" + id).body()));
        }
        for (String id : changes.updated("follow_ups")) {
            violations.addAll(schemas.violations("/v2/follow_ups/{id}", api.get("/v2/follow_ups/" + id).body()));
        }
        for (String id : changes.updated("actions")) {
            violations.addAll(schemas.violations("/v2/actions/{id}", api.get("/v2/actions/" + id).body()));
        }
        violations.addAll(schemas.errorViolations("404", api.get("/v2/incidents/"
                + changes.deleted("incidents").get(0)).body()));
        assertEquals(List.of(), violations.subList(0, Math.min(20, violations.size())));
    }

    @Test
    void theSameSeedAndTheSameCallsGiveTheSameBytes() {
        List<String> first = scripted(11);
        assertEquals(first, scripted(11));
        assertNotEquals(first, scripted(12));
    }

    /** A fixed script of changes, then every listing changes touch and the ids each call returned. */
    private static List<String> scripted(long seed) {
        try (Simulator sim = Simulator.start(new SimulatorConfig().seed(seed).incidents(150).addKey("k", true)
                .rateLimits(false), 0)) {
            List<String> out = new java.util.ArrayList<>();
            Changes changes = sim.changes();
            out.addAll(changes.editIncidents(10));
            out.addAll(changes.addIncidents(5));
            out.addAll(changes.deleteIncidents(2));
            changes.advance(Duration.ofMinutes(7));
            out.addAll(changes.editFollowUps(3));
            out.addAll(changes.addActions(2));
            out.addAll(changes.addIncidentUpdates(2));
            for (int i = 0; i < 6; i++) {
                out.add(changes.random().toString());
            }
            Api api = new Api(sim.baseUrl(), "k");
            for (String path : List.of("/v2/incidents?page_size=250&mode[one_of]=standard&mode[one_of]=test",
                    "/v2/incident_updates?page_size=250", "/v2/follow_ups", "/v2/actions?incident_mode=standard",
                    "/v2/incident_alerts?page_size=50", "/v2/escalations?page_size=50")) {
                out.add(api.getRaw(path).body());
            }
            sim.webhooks().events().forEach(e -> out.add(e.webhookId() + " " + e.body()));
            return out;
        }
    }

    @Test
    void everyPageIsServedFromOneWholeBatch() throws Exception {
        // each batch adds one incident and deletes another, so a page of any one state counts 200 incidents
        int[] served = {0};
        Set<Long> counts = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread reader = new Thread(() -> {
            Api reading = new Api(simulator.baseUrl(), PRIVATE);
            List<String> params = new java.util.ArrayList<>(Api.everyModeAndCategory());
            params.addAll(List.of("page_size", "250"));
            for (int i = 0; i < 60; i++) {
                JsonNode page = reading.get("/v2/incidents", params.toArray(String[]::new)).json();
                counts.add(page.at("/pagination_meta/total_record_count").asLong());
                counts.add((long) page.get("incidents").size());
                served[0]++;
            }
        });
        reader.start();
        int batches = 0;
        while (reader.isAlive() && batches < 1000) {
            simulator.changes().apply(batch -> {
                batch.addIncidents(1);
                batch.deleteIncidents(1);
            });
            batches++;
        }
        reader.join(60_000);
        assertEquals(60, served[0]);
        assertTrue(batches > 5, batches + " batches applied while pages were served");
        assertEquals(Set.of(200L), counts, "a page saw half a batch");
        assertEquals(200, simulator.oracle().records("incidents", true).size());
    }

    @Test
    void theTimerChangesTheDataOnItsOwnUntilItsLimit() throws Exception {
        try (Simulator timed = Simulator.start(new SimulatorConfig().seed(5).incidents(100).addKey("k", true)
                .changeEvery(Duration.ofMillis(40)).changeLimit(4), 0)) {
            Instant start = timed.changes().now();
            List<ChangeSet> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            timed.changes().onChange(seen::add);
            long deadline = System.currentTimeMillis() + 10_000;
            while (timed.changes().now().isBefore(start.plusMillis(160)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            assertEquals(start.plusMillis(160), timed.changes().now(), "four ticks of 40 ms, then no more");
            assertTrue(seen.size() <= 4 && seen.stream().noneMatch(ChangeSet::isEmpty), seen.toString());
        }
    }

    /** A request java.net.http will not send (a malformed escape), over a plain socket; the answer's status line. */
    private String rawStatusLine(String target) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", java.net.URI.create(simulator.baseUrl()).getPort())) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + PRIVATE
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).readLine();
        }
    }

    private static Map<String, JsonNode> byId(List<JsonNode> records) {
        Map<String, JsonNode> out = new HashMap<>();
        records.forEach(r -> out.put(r.get("id").asText(), r));
        return out;
    }
}
