package io.incidentsync;

import io.incidentsync.cli.JitChoice;
import io.incidentsync.simulator.SimulatorClient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar as a long-lived process: a schedule that runs and stops cleanly on SIGTERM, a SIGTERM in
 * the middle of a sync, and the compiler the process chooses. Apart from {@link JarIT} so that the two
 * classes run side by side in the integration tests' parallel JVMs.
 */
class JarProcessIT {

    @TempDir
    Path dir;

    @Test
    void sigtermInTheMiddleOfASyncLeavesThePreviousTablesAsTheyWere() throws Exception {
        try (SyncHarness h = SyncHarness.start(1000)) {
            Map<String, String> env = JarIT.simulatorEnv(h);
            env.put("INCIDENT_RATE_PER_MINUTE", Integer.toString(1200 * SyncHarness.TIME_SCALE));
            env.put("INCIDENT_RATE_INCIDENTS_PER_MINUTE", Integer.toString(60 * SyncHarness.TIME_SCALE));
            try (JarProcess sync = JarProcess.start(dir, env, "sync")) {
                assertEquals(0, sync.waitFor(180), sync.output());
            }
            String db = "jdbc:h2:file:" + dir.resolve("data/incident").toAbsolutePath();
            Map<String, Long> before = JarIT.counts(db);

            // the second sync stalls on its third page of incidents for longer than Camel waits on shutdown;
            // SIGTERM arrives meanwhile
            h.simulator.faults().slow("/v2/incidents", 3, 60_000);
            env.put("INCIDENT_SCHEDULE", "0/2 * * * * ?");
            // a full refresh, which reads every page of incidents (an incremental run would read one)
            env.put("INCIDENT_SYNC_FULL", "true");
            try (JarProcess run = JarProcess.start(dir, env, "run")) {
                run.await(l -> l.contains("incidents: started"), 120);
                long deadline = System.currentTimeMillis() + 60_000;
                while (h.simulator.requests("/v2/incidents") < 3 + 4 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                long stopped = System.nanoTime();
                // SIGTERM alone: Process.destroy() also closes the pipes, and what the process logs after it would be lost
                run.process.toHandle().destroy();
                int code = run.waitFor(90);
                double seconds = (System.nanoTime() - stopped) / 1e9;
                assertTrue(code == 0 || code == 143, "exit " + code + "\n" + run.output());
                // the stalled request is abandoned at once rather than waited out (60 s, past Camel's 30 s)
                assertTrue(seconds < 20, "stopped in " + seconds + " s\n" + run.output());
                assertTrue(run.output().contains("incidents: FAILED: stopped: the process is shutting down"), run.output());
                assertTrue(run.output().contains("FAILED:\ntable "), "the run's summary is printed:\n" + run.output());
            }
            assertEquals(before, JarIT.counts(db), "no table is half-written");
            assertEquals(h.simulator.oracle().records("incidents", true).size(), before.get("incidents"));
        }
    }

    @Test
    void aSyncProcessCompilesWithC1AloneButForTheStringLoopsUnlessTieredIsConfiguredAndABadValueExitsTwo() throws Exception {
        try (SyncHarness h = SyncHarness.start(200)) {
            Map<String, String> env = JarIT.simulatorEnv(h);
            env.put("INCIDENT_STREAMS", "incidents");
            // in the order the JVM tries them: the kept classes first, or *.* would exclude them too
            List<Map.Entry<java.util.Set<String>, Boolean>> expected = List.of(
                    Map.entry(new java.util.TreeSet<>(JitChoice.C2_KEPT), false),
                    Map.entry(java.util.Set.of("*.*"), true));
            assertEquals(expected, c2Exclusions(h, env), "sync: C2 kept for the string loops, left out for every other method");
            env.put("INCIDENT_JIT", "tiered");
            assertEquals(List.of(), c2Exclusions(h, env), "INCIDENT_JIT=tiered: the JVM's default");
            env.put("INCIDENT_JIT", "c2");
            try (JarProcess sync = JarProcess.start(dir, env, "sync")) {
                assertEquals(2, sync.waitFor(60), sync.output());
                assertEquals("configuration error: 'c2' is neither c1 nor tiered for INCIDENT_JIT (incident.jit)",
                        sync.output().strip());
            }
        }
    }

    /**
     * Runs {@code sync} with its first incidents page held back, asks the live process for its compiler
     * directives (jcmd), and lets it finish: each directive added to the JVM's own, in the order the JVM
     * tries them, as its method patterns and whether it excludes C2.
     */
    private List<Map.Entry<java.util.Set<String>, Boolean>> c2Exclusions(SyncHarness h, Map<String, String> env)
            throws Exception {
        long before = h.simulator.requests("/v2/incidents");
        h.simulator.faults().slow("/v2/incidents", 1, 5_000);
        try (JarProcess sync = JarProcess.start(dir, env, "sync")) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (h.simulator.requests("/v2/incidents") == before && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(sync.process.pid()), "Compiler.directives_print").redirectErrorStream(true).start();
            String directives = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, jcmd.waitFor(), directives);
            assertEquals(0, sync.waitFor(120), sync.output());
            // each directive: "matching: a, b", then its c1 and c2 blocks; the JVM's own is "(default)"
            List<Map.Entry<java.util.Set<String>, Boolean>> out = new java.util.ArrayList<>();
            for (String block : directives.split("Directive:")) {
                int matching = block.indexOf("matching: ");
                if (matching < 0 || block.startsWith(" (default)")) {
                    continue;
                }
                String patterns = block.substring(matching + "matching: ".length()).lines().findFirst().orElse("");
                out.add(Map.entry(new java.util.TreeSet<>(java.util.Arrays.asList(patterns.strip().split(",\\s*"))),
                        block.substring(block.indexOf("c2 directives:")).contains("Exclude:true")));
            }
            return out;
        }
    }

    @Test
    void runSyncsOnItsScheduleAndStopsCleanlyOnSigterm() throws Exception {
        try (SyncHarness h = SyncHarness.start(200)) {
            Map<String, String> env = JarIT.simulatorEnv(h);
            env.put("INCIDENT_SCHEDULE", "0/2 * * * * ?");
            env.put("INCIDENT_RATE_PER_MINUTE", Integer.toString(1200 * SyncHarness.TIME_SCALE));
            env.put("INCIDENT_RATE_INCIDENTS_PER_MINUTE", Integer.toString(60 * SyncHarness.TIME_SCALE));
            try (JarProcess run = JarProcess.start(dir, env, "run")) {
                run.await(l -> l.contains("succeeded"), 120);
                run.process.destroy();
                int code = run.waitFor(60);
                assertTrue(code == 0 || code == 143, "exit " + code + "\n" + run.output());
            }
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/incident").toAbsolutePath());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM incidents")) {
                rs.next();
                assertEquals(h.simulator.oracle().records("incidents", true).size(), rs.getLong(1));
            }
        }
    }
}
