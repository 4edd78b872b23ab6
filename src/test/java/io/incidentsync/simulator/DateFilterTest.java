package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** updated_at and created_at filters on /v2/incidents and /v2/escalations: by UTC date, inclusive at both ends. */
class DateFilterTest {
    private static Simulator simulator;
    private static Api api;
    /** How many incidents (every mode, category and visibility) were last updated on each date. */
    private static TreeMap<LocalDate, Integer> perDay;
    private static LocalDate middle;

    @BeforeAll
    static void start() {
        simulator = Simulator.start(new SimulatorConfig().seed(3).incidents(400).addKey("k", true)
                .rateLimits(false), 0);
        api = new Api(simulator.baseUrl(), "k");
        perDay = new TreeMap<>();
        simulator.oracle().records("incidents", true).forEach(i -> perDay.merge(date(i, "updated_at"), 1, Integer::sum));
        middle = new ArrayList<>(perDay.keySet()).get(perDay.size() / 2);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void gteAndLteIncludeTheirDayAndSplitTheIncidentsBetweenThem() {
        List<JsonNode> since = walk("updated_at[gte]", middle.toString());
        List<JsonNode> until = walk("updated_at[lte]", middle.toString());
        List<JsonNode> before = walk("updated_at[lte]", middle.minusDays(1).toString());

        assertTrue(since.stream().allMatch(i -> !date(i, "updated_at").isBefore(middle)));
        assertTrue(until.stream().allMatch(i -> !date(i, "updated_at").isAfter(middle)));
        int onTheDay = perDay.get(middle);
        assertTrue(onTheDay > 0);
        assertEquals(onTheDay, since.stream().filter(i -> date(i, "updated_at").equals(middle)).count(), "gte includes its day");
        assertEquals(onTheDay, until.stream().filter(i -> date(i, "updated_at").equals(middle)).count(), "lte includes its day");
        assertEquals(400, since.size() + before.size(), "gte D and lte D-1 split every incident");
        assertEquals(Api.ids(Listings.canonical(simulator.oracle().incidentsUpdatedSince(middle))), Api.ids(since));
    }

    @Test
    void aDateRangeIsInclusiveAtBothEnds() {
        List<JsonNode> oneDay = walk("updated_at[date_range]", middle + "~" + middle);
        assertEquals((int) perDay.get(middle), oneDay.size());
        LocalDate to = middle.plusDays(3);
        List<JsonNode> days = walk("updated_at[date_range]", middle + "~" + to);
        int expected = perDay.subMap(middle, true, to, true).values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(expected, days.size());
        assertEquals(Api.ids(Listings.canonical(simulator.oracle().incidentsUpdatedBetween(middle, to, true))),
                Api.ids(days));
    }

    @Test
    void createdAtFiltersByCreationDate() {
        LocalDate created = date(simulator.oracle().records("incidents", true).get(200), "created_at");
        List<JsonNode> since = walk("created_at[gte]", created.toString());
        assertFalse(since.isEmpty());
        assertTrue(since.stream().allMatch(i -> !date(i, "created_at").isBefore(created)));
        long expected = simulator.oracle().records("incidents", true).stream()
                .filter(i -> !date(i, "created_at").isBefore(created)).count();
        assertEquals(expected, since.size());
    }

    @Test
    void theFilterCombinesWithTheOthersAndThePagesWalkTheFilteredRecords() {
        List<String> params = List.of("updated_at[gte]", middle.toString(), "mode[one_of]", "standard");
        List<JsonNode> small = api.walk("/v2/incidents", "incidents", 7, params);
        List<JsonNode> large = api.walk("/v2/incidents", "incidents", 250, params);
        assertEquals(Api.ids(large), Api.ids(small));
        assertTrue(small.size() > 14, "several pages of seven: " + small.size());
        assertTrue(small.stream().allMatch(i -> i.get("mode").asText().equals("standard")));
        JsonNode first = api.get("/v2/incidents", "updated_at[gte]", middle.toString(), "mode[one_of]", "standard",
                "page_size", "7").json();
        assertEquals(small.size(), first.at("/pagination_meta/total_record_count").asInt());
        assertEquals(first.at("/incidents/6/id").asText(), first.at("/pagination_meta/after").asText());
    }

    @Test
    void rawAndEncodedBracketsMeanTheSame() {
        String raw = api.getRaw("/v2/incidents?page_size=250&updated_at[gte]=" + middle).body();
        String encoded = api.getRaw("/v2/incidents?page_size=250&updated_at%5Bgte%5D=" + middle).body();
        assertEquals(raw, encoded);
        assertTrue(raw.contains("\"incidents\":[{"));
    }

    @Test
    void gteWithLteOrAMalformedDateIs422() {
        List<String[]> refused = List.of(
                new String[] {"updated_at[gte]", "2024-01-01", "updated_at[lte]", "2024-02-01"},
                new String[] {"created_at[gte]", "2024-01-01", "created_at[lte]", "2024-02-01"},
                new String[] {"updated_at[gte]", "yesterday"},
                new String[] {"updated_at[gte]", "2024-13-01"},
                new String[] {"updated_at[lte]", "2024-02-30"},
                new String[] {"updated_at[gte]", "2024-1-5"},
                new String[] {"updated_at[gte]", "2024-01-05T00:00:00Z"},
                new String[] {"updated_at[date_range]", "2024-01-05"},
                new String[] {"updated_at[date_range]", "2024-02-05~2024-01-05"},
                new String[] {"updated_at[gt]", "2024-01-05"},
                new String[] {"updated_at[gte]", "2024-01-05", "updated_at[gte]", "2024-01-06"});
        for (String[] params : refused) {
            for (String path : List.of("/v2/incidents", "/v2/escalations")) {
                Api.Answer answer = api.get(path, params);
                String what = path + " " + String.join(" ", params);
                assertEquals(422, answer.status(), what);
                assertEquals("validation_error", answer.json().get("type").asText(), what);
                assertEquals(params[0].substring(0, params[0].indexOf('[')),
                        answer.json().at("/errors/0/source/field").asText(), what);
            }
        }
        // both filters at once are fine: one on each field
        assertEquals(200, api.get("/v2/incidents", "created_at[gte]", "2024-01-01", "updated_at[lte]", "2030-01-01")
                .status());
    }

    @Test
    void escalationsFilterByTheirOwnDates() {
        List<ObjectNode> all = simulator.oracle().records("escalations", true);
        LocalDate day = date(all.get(all.size() / 2), "updated_at");
        List<JsonNode> since = api.walk("/v2/escalations", "escalations", 7, List.of("updated_at[gte]", day.toString()));
        List<JsonNode> until = api.walk("/v2/escalations", "escalations", 50, List.of("updated_at[lte]",
                day.minusDays(1).toString()));
        assertEquals(all.stream().filter(e -> !date(e, "updated_at").isBefore(day)).map(e -> e.get("id").asText())
                .toList(), Api.ids(since));
        assertEquals(all.size(), since.size() + until.size());
        List<JsonNode> created = api.walk("/v2/escalations", "escalations", 50, List.of("created_at[date_range]",
                day + "~" + day));
        assertTrue(created.stream().allMatch(e -> date(e, "created_at").equals(day)));
    }

    @Test
    void afterChangesTodaysIncidentsAreExactlyTheOnesChanged() {
        try (Simulator changing = Simulator.start(new SimulatorConfig().seed(3).incidents(400).addKey("k", true)
                .rateLimits(false), 0)) {
            Api changed = new Api(changing.baseUrl(), "k");
            LocalDate today = LocalDate.ofInstant(changing.changes().now(), java.time.ZoneOffset.UTC);
            assertEquals(List.of(), walk(changed, "updated_at[gte]", today.toString()), "nothing generated is that new");
            ChangeSet first = changing.changes().apply(b -> {
                b.editIncidents(10);
                b.addIncidents(5);
                b.deleteIncidents(2);
            });
            changing.changes().advance(Duration.ofDays(1));
            List<String> second = changing.changes().editIncidents(3);

            Set<String> expected = new HashSet<>(first.updated("incidents"));
            expected.addAll(first.created("incidents"));
            expected.addAll(second);
            expected.removeAll(first.deleted("incidents"));
            List<JsonNode> since = walk(changed, "updated_at[gte]", today.toString());
            assertEquals(expected, Set.copyOf(Api.ids(since)));
            assertEquals(Api.ids(Listings.canonical(changing.oracle().incidentsUpdatedSince(today))), Api.ids(since));
            assertEquals(Set.copyOf(second), Set.copyOf(Api.ids(walk(changed, "updated_at[gte]",
                    today.plusDays(1).toString()))));
            long created = first.created("incidents").stream().filter(id -> !first.deleted("incidents").contains(id))
                    .count();
            assertEquals(created, walk(changed, "created_at[gte]", today.toString()).size());
        }
    }

    private static List<JsonNode> walk(String filter, String value) {
        return walk(api, filter, value);
    }

    /** Every incident of every mode and category that the filter lets through. */
    private static List<JsonNode> walk(Api client, String filter, String value) {
        List<String> params = new ArrayList<>(Api.everyModeAndCategory());
        params.addAll(List.of(filter, value));
        return client.walk("/v2/incidents", "incidents", 250, params);
    }

    private static LocalDate date(JsonNode record, String field) {
        return LocalDate.parse(record.get(field).asText().substring(0, 10));
    }
}
