package io.incidentsync.routes;

import io.incidentsync.run.SyncRun;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * routes/errors.camel.yaml: a table that fails for good is handled once, in its own route (table-errors):
 * its staging table goes, its live table keeps the previous complete listing, the failure is recorded
 * with one line in {@code _sync_runs}, and the run goes on with the other tables.
 */
class ErrorsRouteTest extends RouteTestSupport {

    private static final String FORBIDDEN = "{\"type\":\"authorization_error\",\"status\":403,\"errors\":[{\"code\":\"forbidden\","
            + "\"message\":\"This API key is missing the required scope: Can view users.\"}]}";


    @Test
    void a403OnPageTwoFailsThatTableAloneAndItKeepsItsPreviousRows() throws Exception {
        AtomicBoolean forbidden = new AtomicBoolean();
        AtomicBoolean renamed = new AtomicBoolean();
        FakeApi api = new FakeApi()
                .on("/v2/users", request -> forbidden.get() && "c1".equals(request.param("after"))
                        ? new FakeApi.Reply(403, FORBIDDEN)
                        : FakeApi.pages("users", FakeApi.userPages(15, 10)).apply(request))
                .on("/v1/severities", request -> FakeApi.Reply.json(
                        FakeApi.page("severities", FakeApi.severities(renamed.get() ? 3 : 2, renamed.get() ? "New" : "Old"), null)));
        harness = new RouteHarness(dir, "users,severities");
        harness.serve(api);
        harness.start();
        SyncRun first = harness.sync();
        assertTrue(first.ok(), first.summary());
        assertEquals(15, harness.count("SELECT COUNT(*) FROM users"));

        forbidden.set(true);
        renamed.set(true);
        // the table's exchange (the sync route's split sends one to each table's route) ends handled, not failed
        NotifyBuilder usersHandled = new NotifyBuilder(harness.context).wereSentTo("direct:table-users")
                .whenExactlyCompleted(1).and().wereSentTo("direct:table-users").whenExactlyFailed(0).create();
        NotifyBuilder severitiesCompleted = new NotifyBuilder(harness.context).wereSentTo("direct:table-severities")
                .whenExactlyCompleted(1).and().wereSentTo("direct:table-severities").whenExactlyFailed(0).create();
        SyncRun second = harness.sync();

        assertTrue(usersHandled.matches(5, TimeUnit.SECONDS), "the failure was handled in the table's own route");
        assertTrue(severitiesCompleted.matches(5, TimeUnit.SECONDS));
        SyncRun.Result users = RouteHarness.result(second, "users");
        assertFalse(users.ok());
        assertEquals("the API key lacks the scope 'Can view users' needed for GET /v2/users (403 forbidden); grant that "
                + "scope to the key at https://app.incident.io/settings/api-keys, or leave this table out with "
                + "incident.streams (INCIDENT_STREAMS)", users.error());
        assertEquals(2, users.requests(), "a 403 is not retried");
        assertEquals(15, harness.count("SELECT COUNT(*) FROM users"), "the live table keeps the previous listing");
        assertFalse(harness.tableExists("_sdc_stage_users"), "page one's staged rows were dropped");
        assertEquals(List.of("ok", "failed"), harness.column("SELECT status FROM _sync_runs WHERE table_name = 'users' ORDER BY finished_at"));
        assertEquals(List.of(users.error()), harness.column("SELECT error FROM _sync_runs WHERE status = 'failed'"));

        assertTrue(RouteHarness.result(second, "severities").ok(), second.summary());
        assertEquals(List.of("New 1", "New 2", "New 3"), harness.column("SELECT name FROM severities ORDER BY id"));
        assertEquals(List.of("ok", "ok"), harness.column("SELECT status FROM _sync_runs WHERE table_name = 'severities'"));
    }

    @Test
    void aDestinationThatFailsOnARecordFailsItsTableThroughTheSameHandler() throws Exception {
        harness = new RouteHarness(dir, "users");
        harness.serve(new FakeApi().on("/v2/users", FakeApi.pages("users", FakeApi.userPages(30, 10))));
        harness.advise("record", a -> a.weaveAddLast().process(exchange -> {
            if (exchange.getMessage().getBody(com.fasterxml.jackson.databind.node.ObjectNode.class).path("id").asText().equals("U00017")) {
                throw new IllegalStateException("the other destination is full");
            }
        }));
        harness.start();

        SyncRun run = harness.sync();

        SyncRun.Result users = RouteHarness.result(run, "users");
        assertFalse(users.ok());
        assertEquals("IllegalStateException: the other destination is full", users.error());
        assertEquals(1, users.pages(), "the listing stopped at the failing record's page");
        // pages one and two; page three may have been asked for ahead (walk-listing's fetchAhead), never read
        assertTrue(users.requests() == 2 || users.requests() == 3, "requests: " + users.requests());
        assertFalse(harness.tableExists("users"));
        assertFalse(harness.tableExists("_sdc_stage_users"));
        assertEquals(List.of("failed"), harness.column("SELECT status FROM _sync_runs WHERE table_name = 'users'"));
    }
}
