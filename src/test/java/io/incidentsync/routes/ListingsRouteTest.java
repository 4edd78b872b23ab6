package io.incidentsync.routes;

import io.incidentsync.schema.Catalog;
import io.incidentsync.store.SqlParameters;
import io.incidentsync.run.SyncRun;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * routes/listings.camel.yaml: the one paging loop (walk-listing) follows the cursor chain the advised HTTP
 * endpoint serves, each page reaches the JDBC endpoint as one statement (incident-sql, incident-jdbc),
 * and the templates ask for what their kind of listing needs.
 */
class ListingsRouteTest extends RouteTestSupport {


    @Test
    void thePagingLoopFollowsTheCursorChainUntilAPageCarriesNone() throws Exception {
        harness = new RouteHarness(dir, "users");
        RouteHarness.Served served = harness.syncAgainst(new FakeApi().on("/v2/users", FakeApi.pages("users", FakeApi.userPages(600, 250))), 3);
        SyncRun run = served.run();
        List<Map<String, String>> queries = served.requests().stream().map(FakeApi.Request::query).toList();
        assertEquals(List.of(
                Map.of("page_size", "250"),
                Map.of("page_size", "250", "after", "c1"),
                Map.of("page_size", "250", "after", "c2")), queries);
        assertEquals("page_size=250&after=c2", served.http().getReceivedExchanges().get(2).getMessage().getHeader(Exchange.HTTP_QUERY));
        SyncRun.Result users = served.result("users");
        assertTrue(users.ok(), run.summary());
        assertEquals(3, users.pages());
        assertEquals(600, users.rows());
        assertEquals(600, harness.count("SELECT COUNT(*) FROM users"));
        assertEquals(List.of("U00001", "U00250", "U00251", "U00600"),
                harness.column("SELECT id FROM users WHERE id IN ('U00001', 'U00250', 'U00251', 'U00600') ORDER BY id"));
    }

    @Test
    void eachPageReachesTheJdbcEndpointAsOneStatementOfAllItsRows() throws Exception {
        harness = new RouteHarness(dir, "users");
        harness.serve(new FakeApi().on("/v2/users", FakeApi.pages("users", FakeApi.userPages(600, 250))));
        harness.advise("incident-jdbc", a -> a.weaveByToUri("jdbc:*").before().to("mock:jdbc"));
        MockEndpoint jdbc = harness.mock("mock:jdbc");
        harness.start();

        SyncRun run = harness.sync();

        assertTrue(run.ok(), run.summary());
        List<Exchange> upserts = jdbc.getReceivedExchanges().stream()
                .filter(e -> e.getMessage().getBody(String.class).startsWith("MERGE INTO \"_SDC_STAGE_USERS\""))
                .toList();
        assertEquals(3, upserts.size(), "one upsert statement per page");
        // the catalog's typed columns (the served records have no untyped field), _sdc_extracted_at and _sdc_undeclared
        int columns = (int) Catalog.load().listing("/v2/users").columns().stream().filter(c -> c.type() != null).count() + 2;
        List<List<String>> pages = FakeApi.userPages(600, 250);
        for (int p = 0; p < 3; p++) {
            Exchange statement = upserts.get(p);
            String text = statement.getMessage().getBody(String.class);
            List<String> names = Arrays.asList(text.substring(text.indexOf('(') + 1, text.indexOf(") KEY")).split(", "));
            assertEquals(columns, names.size(), "every catalog column");
            List<?> values = statement.getMessage().getHeader(SqlParameters.HEADER, List.class);
            int rows = pages.get(p).size();
            assertEquals(rows * columns, values.size(), "page " + (p + 1) + ": every value of every row, bound");
            int id = names.indexOf("\"ID\"");
            List<Object> ids = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                ids.add(values.get(r * columns + id));
            }
            List<String> served = pages.get(p).stream().map(json -> json.substring(7, 13)).toList();
            assertEquals(served, ids, "page " + (p + 1) + ": its records, in order");
        }
        assertEquals(600, harness.count("SELECT COUNT(*) FROM users"));
    }

    @Test
    void aCursorAnsweredTwiceFailsTheTableInsteadOfLoopingForever() throws Exception {
        harness = new RouteHarness(dir, "users");
        RouteHarness.Served served = harness.syncAgainst(new FakeApi().on("/v2/users", request -> FakeApi.Reply.json(
                FakeApi.page("users", FakeApi.users(request.param("after") == null ? 1 : 11, 10), "c1"))), 2);
        SyncRun.Result users = served.result("users");
        assertFalse(users.ok());
        assertTrue(users.error().startsWith("GET /v2/users answered the cursor 'c1' a second time"), users.error());
        assertFalse(harness.tableExists("users"));
        assertFalse(harness.tableExists("_sdc_stage_users"));
    }

    @Test
    void aPerIncidentModeListingIsOneUnpagedRequestPerMode() throws Exception {
        harness = new RouteHarness(dir, "actions");
        RouteHarness.Served served = harness.syncAgainst(new FakeApi().on("/v2/actions", request -> FakeApi.Reply.json(FakeApi.page("actions",
                List.of("{\"id\":\"A-" + request.param("incident_mode") + "\",\"incident_id\":\"I1\",\"status\":\"outstanding\"}"),
                null))), 5);
        SyncRun run = served.run();
        assertEquals(List.of(
                Map.of("incident_mode", "standard"), Map.of("incident_mode", "retrospective"), Map.of("incident_mode", "test"),
                Map.of("incident_mode", "tutorial"), Map.of("incident_mode", "stream")),
                served.requests().stream().map(FakeApi.Request::query).toList());
        assertTrue(run.ok(), run.summary());
        assertEquals(List.of("A-retrospective", "A-standard", "A-stream", "A-test", "A-tutorial"),
                harness.column("SELECT id FROM actions ORDER BY id"));
    }
}
