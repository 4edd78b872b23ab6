package io.incidentsync;

import io.incidentsync.run.SyncRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a real network does to a sync: 429 storms, 5xx bursts, resets, timeouts and cut-off or HTML bodies.
 * Within the retry limits (SyncHarness: 4 attempts) the sync completes and equals the oracle; beyond them only
 * the table hit fails, with one line, and keeps its previous rows.
 *
 * <p>Each test syncs the tables its faults hit (incidents with the two listings its arrays are built from) and,
 * where it proves the other tables go on, users and follow-ups: a fault is about its own table, and every table
 * of a fault-free sync is held to the oracle by ReplicationTest. The tests only read the simulator (faults count
 * requests from the moment they are set), so one account serves them all, each sync into an H2 file of its own.
 */
class ResilienceTest {

    static final String INCIDENTS = "/v2/incidents";
    /** incidents, and the listings its updates and actions columns are built from. */
    static final String WITH_CHILDREN = "incidents,incident_updates,actions";
    /** The tables that show a failed table leaves the others to sync again. */
    static final String OTHERS = "users,follow_ups";

    static SyncHarness account;
    SyncHarness h;

    @BeforeAll
    static void startAccount() throws Exception {
        // 300 incidents: two pages of incidents at 250, and more than one of incident updates
        account = SyncHarness.start(300);
    }

    @AfterAll
    static void stopAccount() throws Exception {
        account.close();
    }

    @BeforeEach
    void start() throws Exception {
        h = account.sharingSimulator();
    }

    @AfterEach
    void stop() throws Exception {
        h.simulator.faults().clear();
        h.close();
    }

    @Test
    void aRateLimitStormOnIncidentsIsWaitedOutForAsLongAsTheApiAsksAndEveryTableEqualsTheOracle() throws Exception {
        // three 429s in a row on the second page, each with Retry-After: 1
        h.simulator.faults().rateLimitBurst(INCIDENTS, 2, 3);
        h.settings.put("incident.streams", WITH_CHILDREN);
        long rateLimited = h.simulator.rateLimited();
        SyncRun run = h.sync(SyncHarness.PRIVATE_KEY);

        assertTrue(run.ok(), run.summary());
        assertEquals(3, h.simulator.rateLimited() - rateLimited);
        SyncRun.Result incidents = result(run, "incidents");
        assertEquals(3, incidents.retries());
        assertEquals(2 + 3, incidents.requests(), "two pages plus three retries");
        // with the 20 ms backoff of the tests, only honouring Retry-After takes this long
        assertTrue(incidents.seconds() >= 2.9, "waited " + incidents.seconds() + " s for three Retry-After: 1");
        assertEveryTableEqualsTheOracle();
    }

    @Test
    void burstsOfServerErrorsAndAProxysHtmlPageAreRetriedAndEveryTableEqualsTheOracle() throws Exception {
        h.simulator.faults().statusBurst(INCIDENTS, 2, 3, 503);
        h.simulator.faults().status("/v2/users", 1, 500);
        h.simulator.faults().html("/v2/incident_updates", 2);
        h.simulator.faults().status("/v1/severities", 1, 504).status("/v1/severities", 2, 502);
        h.settings.put("incident.streams", WITH_CHILDREN + ",users,severities");
        SyncRun run = h.sync(SyncHarness.PRIVATE_KEY);

        assertTrue(run.ok(), run.summary());
        assertEquals(3, result(run, "incidents").retries());
        assertEquals(1, result(run, "users").retries());
        assertEquals(1, result(run, "incident_updates").retries());
        assertEquals(2, result(run, "severities").retries());
        assertEveryTableEqualsTheOracle();
    }

    @Test
    void connectionResetsAreSurvivedAndEachIsAccountedForAndEveryTableEqualsTheOracle() throws Exception {
        h.simulator.faults().reset(INCIDENTS, 2);
        // two in a row: the JDK's HttpClient resends a GET once by itself when a kept-alive connection dies
        // before the answer, so only the second reset is sure to reach our own retry
        h.simulator.faults().reset("/v2/incident_updates", 2).reset("/v2/incident_updates", 3);
        h.settings.put("incident.streams", WITH_CHILDREN);
        long incidentRequests = h.simulator.requests(INCIDENTS);
        long updateRequests = h.simulator.requests("/v2/incident_updates");
        SyncRun run = h.sync(SyncHarness.PRIVATE_KEY);

        assertTrue(run.ok(), run.summary());
        SyncRun.Result incidents = result(run, "incidents");
        assertEquals(incidents.pages() + 1, h.simulator.requests(INCIDENTS) - incidentRequests,
                "every page once, plus the reset one");
        assertEquals(incidents.pages() + incidents.retries(), incidents.requests());
        assertTrue(incidents.retries() <= 1, "a single reset costs at most one retry");
        SyncRun.Result updates = result(run, "incident_updates");
        assertEquals(updates.pages() + 2, h.simulator.requests("/v2/incident_updates") - updateRequests);
        assertEquals(updates.pages() + updates.retries(), updates.requests());
        assertTrue(updates.retries() >= 1, "the second reset was retried by the sync: " + updates);
        assertEveryTableEqualsTheOracle();
    }

    @Test
    void aReadTimeoutIsRetriedAndEveryTableEqualsTheOracle() throws Exception {
        // the timeout covers the whole answer, body included: 3 s leaves a heavily loaded machine time for a
        // 250-incident page (at 2 s one timed out besides the stall), and the 8 s stalls still outlast it
        h.settings.put("incident.http.read-timeout-seconds", "3");
        h.simulator.faults().slow(INCIDENTS, 2, 8000);
        h.simulator.faults().slow("/v2/custom_fields", 1, 8000);
        h.settings.put("incident.streams", WITH_CHILDREN + ",custom_fields,custom_field_options");
        SyncRun run = h.sync(SyncHarness.PRIVATE_KEY);

        assertTrue(run.ok(), run.summary());
        assertEquals(1, result(run, "incidents").retries());
        // custom_fields and custom_field_options (for its parent ids) both read /v2/custom_fields
        assertEquals(1, result(run, "custom_fields").retries() + result(run, "custom_field_options").retries());
        assertEveryTableEqualsTheOracle();
    }

    @Test
    void cutOffBodiesAreFetchedAgainAndEveryTableEqualsTheOracle() throws Exception {
        h.simulator.faults().truncate(INCIDENTS, 2).truncate(INCIDENTS, 3);
        h.simulator.faults().truncate("/v2/incident_timestamps", 1);
        h.simulator.faults().truncate("/v2/actions", 2);
        h.settings.put("incident.streams", WITH_CHILDREN + ",incident_timestamps");
        SyncRun run = h.sync(SyncHarness.PRIVATE_KEY);

        assertTrue(run.ok(), run.summary());
        assertEquals(2, result(run, "incidents").retries());
        assertEquals(1, result(run, "incident_timestamps").retries());
        assertEquals(1, result(run, "actions").retries());
        assertEveryTableEqualsTheOracle();
    }

    @Test
    void aBodyStillCutOffAfterTheLastAttemptFailsOnlyItsTableWithOneLineAndKeepsItsPreviousRows() throws Exception {
        h.settings.put("incident.streams", WITH_CHILDREN + "," + OTHERS);
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Map<String, Map<String, Object>> before = h.rows("incidents", "id");
        Map<String, Map<String, Object>> usersBefore = h.rows("users", "id");

        for (int k = 2; k <= 5; k++) {
            h.simulator.faults().truncate(INCIDENTS, k);
        }
        assertEquals(1, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), "a failed table exits 1");

        String line = onlyLineFor("incidents");
        assertTrue(line.contains("4 attempts"), line);
        assertTrue(line.contains(INCIDENTS) && line.contains("not the JSON"), "names the path and the cause: " + line);
        assertTrue(line.contains("it began: '{\"incidents\":["), "shows the first bytes: " + line);
        assertTrue(line.contains("incident.http.max-attempts"), "names the fix: " + line);
        assertEquals(before, h.rows("incidents", "id"), "the incidents table is exactly the first sync's");
        assertOtherTablesSyncedAgain(usersBefore);
    }

    @Test
    void serverErrorsBeyondTheRetryLimitFailOnlyThatTableWithOneLineAndKeepItsPreviousRows() throws Exception {
        h.settings.put("incident.streams", WITH_CHILDREN + "," + OTHERS);
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Map<String, Map<String, Object>> before = h.rows("incident_updates", "id", "incident_id");
        Map<String, Map<String, Object>> usersBefore = h.rows("users", "id");

        h.simulator.faults().statusBurst("/v2/incident_updates", 2, 4, 502);
        assertEquals(1, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)));

        String line = onlyLineFor("incident_updates");
        assertTrue(line.contains("/v2/incident_updates") && line.contains("HTTP 502") && line.contains("4 attempts"), line);
        assertEquals(before, h.rows("incident_updates", "id", "incident_id"));
        assertOtherTablesSyncedAgain(usersBefore);
    }

    @Test
    void resetsAndTimeoutsBeyondTheRetryLimitFailOnlyThatTableWithOneLine() throws Exception {
        h.settings.put("incident.streams", "severities,incident_roles," + OTHERS);
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Map<String, Map<String, Object>> severities = h.rows("severities", "id");
        Map<String, Map<String, Object>> roles = h.rows("incident_roles", "id");
        Map<String, Map<String, Object>> usersBefore = h.rows("users", "id");

        for (int k = 1; k <= 8; k++) {
            h.simulator.faults().reset("/v1/severities", k);
        }
        for (int k = 1; k <= 4; k++) {
            h.simulator.faults().slow("/v2/incident_roles", k, 2500);
        }
        Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
        settings.put("incident.http.read-timeout-seconds", "1");
        assertEquals(1, h.syncCommand(settings));

        String reset = onlyLineFor("severities");
        assertTrue(reset.contains("/v1/severities") && reset.contains("connection"), reset);
        String timeout = onlyLineFor("incident_roles");
        assertTrue(timeout.contains("/v2/incident_roles") && timeout.contains("incident.http.read-timeout-seconds"), timeout);
        assertEquals(2, h.lastErr.lines().filter(l -> !l.isBlank()).count(), "one line per failed table:\n" + h.lastErr);
        assertEquals(severities, h.rows("severities", "id"));
        assertEquals(roles, h.rows("incident_roles", "id"));
        assertOtherTablesSyncedAgain(usersBefore);
    }

    private String onlyLineFor(String table) {
        var lines = h.lastErr.lines().filter(l -> l.startsWith(table + ": ")).toList();
        assertEquals(1, lines.size(), "one line for " + table + ":\n" + h.lastErr);
        return lines.get(0);
    }

    private void assertOtherTablesSyncedAgain(Map<String, Map<String, Object>> usersBefore) throws Exception {
        Map<String, Map<String, Object>> usersAfter = h.rows("users", "id");
        String firstUser = usersBefore.keySet().iterator().next();
        assertNotEquals(usersBefore.get(firstUser).get("_sdc_extracted_at"), usersAfter.get(firstUser).get("_sdc_extracted_at"),
                "the other tables were synced again");
        OracleComparison.assertTableEquals(h, "users", true);
        OracleComparison.assertTableEquals(h, "follow_ups", true);
    }

    /** Every table the sync read equals the oracle, and so do the incidents' arrays of updates and actions. */
    private void assertEveryTableEqualsTheOracle() throws Exception {
        List<String> synced = List.of(h.settings.get("incident.streams").split(","));
        for (String table : synced) {
            OracleComparison.assertTableEquals(h, table, true);
        }
        OracleComparison.assertIncidentChildren(h, true);
    }

    static SyncRun.Result result(SyncRun run, String table) {
        return run.results().stream().filter(r -> r.table().equals(table)).findFirst().orElseThrow();
    }
}
