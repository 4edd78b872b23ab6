package io.incidentsync;

import io.incidentsync.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API key appears nowhere: not in any log at any level, the summary, the failure lines or the database. */
class SecretsTest {

    static final String KEY = "sk_live_RECOGNISABLE_4f9d2c7e1b8a";

    SyncHarness h;

    @BeforeEach
    void start() throws Exception {
        h = SyncHarness.start(new SimulatorConfig().seed(3).incidents(60).addKey(KEY, true));
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void atTheMostVerboseLoggingTheKeyOccursNowhereInTheOutputOrTheDatabase() throws Exception {
        // failures and retries too, so that error paths log and store their messages
        h.simulator.faults().forbidden("/v2/users", "Read users");
        h.simulator.faults().status("/v2/incidents", 1, 503);
        h.simulator.faults().rateLimitBurst("/v1/severities", 1, 1);
        h.simulator.faults().truncate("/v2/actions", 1);

        // A JVM of its own, started as a user would start the jar: TRACE for every logger from log4j2.properties,
        // the HTTP client's (Apache HttpClient 5) among them.
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", productClassPath(),
                Cli.class.getName(), "sync"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Path output = h.dir.resolve("output.txt");
        builder.redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("INCIDENT_"));
        h.overrides(KEY).forEach((key, value) -> env.put(io.incidentsync.config.Settings.envName(key), value));
        env.put("INCIDENT_LOG_LEVEL", "TRACE");
        env.put("INCIDENT_LOG_ROOT_LEVEL", "TRACE");
        Process process = builder.directory(new File(System.getProperty("user.dir"))).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the sync finished");
        assertEquals(1, process.exitValue(), "users failed for its scope");

        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertTrue(out.contains("TRACE"), "TRACE logging was on");
        assertTrue(out.contains("HttpProducer") && out.contains("Executing http GET method"),
                "Camel HTTP's own logging was on: " + out.lines().filter(l -> l.contains("Http")).limit(20).toList());
        assertTrue(out.contains("InternalHttpClient") || out.contains("MainClientExec") || out.contains("PoolingHttpClientConnectionManager"),
                "the HTTP client's logging was on: " + out.lines().filter(l -> l.contains("hc")).limit(20).toList());
        assertTrue(out.contains("users: ") && out.contains("Read users"), "the failure line was printed: "
                + out.substring(Math.max(0, out.length() - 3000)));
        assertTrue(out.contains("incident_updates"), "the summary was printed");
        assertFalse(out.contains(KEY), "the key is in the output, first at: " + around(out, out.indexOf(KEY)));
        assertFalse(out.contains(KEY.substring(8)), "a part of the key is in the output");

        long cells = 0;
        try (Connection c = h.connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertTrue(tables.stream().anyMatch(t -> t.equalsIgnoreCase("_sync_runs")), tables.toString());
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            String value = rs.getString(i);
                            cells++;
                            assertFalse(value != null && value.contains(KEY), table + " holds the key");
                        }
                    }
                }
            }
        }
        assertTrue(cells > 1000, "looked at only " + cells + " cells");
        assertEquals(1, h.count("SELECT COUNT(*) FROM _sync_runs WHERE status = 'failed' AND error LIKE '%Read users%'"));
        byte[] file = Files.readAllBytes(h.dir.resolve("db.mv.db"));
        assertFalse(new String(file, StandardCharsets.ISO_8859_1).contains(KEY), "the database file holds the key");
    }

    /** The test's class path without the test classes, as the jar would have it (and each routes folder once). */
    /** The runnable jar's contents: the classes, the dependencies, and its log4j2.properties (src/jar). */
    private static String productClassPath() {
        java.util.Set<String> entries = new java.util.LinkedHashSet<>();
        entries.add(Path.of("src", "jar").toAbsolutePath().toString());
        java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes")).forEach(entries::add);
        return String.join(File.pathSeparator, entries);
    }

    private static String around(String text, int at) {
        return at < 0 ? "" : text.substring(Math.max(0, at - 300), Math.min(text.length(), at + 100));
    }
}
