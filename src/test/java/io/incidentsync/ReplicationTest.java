package io.incidentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidentsync.run.SyncRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.OffsetDateTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A complete sync of every table into H2 equals the simulator's oracle, for keys with and without the private scope. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class ReplicationTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    SyncHarness h;

    // per test rather than @BeforeAll, so that a missing server fails each test by name
    @BeforeEach
    void start() throws Exception {
        if (h == null) {
            h = db.harness(300);
        }
    }

    // one instance serves every database in turn (PER_CLASS): each ends with its own harness closed
    @AfterParameterizedClassInvocation(injectArguments = false)
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
        h = null;
        privateSync = null;
    }

    /** The sync with the private key the tests of that key read, made once by the first of them. */
    private SyncRun privateSync;

    private SyncRun syncedWithThePrivateKey() throws Exception {
        if (privateSync == null) {
            privateSync = h.sync(SyncHarness.PRIVATE_KEY);
        }
        return privateSync;
    }

    @Test
    @Order(1)
    void everyTableEqualsTheOracleForAKeyWithThePrivateScope() throws Exception {
        SyncRun run = syncedWithThePrivateKey();
        assertTrue(run.ok(), run.summary());
        assertEveryTable(true);
        assertTrue(h.count("SELECT COUNT(*) FROM incidents WHERE visibility = 'private'") > 0,
                "the data set has private incidents, and this key may see them");
    }

    // last, as it replaces the private key's rows: the private tests share one sync before it
    @Test
    @Order(2)
    void everyTableEqualsTheOracleForAKeyWithoutThePrivateScope() throws Exception {
        privateSync = null;
        SyncRun run = h.sync(SyncHarness.PUBLIC_KEY);
        assertTrue(run.ok(), run.summary());
        assertEveryTable(false);
        assertEquals(0, h.count("SELECT COUNT(*) FROM incidents WHERE visibility = 'private'"));
    }

    private void assertEveryTable(boolean privateScope) throws Exception {
        long compared = 0;
        // held while every table is read, so an H2 file is opened once rather than once per query
        try (java.sql.Connection held = h.connect()) {
            for (String table : OracleComparison.KEYS.keySet()) {
                compared += OracleComparison.assertTableEquals(h, table, privateScope);
            }
            OracleComparison.assertIncidentChildren(h, privateScope);
        }
        assertTrue(compared > 10_000, "compared only " + compared + " values");
    }

    @Test
    @Order(1)
    void namedColumnsHoldTheRecordsValues() throws Exception {
        assertTrue(syncedWithThePrivateKey().ok());
        ObjectNode incident = h.simulator.oracle().records("incidents", true).stream()
                .filter(i -> i.has("severity") && i.path("creator").has("user")).findFirst().orElseThrow();
        Map<String, Object> row = h.rows("incidents", "id").get(incident.path("id").asText());
        assertEquals(incident.path("severity").path("name").asText(), row.get("severity__name"));
        assertEquals(incident.path("incident_status").path("category").asText(), row.get("incident_status__category"));
        assertEquals(incident.path("creator").path("user").path("email").asText(null), row.get("creator__user__email"));
        OracleComparison.assertJsonEquals("custom_field_entries", incident.path("custom_field_entries"),
                OracleComparison.parse(row.get("custom_field_entries")));
        assertEquals(OffsetDateTime.parse(incident.path("created_at").asText()).toInstant(),
                ((OffsetDateTime) row.get("created_at")).toInstant());
    }

    @Test
    @Order(1)
    void everyModeAndStatusCategoryIsReplicated() throws Exception {
        assertTrue(syncedWithThePrivateKey().ok());
        for (String mode : new String[] {"standard", "retrospective", "test", "tutorial"}) {
            assertTrue(h.count("SELECT COUNT(*) FROM incidents WHERE mode = '" + mode + "'") > 0, mode);
        }
        for (String category : new String[] {"triage", "declined", "merged", "canceled", "live", "learning", "closed", "paused"}) {
            assertTrue(h.count("SELECT COUNT(*) FROM incidents WHERE incident_status__category = '" + category + "'") > 0, category);
        }
        JsonNode testAction = h.simulator.oracle().records("actions", true).stream()
                .filter(a -> h.simulator.oracle().records("incidents", true).stream()
                        .anyMatch(i -> i.path("id").equals(a.path("incident_id")) && i.path("mode").asText().equals("test")))
                .findFirst().orElseThrow();
        assertEquals(1, h.count("SELECT COUNT(*) FROM actions WHERE id = '" + testAction.path("id").asText() + "'"));
    }
}
