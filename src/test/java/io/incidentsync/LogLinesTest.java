package io.incidentsync;

import io.incidentsync.cli.Application;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidentsync.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the command's log says while it syncs, in a JVM of its own with the jar's logging: a progress
 * line for a table still running, one WARN line for each retry, the start line of {@code run}, and
 * the JSON layout.
 */
class LogLinesTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** The variables of a sync of {@code streams} from the harness's simulator with the private key. */
    private static Map<String, String> env(SyncHarness h, String streams) {
        Map<String, String> env = new HashMap<>();
        h.overrides(SyncHarness.PRIVATE_KEY).forEach((key, value) -> env.put(Settings.envName(key), value));
        env.put("INCIDENT_STREAMS", streams);
        return env;
    }

    /** 300 incidents (two pages), the second answering 503 once and then slow. */
    private static Map<String, String> slowSync(SyncHarness h) {
        h.simulator.faults().status("/v2/incidents", 2, 503);
        h.simulator.faults().slow("/v2/incidents", 3, 3000);
        Map<String, String> env = env(h, "incidents");
        env.put("INCIDENT_LOG_PROGRESS_SECONDS", "1");
        return env;
    }

    /** Runs `sync` as its own process with these variables, which must exit 0; its output. */
    private static String syncProcess(SyncHarness h, Map<String, String> env) throws Exception {
        try (JarProcess sync = JarProcess.startFromClasspath(h.dir, env, "sync")) {
            assertEquals(0, sync.waitFor(180), sync.output());
            return sync.output();
        }
    }

    @Test
    void aTableStillRunningLogsItsProgressAndEachRetryOneWarnLine() throws Exception {
        try (SyncHarness h = SyncHarness.start(300)) {
            String output = syncProcess(h, slowSync(h));
            List<String> progress = output.lines().filter(l -> l.contains("IncidentSync - incidents: running ")).toList();
            assertFalse(progress.isEmpty(), "no progress line:\n" + output);
            assertTrue(progress.stream().allMatch(l -> l.matches(".* INFO .*incidents: running \\d+ s: [\\d,]+ records read, "
                    + "[\\d,]+ pages, [\\d,]+ requests, [\\d,]+ retries, [\\d,]+ records/s.*")), progress.toString());
            List<String> retries = output.lines().filter(l -> l.contains(" WARN ") && l.contains("attempt 2 of 4")).toList();
            assertEquals(1, retries.size(), "one WARN line for the one retry:\n" + output);
            assertTrue(retries.get(0).contains("incidents: GET /v2/incidents") && retries.get(0).contains("HTTP 503")
                    && retries.get(0).contains("(backoff, give or take a quarter)"), retries.get(0));
        }
    }

    @Test
    void aGermanMachineWritesTheSameNumbersAsAnyOther() throws Exception {
        try (SyncHarness h = SyncHarness.start(30)) {
            Map<String, String> env = env(h, "incidents,users,severities");
            // the machine's locale, as a German one is set: decimal comma, dotted thousands
            env.put("JAVA_TOOL_OPTIONS", "-Duser.language=de -Duser.country=DE");
            String output = syncProcess(h, env);
            List<String> finished = output.lines().filter(l -> l.contains(": finished: ")).toList();
            assertEquals(3, finished.size(), output);
            assertTrue(finished.stream().allMatch(l -> l.matches(".*, \\d+\\.\\d s$")), "seconds with a dot: " + finished);
            List<String> summary = output.lines().filter(l -> l.matches("^(incidents|users|severities|total) +(ok|FAILED) .*"))
                    .toList();
            // the summary, in the log's last line and on standard output: each table's line and the total
            assertEquals(8, summary.size(), output);
            assertTrue(summary.stream().allMatch(l -> l.matches(".* \\d+\\.\\d$")), "the seconds column with a dot: " + summary);
            assertFalse(output.lines().anyMatch(l -> l.matches(".*\\d,\\d s\\b.*")), "no decimal comma:\n" + output);
        }
    }

    @Test
    void theJsonLayoutWritesEveryLogLineAsOneJsonObject() throws Exception {
        try (SyncHarness h = SyncHarness.start(300)) {
            Map<String, String> env = slowSync(h);
            env.put("INCIDENT_LOG_FORMAT", "json");
            String output = syncProcess(h, env);
            // the summary table goes to standard output as text; every log line is JSON
            List<String> json = output.lines().filter(l -> l.startsWith("{")).toList();
            assertTrue(json.size() > 5, output);
            for (String line : json) {
                JsonNode event = MAPPER.readTree(line);
                for (String field : List.of("time", "level", "thread", "logger", "message", "exception")) {
                    assertTrue(event.has(field), field + " in " + line);
                }
            }
            assertTrue(json.stream().map(l -> {
                try {
                    return MAPPER.readTree(l).path("message").asText();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).anyMatch(m -> m.startsWith("incidents: finished: 300 rows")), output);
            assertFalse(output.lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")), "no text log line:\n" + output);
        }
    }

    @Test
    void anUnknownLogFormatExitsTwoWithOneLine() throws Exception {
        try (SyncHarness h = SyncHarness.start(10)) {
            Map<String, String> env = slowSync(h);
            env.put("INCIDENT_LOG_FORMAT", "xml");
            try (JarProcess sync = JarProcess.startFromClasspath(h.dir, env, "sync")) {
                assertEquals(2, sync.waitFor(60), sync.output());
                assertEquals("configuration error: 'xml' is neither text nor json for INCIDENT_LOG_FORMAT (incident.log.format)",
                        sync.output().strip());
            }
        }
    }

    @Test
    void runSaysWhereWhatWhenAndThePortWithThePasswordMasked() {
        Map<String, String> values = new HashMap<>();
        values.put("incident.api.key", "k");
        values.put("incident.db.url", "jdbc:postgresql://db.example.com:5432/analytics?user=sync&password=hunter2");
        values.put("incident.streams", "incidents,users");
        String line = Application.startLine(new Application(values).settings(), "0 0/15 * * * ?", 8080);
        assertTrue(line.startsWith("run: syncing 2 table(s) (incidents,users) from https://api.incident.io into "
                + "jdbc:postgresql://db.example.com:5432/analytics?user=sync&password=*** on schedule '0 0/15 * * * ?', next at "), line);
        assertTrue(line.matches(".*next at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:00)?(Z|[+-]\\d\\d:\\d\\d); health and metrics on "
                + "http://0\\.0\\.0\\.0:8080/observe/health and /observe/metrics; webhooks are off \\(set "
                + "incident\\.webhook\\.secret, INCIDENT_WEBHOOK_SECRET, to receive them\\)"), line);
        assertFalse(line.contains("hunter2"));

        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString("a webhook secret of 32 bytes...".getBytes());
        values.put("incident.webhook.secret", secret);
        String on = Application.startLine(new Application(values).settings(), "0 0/15 * * * ?", 8080);
        assertTrue(on.endsWith("; webhooks on http://0.0.0.0:8080/webhooks/incident-io"), on);
        assertFalse(on.contains(secret.substring(6, 16)), "never the secret");
    }
}
