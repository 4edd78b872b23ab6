package io.incidentsync;

import io.incidentsync.run.SyncRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full-table replication never shows a half-written table, and a failed sync keeps yesterday's rows. Each test
 * syncs the tables it looks at: the swap is the same for every table.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class AtomicSwapTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    SyncHarness h;

    @BeforeEach
    void start() throws Exception {
        // 300 incidents: two pages of incidents at 250 a page, so a failure or a stall can come mid-listing
        h = db.harness(300);
    }

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void aServerErrorOnAMiddlePageOfIncidentsLeavesYesterdaysIncidentsInPlace() throws Exception {
        h.settings.put("incident.streams", "incidents,users");
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Map<String, Map<String, Object>> before = h.rows("incidents", "id");
        Map<String, Map<String, Object>> usersBefore = h.rows("users", "id");
        assertEquals(h.simulator.oracle().records("incidents", true).size(), before.size());

        // page 2 of 2 answers 500 on every attempt, after page 1 went to the staging table
        h.simulator.faults().statusBurst("/v2/incidents", 2, 1000, 500);
        int code = h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY));

        assertEquals(1, code, "a failed table exits 1");
        assertTrue(h.lastErr.lines().anyMatch(l -> l.startsWith("incidents: ") && l.contains("HTTP 500")), h.lastErr);
        assertEquals(1, h.lastErr.lines().filter(l -> l.startsWith("incidents: ")).count(), "one line for the failure");
        assertEquals(before, h.rows("incidents", "id"), "the incidents table is exactly the first sync's");
        Map<String, Map<String, Object>> usersAfter = h.rows("users", "id");
        assertEquals(usersBefore.keySet(), usersAfter.keySet());
        Object firstUser = usersBefore.keySet().iterator().next();
        assertNotEquals(usersBefore.get(firstUser).get("_sdc_extracted_at"), usersAfter.get(firstUser).get("_sdc_extracted_at"),
                "the other tables were synced again");
        assertTrue(h.tables().stream().noneMatch(t -> t.startsWith("_sdc_stage_")), "no staging table is left behind: " + h.tables());
    }

    @Test
    void readersDuringASyncSeeThePreviousCompleteTable() throws Exception {
        h.settings.put("incident.streams", "incidents");
        assertTrue(h.sync(SyncHarness.PRIVATE_KEY).ok());
        Map<String, Map<String, Object>> before = h.rows("incidents", "id");
        // a new incident appears, and the last page of the second sync is slow to come
        h.simulator.faults().addRecordAfterPage("/v2/incidents", 1);
        h.simulator.faults().slow("/v2/incidents", 2, 2500);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<SyncRun> second = pool.submit(() -> h.sync(SyncHarness.PRIVATE_KEY));
        List<Long> seen = new ArrayList<>();
        try (Connection c = h.connect()) {
            while (!second.isDone()) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM incidents")) {
                    rs.next();
                    seen.add(rs.getLong(1));
                }
                Thread.sleep(20);
            }
        }
        pool.shutdown();
        assertTrue(second.get().ok(), second.get().summary());
        long after = h.count("SELECT COUNT(*) FROM incidents");
        assertEquals(before.size() + 1, after, "the new incident arrived");
        assertTrue(seen.size() > 20, "readers looked during the sync");
        assertTrue(seen.stream().allMatch(n -> n == before.size() || n == after),
                "readers saw only the old or the new complete table: " + seen.stream().distinct().toList());
        assertTrue(seen.stream().filter(n -> n == before.size()).count() > 10, "readers saw the old table while the sync ran");
    }

    @Test
    void aRecordWithANewFieldKeepsItInUndeclaredAndTheTableKeepsItsColumns() throws Exception {
        h.settings.put("incident.streams", "incidents");
        assertTrue(h.sync(SyncHarness.PRIVATE_KEY).ok());
        Map<String, java.util.List<String>> shape = h.shape();
        h.simulator.faults().unknownField("incidents", "blast_radius", "three regions");
        h.simulator.faults().unknownField("incidents", "impact", Map.of("customers", 42, "note", "estimated"));
        assertTrue(h.sync(SyncHarness.PRIVATE_KEY).ok());
        assertEquals(shape, h.shape(), "no table or column named after the new fields");
        java.util.List<Object> undeclared = h.column("SELECT _sdc_undeclared FROM incidents");
        assertEquals(h.count("SELECT COUNT(*) FROM incidents"), undeclared.size());
        for (Object value : undeclared) {
            com.fasterxml.jackson.databind.JsonNode fields = OracleComparison.parse(value);
            assertEquals("three regions", fields.path("blast_radius").asText(), fields.toString());
            assertEquals(42, fields.path("impact").path("customers").asInt(), fields.toString());
            assertEquals("estimated", fields.path("impact").path("note").asText(), fields.toString());
        }
        OracleComparison.assertTableEquals(h, "incidents", true);
    }

    @Test
    void aMissingKeyExitsTwoAndTouchesNoTable() throws Exception {
        Map<String, String> settings = h.overrides("");
        settings.put("incident.api.key", "");
        assertEquals(0, h.simulator.totalRequests());
        int code = h.syncCommand(settings);
        assertEquals(2, code);
        assertTrue(h.lastErr.contains("no API key") && h.lastErr.contains("INCIDENT_API_KEY"), h.lastErr);
        assertEquals(0, h.simulator.totalRequests(), "no request was made");
        if (h.dbUrl.startsWith("jdbc:h2:")) {
            assertFalse(java.nio.file.Files.exists(h.dir.resolve("db.mv.db")), "no database file was created");
        } else {
            assertTrue(h.tables().isEmpty(), "no table was created: " + h.tables());
        }
    }

    @Test
    void anUnknownStreamNameExitsTwoBeforeAnyTableIsTouched() throws Exception {
        h.settings.put("incident.streams", "severities");
        assertTrue(h.sync(SyncHarness.PRIVATE_KEY).ok());
        Map<String, Map<String, Object>> before = h.rows("severities", "id");
        Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
        settings.put("incident.streams", "severities,incidentz");
        assertEquals(2, h.syncCommand(settings));
        assertTrue(h.lastErr.contains("incidentz"), h.lastErr);
        assertEquals(before, h.rows("severities", "id"));
    }
}
