package io.incidentsync;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arrays as child tables (Stitch's de-nesting): names, keys, one row per element, replaced with their
 * parent in one step, and incident.arrays choosing child tables, JSON columns or both.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class ChildTablesTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    static final String STREAMS = "incident_updates,actions,incidents,users";
    /** Two pages of incidents at 250, so a sync can fail or be read from between them. */
    static final int INCIDENTS = 300;

    SyncHarness h;

    @BeforeEach
    void start() throws Exception {
        h = db.harness(INCIDENTS);
        h.settings.put("incident.streams", STREAMS);
    }

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void everyArrayBecomesAChildTableKeyedByItsParentAndPosition() throws Exception {
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        for (String table : STREAMS.split(",")) {
            // the parent's columns, and every child table: rows = the arrays' elements, every value compared
            OracleComparison.assertTableEquals(h, table, true);
        }
        List<String> tables = h.tables();
        assertTrue(tables.contains("incidents__custom_field_entries"), tables.toString());
        assertTrue(tables.contains("incidents__custom_field_entries__values"), tables.toString());
        Map<String, Map<String, Object>> values = h.rows("incidents__custom_field_entries__values",
                "_sdc_source_key_id", "_sdc_level_0_id", "_sdc_level_1_id");
        assertTrue(values.size() > INCIDENTS, "every incident has some custom field values: " + values.size());
        // a field the description gives no type is one column, its array whole, never a table named after its path
        assertFalse(tables.contains("incident_updates__updater__api_key__roles"), tables.toString());
        assertTrue(h.count("SELECT COUNT(*) FROM incident_updates WHERE updater__api_key__roles IS NOT NULL") > 0);
        // an array that restates another table's records (each entry's custom field's options: custom_field_options)
        // stays in its JSON column
        assertFalse(tables.contains("incidents__custom_field_entries__custom_field__options"), tables.toString());
        assertTrue(h.count("SELECT COUNT(*) FROM incidents__custom_field_entries WHERE custom_field__options IS NOT NULL") > 0);
        // a child row joins its parent on the source key
        assertEquals(0, h.count("SELECT COUNT(*) FROM incidents__custom_field_entries e"
                + " LEFT JOIN incidents i ON i.id = e._sdc_source_key_id WHERE i.id IS NULL"));
        // JSON columns are kept too, by default
        assertTrue(h.rows("incidents", "id").values().iterator().next().containsKey("custom_field_entries"));
    }

    @Test
    void aFieldTheDescriptionDoesNotDeclareMakesNoTableNorColumnAndIsKeptInUndeclared() throws Exception {
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Map<String, List<String>> shape = shape(h);
        h.simulator.faults().unknownField("incidents", "labels", List.of("sev-review", "customer-facing", "ünïcödé 🔥"));
        h.simulator.faults().unknownField("incidents", "Blast Radius", Map.of("Regions", List.of("eu", "us")));
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        assertEquals(shape, shape(h), "the same tables and columns as before the API added the fields");
        String first = h.simulator.oracle().records("incidents", true).get(0).path("id").asText();
        JsonNode undeclared = OracleComparison.parse(h.rows("incidents", "id").get(first).get("_sdc_undeclared"));
        assertEquals("ünïcödé 🔥", undeclared.path("labels").path(2).asText(), undeclared.toString());
        assertEquals("us", undeclared.path("Blast Radius").path("Regions").path(1).asText(), undeclared.toString());
        OracleComparison.assertTableEquals(h, "incidents", true);

        // the API stops sending the fields: nothing is left of them
        h.simulator.faults().clear();
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        assertEquals(0, h.count("SELECT COUNT(*) FROM incidents WHERE _sdc_undeclared IS NOT NULL"));
        assertEquals(shape, shape(h));
    }

    static Map<String, List<String>> shape(SyncHarness h) throws Exception {
        return h.shape();
    }

    @Test
    void aFailedSyncKeepsTheParentAndItsChildrenOfTheSameEarlierSync() throws Exception {
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Map<String, Map<String, Object>> entries = h.rows("incidents__custom_field_entries", "_sdc_source_key_id", "_sdc_level_0_id");
        h.simulator.faults().addRecordAfterPage("/v2/incidents", 1);
        h.simulator.faults().statusBurst("/v2/incidents", 2, 1000, 500);
        assertEquals(1, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)));
        assertEquals(entries, h.rows("incidents__custom_field_entries", "_sdc_source_key_id", "_sdc_level_0_id"));
        assertEquals(INCIDENTS, h.count("SELECT COUNT(*) FROM incidents"));
    }

    @Test
    void readersSeeTheParentAndItsChildrenOfOneSyncAtATime() throws Exception {
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        // the next sync lists 50 more incidents, each with its custom field entries
        for (int i = 0; i < 50; i++) {
            h.simulator.faults().addRecordAfterPage("/v2/incidents", 1);
        }
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean done = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (Connection c = h.connect(); Statement s = c.createStatement()) {
                while (!done.get()) {
                    try (ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM incidents),"
                            + " (SELECT COUNT(DISTINCT _sdc_source_key_id) FROM incidents__custom_field_entries)")) {
                        rs.next();
                        seen.add(rs.getLong(1) + "/" + rs.getLong(2));
                    } catch (java.sql.SQLException e) {
                        // a query compiled in the instant of a rename may miss the table (README); not a mix
                        if (!String.valueOf(e.getMessage()).contains("not found")) {
                            seen.add("error: " + e.getMessage());
                        }
                    }
                }
            } catch (java.sql.SQLException e) {
                seen.add("error: " + e.getMessage());
            }
        });
        reader.start();
        try {
            assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        } finally {
            done.set(true);
            reader.join();
        }
        String old = INCIDENTS + "/" + INCIDENTS;
        String grown = (INCIDENTS + 50) + "/" + (INCIDENTS + 50);
        for (String pair : seen) {
            assertTrue(pair.equals(old) || pair.equals(grown), "a reader saw " + pair + " among " + seen);
        }
        assertTrue(seen.contains(grown) || h.count("SELECT COUNT(*) FROM incidents") == INCIDENTS + 50, seen.toString());
    }

    @Test
    void tablesOnlyLeavesTheArraysOutOfTheParentAndJsonOnlyMakesNoChildTable() throws Exception {
        h.settings.put("incident.arrays", "tables");
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Map<String, Object> incident = h.rows("incidents", "id").values().iterator().next();
        assertFalse(incident.containsKey("custom_field_entries"), incident.keySet().toString());
        assertFalse(incident.containsKey("incident_role_assignments"), incident.keySet().toString());
        assertTrue(h.count("SELECT COUNT(*) FROM incidents__custom_field_entries") > INCIDENTS);
        // incidents.updates and incidents.actions are the product's own columns, kept in every mode
        assertTrue(incident.containsKey("updates"));

        try (SyncHarness other = db.harness(50)) {
            other.settings.put("incident.streams", STREAMS);
            other.settings.put("incident.arrays", "json");
            assertEquals(0, other.syncCommand(other.overrides(SyncHarness.PRIVATE_KEY)), other.lastErr);
            assertTrue(other.tables().stream().noneMatch(t -> t.contains("__")), other.tables().toString());
            OracleComparison.assertValue("custom_field_entries", 
                    other.simulator.oracle().records("incidents", true).get(0).get("custom_field_entries"),
                    other.rows("incidents", "id").get(other.simulator.oracle().records("incidents", true).get(0)
                            .path("id").asText()).get("custom_field_entries"));

            other.settings.put("incident.arrays", "lists");
            assertEquals(2, other.syncCommand(other.overrides(SyncHarness.PRIVATE_KEY)));
            assertTrue(other.lastErr.contains("'lists' is not a choice for incident.arrays (INCIDENT_ARRAYS)"), other.lastErr);
        }
    }
}
