package io.incidentsync;

import io.incidentsync.simulator.SimulatorConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two instances of the jar, `run` with incident.cluster.enabled on one PostgreSQL destination: each
 * trigger time is synced once, by one of them, never two runs of a table at once; when the instance
 * that is syncing dies, the other takes the next trigger. Needs INCIDENT_TEST_PG_URL.
 */
@Tag(ServerTests.POSTGRES)
class PostgresClusterIT {

    @TempDir
    Path dir;

    /** A run's tables: when it started and ended, and whether each table succeeded. */
    record Run(String id, OffsetDateTime started, OffsetDateTime finished, int tables, boolean ok) {
    }

    @Test
    void twoInstancesSyncEachTriggerOnceAndSurviveTheDeathOfOne() throws Exception {
        String db = TestServers.freshPostgresSchemaUrl();
        // a sync takes a few seconds (latency on every answer), so a kill lands mid-sync
        try (SyncHarness h = SyncHarness.start(new SimulatorConfig().seed(1).incidents(200).latencyMillis(60))) {
            Map<String, String> env = new HashMap<>();
            env.put("INCIDENT_API_URL", h.simulator.baseUrl());
            env.put("INCIDENT_API_KEY", SyncHarness.PRIVATE_KEY);
            env.put("INCIDENT_DB_URL", db);
            env.put("INCIDENT_SCHEDULE", "0/5 * * * * ?");
            env.put("INCIDENT_CLUSTER_ENABLED", "true");
            env.put("INCIDENT_CLUSTER_CHECKIN_MILLIS", "1000");
            env.put("INCIDENT_RATE_PER_MINUTE", Integer.toString(1200 * SyncHarness.TIME_SCALE));
            env.put("INCIDENT_RATE_INCIDENTS_PER_MINUTE", Integer.toString(60 * SyncHarness.TIME_SCALE));
            Files.createDirectories(dir.resolve("a"));
            Files.createDirectories(dir.resolve("b"));
            try (JarProcess a = JarProcess.start(dir.resolve("a"), env, "run");
                 JarProcess b = JarProcess.start(dir.resolve("b"), env, "run")) {
                // let a few triggers fire with both alive
                long until = System.currentTimeMillis() + 120_000;
                while (runs(db).stream().filter(r -> r.tables() == OracleComparison.KEYS.size()).count() < 3 && System.currentTimeMillis() < until) {
                    Thread.sleep(500);
                }
                assertTrue(runs(db).size() >= 3, "syncs ran: " + runs(db));

                // kill whichever instance is syncing now, mid-sync
                long killedAt = System.currentTimeMillis();
                JarProcess victim = null;
                JarProcess survivor = null;
                while (victim == null && System.currentTimeMillis() - killedAt < 30_000) {
                    int aStarted = count(a, "started:"), aEnded = count(a, "succeeded") + count(a, "FAILED:");
                    int bStarted = count(b, "started:"), bEnded = count(b, "succeeded") + count(b, "FAILED:");
                    if (aStarted > aEnded) {
                        victim = a;
                        survivor = b;
                    } else if (bStarted > bEnded) {
                        victim = b;
                        survivor = a;
                    } else {
                        Thread.sleep(20);
                    }
                }
                assertTrue(victim != null, "no sync was seen in progress");
                victim.process.destroyForcibly().waitFor();
                OffsetDateTime death = OffsetDateTime.now();
                int survivorRunsBefore = count(survivor, " succeeded:");
                long deadline = System.currentTimeMillis() + 90_000;
                while (count(survivor, " succeeded:") <= survivorRunsBefore && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                assertTrue(count(survivor, " succeeded:") > survivorRunsBefore,
                        "the surviving instance synced after the other died:\n" + survivor.output());
                survivor.process.destroy();
                survivor.waitFor(60);

                List<Run> runs = runs(db);
                for (int i = 1; i < runs.size(); i++) {
                    Run previous = runs.get(i - 1);
                    Run run = runs.get(i);
                    assertTrue(!run.started().isBefore(previous.finished()),
                            "two runs overlapped: " + previous + " and " + run);
                }
                // a trigger held back while a sync runs fires right after it, so runs may follow closely,
                // but there are never more runs than trigger times (every 5 s) in the window
                double window = runs.get(runs.size() - 1).started().toEpochSecond() - runs.get(0).started().toEpochSecond();
                assertTrue(runs.size() <= window / 5 + 2, "more runs than triggers, so a trigger synced twice: " + runs);
                List<Run> complete = runs.stream().filter(r -> r.tables() == OracleComparison.KEYS.size() && r.ok()).toList();
                assertTrue(complete.size() >= 4, "complete runs: " + runs);
                assertTrue(complete.get(complete.size() - 1).started().isAfter(death),
                        "a complete run after the death: " + runs);
            }
        }
    }

    private static int count(JarProcess p, String text) {
        return (int) p.lines.stream().filter(l -> l.contains(text) && l.contains("sync ")).count();
    }

    /** The runs recorded in _sync_runs, in start order. */
    private static List<Run> runs(String db) throws Exception {
        Map<String, Run> runs = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement()) {
            try (ResultSet t = c.getMetaData().getTables(null, c.getSchema(), "_sync_runs", null)) {
                if (!t.next()) {
                    return new ArrayList<>();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT run_id, MIN(started_at), MAX(finished_at), COUNT(*), "
                    + "SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) FROM _sync_runs GROUP BY run_id ORDER BY MIN(started_at)")) {
                while (rs.next()) {
                    runs.put(rs.getString(1), new Run(rs.getString(1), rs.getObject(2, OffsetDateTime.class),
                            rs.getObject(3, OffsetDateTime.class), rs.getInt(4), rs.getInt(4) == rs.getInt(5)));
                }
            }
        }
        return new ArrayList<>(runs.values());
    }
}
