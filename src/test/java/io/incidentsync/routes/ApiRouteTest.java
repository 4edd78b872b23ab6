package io.incidentsync.routes;

import io.incidentsync.run.SyncRun;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * routes/api.camel.yaml: every request goes through the HTTP endpoint of incident-api-attempt, and
 * incident-api-request's redelivery policy sends it again for what another attempt may fix, never for
 * what it cannot. The HTTP endpoint is advised into a mock that answers as the test scripts it.
 */
class ApiRouteTest extends RouteTestSupport {


    @Test
    void twoAnswers503AreRedeliveredAndTheThirdAttemptStoresThePage() throws Exception {
        AtomicInteger served = new AtomicInteger();
        FakeApi api = new FakeApi().on("/v2/users", request -> served.incrementAndGet() <= 2
                ? new FakeApi.Reply(503, "{\"type\":\"unavailable\"}")
                : FakeApi.Reply.json(FakeApi.page("users", FakeApi.users(1, 3), null)));
        harness = new RouteHarness(dir, "users");
        MockEndpoint http = harness.serve(api);
        http.expectedMessageCount(3);
        http.expectedHeaderReceived(Exchange.HTTP_PATH, "/v2/users");
        http.expectedHeaderReceived("Authorization", "Bearer " + RouteHarness.KEY);
        harness.start();

        SyncRun run = harness.sync();

        http.assertIsSatisfied();
        SyncRun.Result users = RouteHarness.result(run, "users");
        assertTrue(users.ok(), run.summary());
        assertEquals(3, users.requests(), "each attempt is a request");
        assertEquals(2, users.retries(), "two redeliveries");
        assertEquals(3, users.rows());
        assertEquals(List.of("U00001", "U00002", "U00003"), harness.column("SELECT id FROM users ORDER BY id"));
        try (Connection c = harness.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status, request_count, retry_count, row_count FROM _sync_runs WHERE table_name = 'users'")) {
            assertTrue(rs.next());
            assertEquals("ok", rs.getString(1));
            assertEquals(3, rs.getLong(2));
            assertEquals(2, rs.getLong(3));
            assertEquals(3, rs.getLong(4));
            assertFalse(rs.next(), "one row per table and run");
        }
    }

    @Test
    void a401IsSentOnceAndFailsTheTable() throws Exception {
        FakeApi api = new FakeApi().on("/v2/users", request -> new FakeApi.Reply(401,
                "{\"type\":\"authentication_error\",\"status\":401,\"errors\":[{\"code\":\"unauthorized\",\"message\":\"bad key\"}]}"));
        harness = new RouteHarness(dir, "users");
        RouteHarness.Served served = harness.syncAgainst(api, 1);
        SyncRun.Result users = served.result("users");
        assertFalse(users.ok());
        assertEquals(1, users.requests());
        assertEquals(0, users.retries());
        assertTrue(users.error().contains("401 Unauthorized"), users.error());
        assertFalse(harness.tableExists("users"), "nothing was written");
        assertFalse(harness.tableExists("_sdc_stage_users"), "the staging table was dropped");
    }

    @Test
    void a503EveryTimeEndsAfterMaxAttemptsWithOneLineNamingTheCount() throws Exception {
        FakeApi api = new FakeApi().on("/v1/severities", request -> new FakeApi.Reply(503, ""));
        harness = new RouteHarness(dir, "severities").set("incident.http.max-attempts", "3");
        RouteHarness.Served served = harness.syncAgainst(api, 3);
        SyncRun.Result severities = served.result("severities");
        assertFalse(severities.ok());
        assertEquals(3, severities.requests());
        assertEquals(2, severities.retries());
        assertEquals("GET /v1/severities failed after 3 attempts, last with HTTP 503; if the trouble is passing, "
                + "run again or raise incident.http.max-attempts", severities.error());
        assertEquals(List.of("failed"), harness.column("SELECT status FROM _sync_runs WHERE table_name = 'severities'"));
    }
}
