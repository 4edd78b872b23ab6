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

/** The README's commands, run against the packaged jar in a fresh directory. */
class JarIT {

    @TempDir
    Path dir;

    @Test
    void demoSyncsTheSimulatorIntoTheDefaultH2FileAndExitsZero() throws Exception {
        try (JarProcess demo = JarProcess.start(dir, Map.of(), "demo")) {
            assertEquals(0, demo.waitFor(180), demo.output());
            assertTrue(demo.output().contains("incidents"), demo.output());
            assertTrue(demo.output().lines().anyMatch(l -> l.startsWith("total") && l.contains("ok")), demo.output());
        }
        assertTrue(Files.exists(dir.resolve("data/incident.mv.db")), "the H2 file ./data/incident");
        assertEquals(500, incidentsInTheDefaultFile(), "the demo's 500 incidents, every mode and status included");
    }

    @Test
    void demoUsesItsSimulatorEvenWhenTheShellHoldsARealKeyAndApiUrl() throws Exception {
        // what the README's setup leaves in a user's shell; the demo must not take them over its own
        String key = "users-real-key-" + System.nanoTime();
        Map<String, String> env = Map.of("INCIDENT_API_KEY", key, "INCIDENT_API_URL", "http://127.0.0.1:9");
        try (JarProcess demo = JarProcess.start(dir, env, "demo", "--incidents", "40")) {
            assertEquals(0, demo.waitFor(180), demo.output());
            assertTrue(demo.output().lines().anyMatch(l -> l.startsWith("total") && l.contains(" ok ")), demo.output());
            assertFalse(demo.output().contains(key), demo.output());
        }
        assertEquals(40, incidentsInTheDefaultFile());
    }

    @Test
    void benchLeavesTheDatabaseInTheShellsIncidentDbUrlAlone() throws Exception {
        // a user's own synced database, named where the README tells them to name it
        String users = "jdbc:h2:file:" + dir.resolve("users/incident").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(users); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE incidents (id VARCHAR PRIMARY KEY, name VARCHAR)");
            s.execute("INSERT INTO incidents VALUES ('01USERS', 'the user''s real incident')");
        }
        Map<String, String> env = Map.of("INCIDENT_DB_URL", users, "INCIDENT_API_KEY", "users-real-key");
        try (JarProcess bench = JarProcess.start(dir, env, "bench", "--incidents", "40", "--latency-ms", "1",
                "--time-scale", "60", "--write-sample", "10")) {
            assertEquals(0, bench.waitFor(300), bench.output());
            assertTrue(bench.output().contains("into jdbc:h2:file:") && !bench.output().contains(users), bench.output());
            assertTrue(bench.output().lines().anyMatch(l -> l.matches("bench: incidents=40 .* peak_heap_mb=\\d+")),
                    "the machine line, with no write floor unless asked for: " + bench.output());
        }
        try (Connection c = DriverManager.getConnection(users); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(name) FROM incidents")) {
            rs.next();
            assertEquals(1, rs.getLong(1), "the user's table is as it was");
            assertEquals("the user's real incident", rs.getString(2));
        }
        try (Connection c = DriverManager.getConnection(users); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
            rs.next();
            assertEquals(1, rs.getLong(1), "no table of the bench's was written there");
        }
    }

    @Test
    void aPlaceholderOfTheUsersOwnRoutesTakesTheSystemPropertyThenTheEnvironmentThenTheFile() throws Exception {
        Path extra = Files.createDirectories(dir.resolve("extra"));
        Path out = dir.resolve("out");
        Files.writeString(extra.resolve("marker.camel.yaml"), String.join("\n",
                "- route:",
                "    id: marker",
                "    from:",
                "      uri: \"timer:marker?repeatCount=1&delay=0\"",
                "      steps:",
                "        - setBody:",
                "            constant: \"{{my.marker}}\"",
                "        - to: \"file:" + out.toAbsolutePath() + "?fileName=marker.txt\"", ""));
        Files.writeString(dir.resolve("application.properties"), "my.marker = from-file\n");
        try (SyncHarness h = SyncHarness.start(20)) {
            Map<String, String> env = simulatorEnv(h);
            env.put("INCIDENT_STREAMS", "severities");
            env.put("INCIDENT_ROUTES_EXTRA", extra.toString());
            assertEquals("from-file", marker(env, out));
            env.put("MY_MARKER", "from-env");
            assertEquals("from-env", marker(env, out));
            env.put("JAVA_TOOL_OPTIONS", "-Dmy.marker=from-system-property");
            assertEquals("from-system-property", marker(env, out));
        }
    }

    /** Syncs with {@code env} and returns what the marker route wrote. */
    private String marker(Map<String, String> env, Path out) throws Exception {
        Files.deleteIfExists(out.resolve("marker.txt"));
        try (JarProcess sync = JarProcess.start(dir, env, "sync")) {
            assertEquals(0, sync.waitFor(120), sync.output());
        }
        return Files.readString(out.resolve("marker.txt"));
    }

    @Test
    void versionPrintsTheProjectsVersion() throws Exception {
        try (JarProcess version = JarProcess.start(dir, Map.of(), "--version")) {
            assertEquals(0, version.waitFor(60), version.output());
            assertEquals("incident-io-sync " + CliTest.projectVersion(), version.output().strip());
        }
    }

    @Test
    void syncHelpPrintsItsUsageAndSyncsNothing() throws Exception {
        // with a key, so that a sync would start if --help were not taken as help
        try (JarProcess help = JarProcess.start(dir, Map.of("INCIDENT_API_KEY", "a-key",
                "INCIDENT_API_URL", "http://127.0.0.1:9"), "sync", "--help")) {
            assertEquals(0, help.waitFor(60), help.output());
            assertTrue(help.output().startsWith("Usage: java -jar incident-io-sync.jar sync"), help.output());
        }
        assertFalse(Files.exists(dir.resolve("data")), "no database was created");
    }

    @Test
    void anUnknownDemoOptionExitsTwoWithTheDemoUsage() throws Exception {
        try (JarProcess demo = JarProcess.start(dir, Map.of(), "demo", "--bogus")) {
            assertEquals(2, demo.waitFor(60), demo.output());
            assertEquals("demo: unknown option '--bogus'", demo.lines.get(0));
            assertTrue(demo.output().contains("Usage: java -jar incident-io-sync.jar demo"), demo.output());
        }
        assertFalse(Files.exists(dir.resolve("data")), "no database was created");
    }

    @Test
    void syncWithoutAKeyExitsTwoWithOneLineAndCreatesNothing() throws Exception {
        try (JarProcess sync = JarProcess.start(dir, Map.of(), "sync")) {
            assertEquals(2, sync.waitFor(60), sync.output());
            assertTrue(sync.output().contains("configuration error: no API key"), sync.output());
            assertTrue(sync.output().contains("INCIDENT_API_KEY"), sync.output());
        }
        assertFalse(Files.exists(dir.resolve("data")), "no database was created");
    }

    @Test
    void simulateServesAndSyncFromTheJarReplicatesIt() throws Exception {
        Map<String, String> env = new HashMap<>();
        try (JarProcess simulate = JarProcess.start(dir, Map.of(), "simulate", "--port", "0", "--incidents", "300",
                "--seed", "1", "--api-key", "jar-test-key", "--private-scope")) {
            String line = simulate.await(l -> l.startsWith("incident.io simulator listening on "), 60);
            String base = line.substring("incident.io simulator listening on ".length()).trim();
            SimulatorClient.Reply page = SimulatorClient.get(base + "/v2/incidents?page_size=2&mode%5Bone_of%5D=test",
                    "jar-test-key");
            assertEquals(200, page.status());
            assertTrue(page.body().contains("\"mode\":\"test\""), page.body());

            env.put("INCIDENT_API_URL", base);
            env.put("INCIDENT_API_KEY", "jar-test-key");
            try (JarProcess sync = JarProcess.start(dir, env, "sync")) {
                assertEquals(0, sync.waitFor(180), sync.output());
            }
            simulate.process.destroy();
            simulate.waitFor(30);
        }
        assertEquals(300, incidentsInTheDefaultFile());
    }

    @Test
    void syncIntoAnH2FileInAReadOnlyDirectoryExitsOneWithOneLineAndNoStackTrace() throws Exception {
        // a directory only root could write to; the jar runs without privileges (as nobody under root)
        Path base = Files.createTempDirectory(Path.of("/tmp"), "incident-sync-read-only");
        Path readOnly = base.resolve("read-only");
        try {
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path jar = Files.copy(JarProcess.jar(), base.resolve("incident-io-sync.jar"));
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            Files.createDirectory(readOnly);
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
            String url = "jdbc:h2:file:" + readOnly.resolve("db");
            Map<String, String> env = Map.of("INCIDENT_API_KEY", "a-key", "INCIDENT_DB_URL", url);
            try (JarProcess sync = JarProcess.startUnprivileged(base, jar, env, "sync")) {
                assertEquals(1, sync.waitFor(60), sync.output());
                String line = "every table: cannot use the H2 database at " + url + ": the directory " + readOnly
                        + " is not writable by this process; make it writable, or point incident.db.url (INCIDENT_DB_URL) "
                        + "at a directory this process can write";
                assertTrue(sync.output().lines().anyMatch(line::equals), sync.output());
                assertFalse(sync.output().lines().anyMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + sync.output());
                assertFalse(Files.exists(readOnly.resolve("db.mv.db")));
            }
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (var files = Files.walk(base)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void sigtermInTheMiddleOfASyncLeavesThePreviousTablesAsTheyWere() throws Exception {
        try (SyncHarness h = SyncHarness.start(1000)) {
            Map<String, String> env = simulatorEnv(h);
            env.put("INCIDENT_RATE_PER_MINUTE", Integer.toString(1200 * SyncHarness.TIME_SCALE));
            env.put("INCIDENT_RATE_INCIDENTS_PER_MINUTE", Integer.toString(60 * SyncHarness.TIME_SCALE));
            try (JarProcess sync = JarProcess.start(dir, env, "sync")) {
                assertEquals(0, sync.waitFor(180), sync.output());
            }
            String db = "jdbc:h2:file:" + dir.resolve("data/incident").toAbsolutePath();
            Map<String, Long> before = counts(db);

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
            assertEquals(before, counts(db), "no table is half-written");
            assertEquals(h.simulator.oracle().records("incidents", true).size(), before.get("incidents"));
        }
    }

    @Test
    void aSyncProcessCompilesWithC1AloneButForTheStringLoopsUnlessTieredIsConfiguredAndABadValueExitsTwo() throws Exception {
        try (SyncHarness h = SyncHarness.start(200)) {
            Map<String, String> env = simulatorEnv(h);
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

    /** The rows of incidents in the default H2 file, ./data/incident in the test's directory. */
    private long incidentsInTheDefaultFile() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/incident").toAbsolutePath());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM incidents")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The variables that point a jar process at the harness's simulator, with its key. */
    private static Map<String, String> simulatorEnv(SyncHarness h) {
        Map<String, String> env = new HashMap<>();
        env.put("INCIDENT_API_URL", h.simulator.baseUrl());
        env.put("INCIDENT_API_KEY", SyncHarness.PRIVATE_KEY);
        return env;
    }

    private static Map<String, Long> counts(String db) throws Exception {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement()) {
            for (String table : OracleComparison.KEYS.keySet()) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(_sdc_extracted_at) FROM " + table)) {
                    rs.next();
                    out.put(table, rs.getLong(1));
                }
            }
        }
        return out;
    }

    @Test
    void runSyncsOnItsScheduleAndStopsCleanlyOnSigterm() throws Exception {
        try (SyncHarness h = SyncHarness.start(200)) {
            Map<String, String> env = simulatorEnv(h);
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
