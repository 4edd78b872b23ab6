package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Paging, the filters that hide records by default, and the private scope. */
class ListingBehaviourTest {
    private static final String PRIVATE = "private-key";
    private static final String PUBLIC = "public-key";
    private static Simulator simulator;
    private static Api api;

    @BeforeAll
    static void start() {
        simulator = Simulator.start(new SimulatorConfig().seed(3).incidents(400).addKey(PRIVATE, true)
                .addKey(PUBLIC, false).rateLimits(false), 0);
        api = new Api(simulator.baseUrl(), PRIVATE);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void pagingReturnsEveryRecordExactlyOnce() {
        for (String[] listing : new String[][] {
                {"/v2/incidents", "incidents"}, {"/v2/incident_updates", "incident_updates"}, {"/v2/users", "users"}}) {
            List<String> params = listing[0].equals("/v2/incidents") ? Api.everyModeAndCategory() : List.of();
            List<String> ids = Api.ids(api.walk(listing[0], listing[1], 7, params));
            String table = listing[1];
            assertEquals(Api.ids(simulator.oracle().records(table, true)), ids, table);
            assertEquals(ids.size(), new HashSet<>(ids).size(), table + " repeated a record");
        }
    }

    @Test
    void customFieldOptionsPageBeyondTwoHundredFiftyPerField() {
        int longest = 0;
        int total = 0;
        for (JsonNode field : api.get("/v2/custom_fields").json().get("custom_fields")) {
            int count = api.walk("/v1/custom_field_options", "custom_field_options", 250,
                    List.of("custom_field_id", field.get("id").asText())).size();
            longest = Math.max(longest, count);
            total += count;
        }
        assertTrue(longest > 250, "longest option list " + longest);
        assertEquals(simulator.oracle().records("custom_field_options", true).size(), total);
    }

    @Test
    void lastPageHasNoAfterAndEveryOtherPageEndsWithItsLastId() {
        JsonNode first = api.get("/v2/users").json();
        assertEquals(25, first.get("users").size(), "default page size");
        assertEquals(25, first.at("/pagination_meta/page_size").asInt());
        JsonNode users = first.get("users");
        assertEquals(users.get(users.size() - 1).get("id").asText(), first.at("/pagination_meta/after").asText());
        JsonNode all = api.get("/v2/users", "page_size", "250").json();
        assertTrue(all.get("users").size() < 250);
        assertFalse(all.get("pagination_meta").has("after"));
    }

    @Test
    void pageSizeAboveTheMaximumOrNotANumberIs422() {
        for (String size : List.of("251", "1000", "0", "ten")) {
            Api.Answer answer = api.get("/v2/incidents", "page_size", size);
            assertEquals(422, answer.status(), size);
            assertEquals("validation_error", answer.json().get("type").asText());
            assertEquals("page_size", answer.json().at("/errors/0/source/field").asText());
        }
        assertEquals(200, api.get("/v2/incidents", "page_size", "250").status());
    }

    @Test
    void defaultsHideTestAndTutorialAndDeclinedCanceledMergedIncidents() {
        List<JsonNode> byDefault = api.walk("/v2/incidents", "incidents", 250, List.of());
        List<JsonNode> everything = api.walk("/v2/incidents", "incidents", 250, Api.everyModeAndCategory());
        assertTrue(byDefault.stream().allMatch(i -> Set.of("standard", "retrospective").contains(i.get("mode").asText())));
        assertTrue(byDefault.stream().noneMatch(i -> Set.of("declined", "canceled", "merged")
                .contains(i.at("/incident_status/category").asText())));
        assertEquals(Set.copyOf(Api.ALL_MODES), values(everything, "/mode"));
        assertEquals(Set.copyOf(Api.ALL_CATEGORIES), values(everything, "/incident_status/category"));
        assertEquals(400, everything.size());
        assertTrue(byDefault.size() < everything.size());
    }

    @Test
    void explicitFiltersReturnExactlyWhatTheyAskFor() {
        List<JsonNode> tests = api.walk("/v2/incidents", "incidents", 250, List.of("mode[one_of]", "test",
                "status_category[not_in]", "live"));
        assertFalse(tests.isEmpty());
        assertEquals(Set.of("test"), values(tests, "/mode"));
        assertFalse(values(tests, "/incident_status/category").contains("live"));
        List<JsonNode> merged = api.walk("/v2/incidents", "incidents", 250, List.of("status_category[one_of]", "merged"));
        assertEquals(Set.of("merged"), values(merged, "/incident_status/category"));
    }

    @Test
    void rawAndEncodedBracketsMeanTheSame() {
        String encoded = api.getRaw("/v2/incidents?mode%5Bone_of%5D=tutorial&mode%5Bone_of%5D=test&page_size=250").body();
        String raw = api.getRaw("/v2/incidents?mode[one_of]=tutorial&mode[one_of]=test&page_size=250").body();
        assertEquals(encoded, raw);
        assertEquals(Set.of("test", "tutorial"), values(listOf(parse(raw).get("incidents")), "/mode"));
    }

    @Test
    void actionsAndFollowUpsOfNonStandardModesAppearOnlyWhenAskedFor() {
        for (String[] listing : new String[][] {{"/v2/actions", "actions"}, {"/v2/follow_ups", "follow_ups"}}) {
            Set<String> standardIncidents = incidentIds(List.of("mode[one_of]", "standard", "mode[one_of]", "retrospective"));
            Set<String> testIncidents = incidentIds(List.of("mode[one_of]", "test", "mode[one_of]", "tutorial"));
            List<JsonNode> byDefault = listOf(api.get(listing[0]).json().get(listing[1]));
            assertTrue(byDefault.stream().allMatch(r -> standardIncidents.contains(r.get("incident_id").asText())));
            int union = 0;
            for (String mode : List.of("standard", "retrospective", "test", "tutorial", "stream")) {
                List<JsonNode> some = listOf(api.get(listing[0], "incident_mode", mode).json().get(listing[1]));
                union += some.size();
                if (mode.equals("test")) {
                    assertFalse(some.isEmpty());
                    assertTrue(some.stream().allMatch(r -> testIncidents.contains(r.get("incident_id").asText())));
                }
                if (mode.equals("stream")) {
                    assertEquals(0, some.size(), "no stream incidents exist");
                }
            }
            assertEquals(simulator.oracle().records(listing[1], true).size(), union);
            assertTrue(byDefault.size() < union);
            assertEquals(422, api.get(listing[0], "incident_mode", "bogus").status());
        }
    }

    @Test
    void aKeyWithoutThePrivateScopeSeesNoPrivateIncidentNorItsRecords() {
        Api publicApi = new Api(simulator.baseUrl(), PUBLIC);
        List<JsonNode> visible = publicApi.walk("/v2/incidents", "incidents", 250, Api.everyModeAndCategory());
        List<JsonNode> all = api.walk("/v2/incidents", "incidents", 250, Api.everyModeAndCategory());
        assertEquals(Set.of("public"), values(visible, "/visibility"));
        assertTrue(values(all, "/visibility").contains("private"));
        Set<String> privateIds = all.stream().filter(i -> i.get("visibility").asText().equals("private"))
                .map(i -> i.get("id").asText()).collect(Collectors.toSet());
        List<JsonNode> updates = publicApi.walk("/v2/incident_updates", "incident_updates", 250, List.of());
        assertTrue(updates.stream().noneMatch(u -> privateIds.contains(u.get("incident_id").asText())));
        for (String mode : Api.ALL_MODES) {
            JsonNode actions = publicApi.get("/v2/actions", "incident_mode", mode).json().get("actions");
            listOf(actions).forEach(a -> assertFalse(privateIds.contains(a.get("incident_id").asText())));
        }
        assertEquals(Api.ids(simulator.oracle().records("incidents", false)), Api.ids(visible));
        assertNotEquals(simulator.oracle().records("incidents", false).size(),
                simulator.oracle().records("incidents", true).size());
    }

    @Test
    void someSummaryIsOverAHundredThousandCharactersCountingAnEmojiOnce() {
        long longest = simulator.oracle().records("incidents", true).stream()
                .mapToLong(i -> i.path("summary").asText("").codePoints().count()).max().orElse(0);
        assertTrue(longest > 100_000, "longest summary has " + longest + " code points");
    }

    @Test
    void unknownPathsAre404AndWrongKeysAre401() {
        assertEquals(404, api.get("/v2/nothing_here").status());
        Api.Answer anonymous = new Api(simulator.baseUrl(), null).get("/v1/severities");
        assertEquals(401, anonymous.status());
        assertEquals("authentication_error", anonymous.json().get("type").asText());
    }

    /** Incidents of the given modes, whatever their status category. */
    private Set<String> incidentIds(List<String> modeFilter) {
        List<String> filter = new java.util.ArrayList<>(modeFilter);
        Api.ALL_CATEGORIES.forEach(c -> filter.addAll(List.of("status_category[one_of]", c)));
        return Set.copyOf(Api.ids(api.walk("/v2/incidents", "incidents", 250, filter)));
    }

    private static Set<String> values(List<JsonNode> records, String pointer) {
        return records.stream().map(r -> r.at(pointer).asText()).collect(Collectors.toSet());
    }

    private static List<JsonNode> listOf(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static JsonNode parse(String body) {
        try {
            return Api.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
