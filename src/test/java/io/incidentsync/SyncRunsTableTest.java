package io.incidentsync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** _sync_runs: one row per table per run, from which users read freshness with SQL. */
class SyncRunsTableTest {

    static final String INCIDENTS = "/v2/incidents";

    @RegisterExtension
    // 600 incidents: three pages of incidents
    final SyncHarness h = SyncHarness.forEachTest(600);

    @Test
    void aGoodAndAFailedRunEachLeaveOneRowPerTableWithTheirCounts() throws Exception {
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Map<String, Map<String, Object>> good = runRows();
        assertEquals(OracleComparison.KEYS.keySet(), good.keySet(), "one row per table");
        String goodRun = (String) good.get("incidents").get("run_id");
        for (Map.Entry<String, Map<String, Object>> e : good.entrySet()) {
            Map<String, Object> row = e.getValue();
            String table = e.getKey();
            assertEquals(goodRun, row.get("run_id"), table + ": one run id for the run");
            assertEquals("ok", row.get("status"), table);
            assertEquals((long) OracleComparison.expected(h, table, true).size(), row.get("row_count"), table);
            assertEquals(0L, row.get("retry_count"), table);
            assertNull(row.get("error"), table);
            assertTrue((long) row.get("page_count") >= 1, table);
            assertTrue(!((OffsetDateTime) row.get("finished_at")).isBefore((OffsetDateTime) row.get("started_at")), table);
        }
        assertEquals(3L, good.get("incidents").get("page_count"));
        assertEquals(3L, good.get("incidents").get("request_count"));
        assertEquals(h.simulator.totalRequests(), good.values().stream().mapToLong(r -> (long) r.get("request_count")).sum(),
                "every request the API saw is counted once, by the table that made it");

        // page 2 of incidents answers 500 on every attempt
        h.simulator.faults().statusBurst(INCIDENTS, 2, 1000, 500);
        assertEquals(1, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)));
        Map<String, Map<String, Object>> failed = runRows();
        Map<String, Object> incidents = failed.get("incidents");
        String failedRun = (String) incidents.get("run_id");
        assertNotEquals(goodRun, failedRun);
        assertEquals("failed", incidents.get("status"));
        assertEquals(0L, incidents.get("row_count"), "no row of the failed listing went live");
        assertEquals(1L, incidents.get("page_count"));
        assertEquals(5L, incidents.get("request_count"), "page 1 and four attempts at page 2");
        assertEquals(3L, incidents.get("retry_count"));
        String line = h.lastErr.lines().filter(l -> l.startsWith("incidents: ")).findFirst().orElseThrow();
        assertEquals(line, "incidents: " + incidents.get("error"), "the stored error is the printed line");
        failed.forEach((table, row) -> {
            assertEquals(failedRun, row.get("run_id"));
            assertEquals(table.equals("incidents") ? "failed" : "ok", row.get("status"), table);
        });
        assertEquals(2 * OracleComparison.KEYS.size(), h.count("SELECT COUNT(*) FROM _sync_runs"));

        // freshness, as a user asks it: when did each table last sync successfully?
        try (Connection c = h.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name, MAX(finished_at) FROM _sync_runs WHERE status = 'ok' "
                     + "GROUP BY table_name")) {
            Map<String, OffsetDateTime> fresh = new HashMap<>();
            while (rs.next()) {
                fresh.put(rs.getString(1), rs.getObject(2, OffsetDateTime.class));
            }
            assertEquals(good.get("incidents").get("finished_at"), fresh.get("incidents"), "incidents are as fresh as the good run");
            assertEquals(failed.get("users").get("finished_at"), fresh.get("users"), "users are as fresh as the latest run");
        }
    }

    /** The latest run's rows of _sync_runs by table. */
    private Map<String, Map<String, Object>> runRows() throws Exception {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        try (Connection c = h.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM _sync_runs WHERE run_id = (SELECT run_id FROM _sync_runs "
                     + "ORDER BY started_at DESC LIMIT 1) ORDER BY table_name")) {
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (String column : new String[] {"run_id", "status", "error"}) {
                    row.put(column, rs.getString(column));
                }
                for (String column : new String[] {"row_count", "page_count", "request_count", "retry_count"}) {
                    row.put(column, rs.getLong(column));
                }
                for (String column : new String[] {"started_at", "finished_at"}) {
                    row.put(column, rs.getObject(column, OffsetDateTime.class));
                }
                out.put(rs.getString("table_name"), row);
            }
        }
        return out;
    }
}
