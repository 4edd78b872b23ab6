package io.incidentsync.routes;

import io.incidentsync.run.Streams;
import io.incidentsync.run.SyncRun;
import org.apache.camel.Route;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * routes/streams.camel.yaml: one route per table, made from the listing templates, and only the tables
 * incident.streams enables are synced.
 */
class StreamsRouteTest extends RouteTestSupport {


    @Test
    void everyTableHasItsRouteAndOnlyTheEnabledOneRuns() throws Exception {
        harness = new RouteHarness(dir, "severities");
        // an unpaged listing is one request, whatever cursor its answer carries
        MockEndpoint http = harness.serve(new FakeApi().on("/v1/severities",
                request -> FakeApi.Reply.json(FakeApi.page("severities", FakeApi.severities(5, "Sev"), "c1"))));
        http.expectedMessageCount(1);
        harness.start();

        TreeSet<String> tableRoutes = new TreeSet<>();
        for (Route route : harness.context.getRoutes()) {
            if (route.getRouteId().startsWith("table-")) {
                tableRoutes.add(route.getRouteId());
            }
        }
        TreeSet<String> expected = new TreeSet<>();
        for (String table : Streams.ALL) {
            expected.add("table-" + table);
            Route route = harness.context.getRoute("table-" + table);
            assertNotNull(route, table);
            assertEquals("direct://table-" + table, route.getEndpoint().getEndpointUri());
        }
        assertEquals(expected, tableRoutes, "one route per table, no other");

        NotifyBuilder severities = new NotifyBuilder(harness.context).wereSentTo("direct:table-severities")
                .whenExactlyCompleted(1).create();
        NotifyBuilder users = new NotifyBuilder(harness.context).wereSentTo("direct:table-users").whenDone(1).create();
        SyncRun run = harness.sync();

        assertTrue(severities.matches(5, TimeUnit.SECONDS));
        assertFalse(users.matches(), "a table left out of incident.streams is not synced");
        http.assertIsSatisfied();
        assertEquals(Map.of(), FakeApi.request(http.getReceivedExchanges().get(0)).query(), "no page_size, no after");
        assertEquals(List.of("severities"), run.tables());
        assertTrue(run.ok(), run.summary());
        assertEquals(List.of("S1", "S2", "S3", "S4", "S5"), harness.column("SELECT id FROM severities ORDER BY id"));
        assertFalse(harness.tableExists("users"));
    }

    @Test
    void customFieldOptionsAreListedPerCustomFieldAndAVanishedFieldIsSkipped() throws Exception {
        harness = new RouteHarness(dir, "custom_field_options");
        RouteHarness.Served served = harness.syncAgainst(new FakeApi()
                .on("/v2/custom_fields", request -> FakeApi.Reply.json(FakeApi.page("custom_fields", List.of(
                        "{\"id\":\"CF1\",\"name\":\"Team\"}", "{\"id\":\"CF2\",\"name\":\"Gone\"}", "{\"id\":\"CF3\",\"name\":\"Area\"}"), null)))
                .on("/v1/custom_field_options", request -> {
                    String field = request.param("custom_field_id");
                    if (field.equals("CF2")) {
                        return new FakeApi.Reply(404, "{\"type\":\"not_found\",\"status\":404}");
                    }
                    String after = request.param("after");
                    int from = after == null ? 1 : 3;
                    return FakeApi.Reply.json(FakeApi.page("custom_field_options", List.of(
                            option(field, from), option(field, from + 1)), field.equals("CF1") && after == null ? "c1" : null));
                }), 5);
        SyncRun run = served.run();
        assertEquals(List.of(
                "/v2/custom_fields {}",
                "/v1/custom_field_options {custom_field_id=CF1, page_size=250}",
                "/v1/custom_field_options {custom_field_id=CF1, page_size=250, after=c1}",
                "/v1/custom_field_options {custom_field_id=CF2, page_size=250}",
                "/v1/custom_field_options {custom_field_id=CF3, page_size=250}"),
                served.requests().stream().map(r -> r.path() + " " + r.query()).toList());
        assertTrue(run.ok(), run.summary());
        assertEquals(List.of("CF1-O1", "CF1-O2", "CF1-O3", "CF1-O4", "CF3-O1", "CF3-O2"),
                harness.column("SELECT id FROM custom_field_options ORDER BY id"));
    }

    private static String option(String field, int n) {
        return "{\"id\":\"" + field + "-O" + n + "\",\"custom_field_id\":\"" + field + "\",\"value\":\"v" + n + "\",\"sort_key\":" + n + "}";
    }
}
