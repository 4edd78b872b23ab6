package io.incidentsync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidentsync.config.Settings;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A destination that fails on a record quoting the whole record in its exception (as a user's route
 * may: "cannot deliver ${body}"): the command's output (its line, its log) and {@code _sync_runs}
 * name the table, the destination, the record's id and the cause, and hold none of the record's
 * values, its e-mail address least of all, and no stack trace.
 */
class NoRecordDataInErrorsTest {

    @Test
    void aDestinationFailingOnARecordShowsItsIdAndNeverItsData() throws Exception {
        try (SyncHarness h = SyncHarness.start(50)) {
            ObjectNode user = h.simulator.oracle().records("users", true).stream()
                    .filter(u -> u.path("email").asText("").contains("@")).findFirst().orElseThrow();
            String id = user.path("id").asText();
            String email = user.path("email").asText();
            String name = user.path("name").asText();
            Path extra = Files.createDirectories(h.dir.resolve("routes-extra"));
            Files.writeString(extra.resolve("failing.camel.yaml"), """
                    - route:
                        id: failing-destination
                        from:
                          uri: direct:failing
                          steps:
                            - filter:
                                simple: "${header.incidentTable} == 'users' && ${body} contains '%s'"
                                steps:
                                  - throwException:
                                      exceptionType: java.lang.IllegalStateException
                                      message: "cannot deliver ${body}"
                    """.formatted(id));
            Map<String, String> env = new HashMap<>();
            h.overrides(SyncHarness.PRIVATE_KEY).forEach((key, value) -> env.put(Settings.envName(key), value));
            env.put("INCIDENT_STREAMS", "users,severities");
            env.put("INCIDENT_DESTINATIONS", "direct:failing");
            env.put("INCIDENT_ROUTES_EXTRA", extra.toString());
            String output;
            try (JarProcess sync = JarProcess.startFromClasspath(h.dir, env, "sync")) {
                assertEquals(1, sync.waitFor(180), sync.output());
                output = sync.output();
            }
            List<String> lines = output.lines().filter(l -> l.startsWith("users: ")).toList();
            assertTrue(lines.contains("users: the destination direct:failing failed on record " + id
                    + ": IllegalStateException: cannot deliver <record data>; the table keeps its previous rows;"
                    + " fix the destination or take it out of incident.destinations (INCIDENT_DESTINATIONS)"), output);
            assertFalse(output.contains(email), "the e-mail address is in the output:\n" + output);
            assertFalse(output.contains(name), "the user's name is in the output:\n" + output);
            assertFalse(output.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")),
                    "no stack trace for an expected failure:\n" + output);

            List<Object> errors = h.column("SELECT error FROM _sync_runs WHERE table_name = 'users'");
            assertEquals(1, errors.size());
            String error = String.valueOf(errors.get(0));
            assertTrue(error.contains(id) && error.contains("direct:failing"), error);
            assertFalse(error.contains(email) || error.contains(name), error);
            assertEquals(List.of("ok"), h.column("SELECT status FROM _sync_runs WHERE table_name = 'severities'"));
        }
    }
}
