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

    

    

    

    /** The rows of incidents in the default H2 file, ./data/incident in the test's directory. */
    private long incidentsInTheDefaultFile() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/incident").toAbsolutePath());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM incidents")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The variables that point a jar process at the harness's simulator, with its key. */
    static Map<String, String> simulatorEnv(SyncHarness h) {
        Map<String, String> env = new HashMap<>();
        env.put("INCIDENT_API_URL", h.simulator.baseUrl());
        env.put("INCIDENT_API_KEY", SyncHarness.PRIVATE_KEY);
        return env;
    }

    static Map<String, Long> counts(String db) throws Exception {
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
}
