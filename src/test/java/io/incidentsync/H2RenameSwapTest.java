package io.incidentsync;

import io.incidentsync.run.SyncRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * H2 renames a table whose new rows hold more text than incident.h2.copy-swap-max-mb (0 here, so every
 * table): what a reader may see then is the previous complete table, the new complete table, or, for a
 * query compiled in the instant between the two renames, H2's "table not found" (42102), never
 * anything else and never a partial table.
 */
class H2RenameSwapTest {

    @RegisterExtension
    final SyncHarness h = SyncHarness.forEachTest(1000);

    @BeforeEach
    void start() throws Exception {
        h.settings.put("incident.h2.copy-swap-max-mb", "0");
    }

    @Test
    void readersOfARenamedTableSeeOnlyCompleteTables() throws Exception {
        assertTrue(h.sync(SyncHarness.PRIVATE_KEY).ok());
        long before = h.count("SELECT COUNT(*) FROM incidents");
        h.simulator.faults().addRecordAfterPage("/v2/incidents", 1);
        h.simulator.faults().slow("/v2/incidents", 4, 2500);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<SyncRun> second = pool.submit(() -> h.sync(SyncHarness.PRIVATE_KEY));
        List<Long> seen = new ArrayList<>();
        int notFound = 0;
        try (Connection c = h.connect()) {
            while (!second.isDone()) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM incidents")) {
                    rs.next();
                    seen.add(rs.getLong(1));
                } catch (SQLException e) {
                    assertEquals(42102, e.getErrorCode(), "the only error a reader may meet is table not found: " + e);
                    notFound++;
                }
                Thread.sleep(5);
            }
        }
        pool.shutdown();
        assertTrue(second.get().ok(), second.get().summary());
        long after = h.count("SELECT COUNT(*) FROM incidents");
        assertEquals(before + 1, after, "the new incident arrived");
        assertTrue(seen.stream().allMatch(n -> n == before || n == after),
                "readers saw only the old or the new complete table: " + seen.stream().distinct().toList());
        assertTrue(seen.stream().filter(n -> n == before).count() > 10, "readers saw the old table while the sync ran");
        assertTrue(notFound <= 2, "a reader missed the table at most in the instant of a swap: " + notFound);
        assertTrue(h.tables().stream().noneMatch(t -> t.startsWith("_sdc_stage_") || t.startsWith("_sdc_old_")),
                "no staging or replaced table is left: " + h.tables());
    }
}
