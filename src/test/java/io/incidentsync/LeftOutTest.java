package io.incidentsync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets stay at incident.io, and what a user leaves out stays out: alert_sources.secret_token, and the columns
 * incident.columns.exclude names, are in no table, no column, no JSON column and no destination's message.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class LeftOutTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    @Test
    void theSecretTokenAndTheColumnsLeftOutAreWrittenNowhere() throws Exception {
        try (SyncHarness h = db.harness(40)) {
            Path files = Files.createDirectories(h.dir.resolve("out"));
            Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
            settings.put("incident.streams", "alert_sources,incidents,users");
            settings.put("incident.columns.exclude", "users.email, incidents.creator__user__email,"
                    + "incidents.creator__api_key__created_by__email,incidents__incident_role_assignments.assignee__email");
            settings.put("incident.destinations", "file:" + files.toAbsolutePath()
                    + "?fileName=${header.incidentTable}.json&fileExist=Append");
            assertEquals(0, h.syncCommand(settings), h.lastErr);

            List<String> secrets = new ArrayList<>();
            for (ObjectNode source : h.simulator.oracle().records("alert_sources", true)) {
                if (source.hasNonNull("secret_token")) {
                    secrets.add(source.get("secret_token").asText());
                }
            }
            List<String> emails = h.simulator.oracle().records("users", true).stream()
                    .map(u -> u.path("email").asText()).filter(e -> !e.isEmpty()).toList();
            assertFalse(secrets.isEmpty(), "the account has alert sources with a secret token");
            assertTrue(emails.size() > 10, "the account's users have e-mail addresses");

            // every value of every table the sync made, as text
            int values = 0;
            try (Connection c = h.connect()) {
                for (String table : h.tables()) {
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                        ResultSetMetaData meta = rs.getMetaData();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            String column = meta.getColumnName(i).toLowerCase(java.util.Locale.ROOT);
                            assertFalse(column.equals("secret_token") || column.equals("email") && table.equals("users")
                                    || column.endsWith("__email") && !table.equals("alert_sources"),
                                    table + "." + column + " is left out, so it has no column");
                        }
                        while (rs.next()) {
                            for (int i = 1; i <= meta.getColumnCount(); i++) {
                                String value = rs.getString(i);
                                if (value != null) {
                                    values++;
                                    assertNoneIn(value, secrets, emails, table + "." + meta.getColumnName(i));
                                }
                            }
                        }
                    }
                }
            }
            assertTrue(values > 1000, "read " + values + " values");
            assertTrue(h.count("SELECT COUNT(*) FROM incidents") > 0);
            assertEquals(h.simulator.oracle().records("alert_sources", true).size(), h.count("SELECT COUNT(*) FROM alert_sources"),
                    "every alert source is there, without its token");

            // the destination's messages
            List<Path> written;
            try (Stream<Path> list = Files.list(files)) {
                written = list.toList();
            }
            assertEquals(3, written.size(), written.toString());
            for (Path file : written) {
                assertNoneIn(Files.readString(file, StandardCharsets.UTF_8), secrets, emails, file.getFileName().toString());
            }
        }
    }

    private static void assertNoneIn(String text, List<String> secrets, List<String> emails, String where) {
        for (String secret : secrets) {
            assertFalse(text.contains(secret), where + " holds an alert source's secret token");
        }
        for (String email : emails) {
            assertFalse(text.contains(email), where + " holds " + email + ", which was left out");
        }
    }
}
