package io.incidentsync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Errors a retry cannot fix: one line each, naming the table, the cause and the fix, and no retry spent on them. */
class ErrorLinesTest {

    SyncHarness h;

    @BeforeEach
    void start() throws Exception {
        // what these errors are about does not depend on the account's size: one page of everything
        h = SyncHarness.start(50);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void aWrongKeyGivesOneUnauthorizedLineForEveryTableAndExitsOneWithoutRetrying() throws Exception {
        assertEquals(1, h.syncCommand(h.overrides("not-a-key-of-this-account")));

        List<String> lines = h.lastErr.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one cause, one line:\n" + h.lastErr);
        String line = lines.get(0);
        assertTrue(line.startsWith("every table: ") && line.contains("401") && line.contains("wrong or revoked"), line);
        assertTrue(line.contains("https://app.incident.io/settings/api-keys") && line.contains("INCIDENT_API_KEY"), line);
        assertTrue(h.lastOut.lines().filter(l -> l.contains("FAILED")).count() > OracleComparison.KEYS.size(),
                "the summary still lists each table as failed:\n" + h.lastOut);
        assertEquals(OracleComparison.KEYS.size(), h.simulator.totalRequests(), "one request per table, none retried");
    }

    @Test
    void anUnreachableApiFailsEveryTableWithALineNamingTheUrlAndKeepsTheirRows() throws Exception {
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Map<String, Map<String, Object>> before = h.rows("incidents", "id");
        Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
        // nothing listens on port 1 of the loopback address
        settings.put("incident.api.url", "http://127.0.0.1:1");
        settings.put("incident.http.max-attempts", "3");
        assertEquals(1, h.syncCommand(settings));

        List<String> lines = h.lastErr.lines().filter(l -> !l.isBlank()).toList();
        for (String line : lines) {
            assertTrue(line.contains("http://127.0.0.1:1") && line.contains("incident.api.url"), line);
        }
        // the tables that tried name their request; once the host proved unreachable, the tables
        // still queued fail at once, with one line between them
        List<String> stopped = lines.stream().filter(l -> l.contains(": stopped: ")).toList();
        assertEquals(1, stopped.size(), h.lastErr);
        assertTrue(stopped.get(0).split(": stopped")[0].split(", ").length >= OracleComparison.KEYS.size() - 4,
                stopped.get(0));
        assertTrue(lines.size() <= 5, "at most the tables running at once, and the queued ones together:\n" + h.lastErr);
        List<String> named = new java.util.ArrayList<>();
        lines.forEach(l -> named.addAll(List.of(l.substring(0, l.indexOf(": ")).split(", "))));
        assertEquals(new java.util.ArrayList<>(new TreeSet<>(OracleComparison.KEYS.keySet())),
                named.stream().sorted().toList(), "every table is named once");
        assertEquals(before, h.rows("incidents", "id"), "the stored rows are kept");
    }

    @Test
    void aKeyWithoutAScopeGivesTheForbiddenLineNamingTheScopeAndFailsOnlyThatTable() throws Exception {
        h.simulator.faults().forbidden("/v2/users", "Read users");
        h.settings.put("incident.streams", "incidents,users,severities");
        assertEquals(1, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)));

        List<String> lines = h.lastErr.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), h.lastErr);
        String line = lines.get(0);
        assertTrue(line.startsWith("users: ") && line.contains("403"), line);
        assertTrue(line.contains("lacks the scope 'Read users'"), "names the scope from the body: " + line);
        assertTrue(line.contains("incident.streams"), "says the table can be left out: " + line);
        assertEquals(1, h.simulator.requests("/v2/users"), "not retried");
        OracleComparison.assertTableEquals(h, "incidents", true);
        OracleComparison.assertTableEquals(h, "severities", true);
    }

    @Test
    void aValidationErrorGivesTheApisOwnMessageWithoutRetrying() throws Exception {
        h.simulator.faults().status("/v2/follow_ups", 1, 422);
        h.settings.put("incident.streams", "follow_ups,users");
        assertEquals(1, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)));

        List<String> lines = h.lastErr.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), h.lastErr);
        assertTrue(lines.get(0).startsWith("follow_ups: the API rejected GET /v2/follow_ups?incident_mode=standard (422"), lines.get(0));
        assertTrue(lines.get(0).endsWith("The server could not answer; try again"), "the API's message: " + lines.get(0));
        assertEquals(1, h.simulator.requests("/v2/follow_ups"), "not retried");
    }

    @Test
    void aListingWhoseParentVanishedBetweenTwoCallsIsSkippedNotFatal() throws Exception {
        // the options of the second custom field: it was deleted after the custom fields were listed
        h.simulator.faults().status("/v1/custom_field_options", 2, 404);
        h.settings.put("incident.streams", "custom_fields,custom_field_options");
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);

        String vanished = h.simulator.oracle().records("custom_fields", true).get(1).path("id").asText();
        Set<String> expected = new TreeSet<>();
        for (ObjectNode option : h.simulator.oracle().records("custom_field_options", true)) {
            if (!option.path("custom_field_id").asText().equals(vanished)) {
                expected.add(option.path("id").asText() + "|" + option.path("custom_field_id").asText());
            }
        }
        Map<String, Map<String, Object>> rows = h.rows("custom_field_options", "id", "custom_field_id");
        assertEquals(expected, new TreeSet<>(rows.keySet()), "every option but the vanished field's");
        assertTrue(expected.size() < h.simulator.oracle().records("custom_field_options", true).size());
        OracleComparison.assertTableEquals(h, "custom_fields", true);
    }

    @Test
    void anUnreachableDatabaseGivesALineWithItsUrlButNotItsPassword() throws Exception {
        Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
        // nothing listens on port 1
        settings.put("incident.db.url", "jdbc:postgresql://127.0.0.1:1/incidents?user=sync&password=hunter2-db-secret");
        assertEquals(1, h.syncCommand(settings));

        List<String> lines = h.lastErr.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one cause, one line:\n" + h.lastErr);
        assertTrue(lines.get(0).startsWith("every table: cannot reach the database at "
                + "jdbc:postgresql://127.0.0.1:1/incidents?user=sync&password=***"), lines.get(0));
        assertEquals(0, h.simulator.totalRequests(), "no table asked the API for anything");
        assertTrue(lines.get(0).contains("INCIDENT_DB_URL"), lines.get(0));
        assertFalse((h.lastOut + h.lastErr).contains("hunter2"), "the password is masked everywhere");
    }

    @Test
    void anH2UrlUnderAFileGivesOneLineNamingThePathAndNoStackTrace() throws Exception {
        Path file = Files.createFile(h.dir.resolve("not-a-directory"));
        String url = "jdbc:h2:file:" + file.resolve("db");

        String printed = syncPrinting(url);

        assertEquals(List.of("every table: cannot use the H2 database at " + url + ": " + file
                + " is a file, not a directory; point incident.db.url (INCIDENT_DB_URL) at a directory this process can write"),
                h.lastErr.lines().filter(l -> !l.isBlank()).toList());
        assertFalse(printed.lines().anyMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + printed);
        assertEquals(0, h.simulator.totalRequests(), "no table asked the API for anything");
    }

    /**
     * Runs the sync command into this database and returns what was printed straight to the process's
     * standard error meanwhile (by the database driver, say) besides the command's own lines; expects exit 1.
     */
    private String syncPrinting(String url) throws Exception {
        Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
        settings.put("incident.db.url", url);
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertEquals(1, h.syncCommand(settings), h.lastErr);
        } finally {
            System.setErr(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
