package io.incidentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidentsync.run.SyncRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.OffsetDateTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A complete sync of every table into H2 equals the simulator's oracle, for keys with and without the private scope. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationTest {

    SyncHarness h;

    /** The harness whose database these tests check; the PostgreSQL variant overrides it. */
    SyncHarness harness(int incidents) throws Exception {
        return SyncHarness.start(incidents);
    }

    // per test rather than @BeforeAll, so that a missing server shows as each test skipped
    @BeforeEach
    void start() throws Exception {
        if (h == null) {
            h = harness(300);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void everyTableEqualsTheOracleForAKeyWithThePrivateScope() throws Exception {
        SyncRun run = h.sync(SyncHarness.PRIVATE_KEY);
        assertTrue(run.ok(), run.summary());
        assertEveryTable(true);
        assertTrue(h.count("SELECT COUNT(*) FROM incidents WHERE visibility = 'private'") > 0,
                "the data set has private incidents, and this key may see them");
    }

    @Test
    void everyTableEqualsTheOracleForAKeyWithoutThePrivateScope() throws Exception {
        SyncRun run = h.sync(SyncHarness.PUBLIC_KEY);
        assertTrue(run.ok(), run.summary());
        assertEveryTable(false);
        assertEquals(0, h.count("SELECT COUNT(*) FROM incidents WHERE visibility = 'private'"));
    }

    private void assertEveryTable(boolean privateScope) throws Exception {
        long compared = 0;
        for (String table : OracleComparison.KEYS.keySet()) {
            compared += OracleComparison.assertTableEquals(h, table, privateScope);
        }
        assertTrue(compared > 10_000, "compared only " + compared + " values");
        OracleComparison.assertIncidentChildren(h, privateScope);
    }

    @Test
    void namedColumnsHoldTheRecordsValues() throws Exception {
        h.sync(SyncHarness.PRIVATE_KEY);
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
    void everyModeAndStatusCategoryIsReplicated() throws Exception {
        h.sync(SyncHarness.PRIVATE_KEY);
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
