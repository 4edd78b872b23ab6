package io.incidentsync.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidentsync.run.SyncRun;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * routes/destinations.camel.yaml: every record of every table passes the route {@code record} once, as a
 * JSON object with the exchange property {@code table} naming its table, so a step added at its end (here
 * a mock, as docs/destinations.md adds one) receives exactly what the API served.
 */
class DestinationsRouteTest extends RouteTestSupport {


    @Test
    void aStepAddedToTheRecordRouteReceivesEveryServedRecordOnceWithItsTable() throws Exception {
        harness = new RouteHarness(dir, "users,severities");
        harness.serve(new FakeApi()
                .on("/v2/users", FakeApi.pages("users", FakeApi.userPages(260, 250)))
                .on("/v1/severities", request -> FakeApi.Reply.json(FakeApi.page("severities", FakeApi.severities(4, "Sev"), null))));
        harness.advise("record", a -> a.weaveAddLast().to("mock:records"));
        MockEndpoint records = harness.mock("mock:records");
        records.expectedMessageCount(264);
        records.allMessages().body().isInstanceOf(ObjectNode.class);
        harness.start();

        SyncRun run = harness.sync();

        records.assertIsSatisfied();
        assertTrue(run.ok(), run.summary());
        TreeSet<String> users = new TreeSet<>();
        TreeSet<String> severities = new TreeSet<>();
        for (Exchange record : records.getReceivedExchanges()) {
            ObjectNode body = assertInstanceOf(ObjectNode.class, record.getMessage().getBody());
            String table = record.getProperty("table", String.class);
            (table.equals("users") ? users : severities).add(body.path("id").asText());
        }
        assertEquals(260, users.size(), "each user once");
        assertEquals("U00001", users.first());
        assertEquals("U00260", users.last());
        assertEquals(new TreeSet<>(List.of("S1", "S2", "S3", "S4")), severities);
        assertEquals("user7@example.com", records.getReceivedExchanges().stream()
                .map(e -> e.getMessage().getBody(ObjectNode.class))
                .filter(r -> r.path("id").asText().equals("U00007")).findFirst().orElseThrow().path("email").asText());
        assertEquals(260, harness.count("SELECT COUNT(*) FROM users"), "the SQL table writer still got them");
    }
}
