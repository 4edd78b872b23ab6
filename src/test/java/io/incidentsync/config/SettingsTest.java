package io.incidentsync.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each configuration mistake gets one line that names the key, its variable and the fix. */
class SettingsTest {

    private static List<String> problems(Map<String, String> values) {
        return new Settings(values::get).validate();
    }

    private static Map<String, String> good() {
        Map<String, String> values = new HashMap<>();
        values.put("incident.api.key", "a-key");
        return values;
    }

    @Test
    void theDefaultsWithAKeyAreValid() {
        assertEquals(List.of(), problems(good()));
    }

    @Test
    void aColumnToLeaveOutMustBeTableDotColumnOfOneOfOurTables() {
        Map<String, String> values = good();
        values.put("incident.columns.exclude", "users.email, incidents__incident_role_assignments.assignee__email,"
                + "incidentz.email,incidents");
        List<String> problems = problems(values);
        assertEquals(2, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).startsWith("'incidentz.email' in incident.columns.exclude (INCIDENT_COLUMNS_EXCLUDE) names no table"),
                problems.get(0));
        assertTrue(problems.get(1).startsWith("'incidents' in incident.columns.exclude (INCIDENT_COLUMNS_EXCLUDE) is not table.column"),
                problems.get(1));
    }

    @Test
    void everyMistakeIsOneLineNamingItsVariable() {
        List<String> problems = problems(Map.of(
                "incident.api.url", "api.incident.io",
                "incident.db.url", "jdbc:oracle:thin:@//db:1521/x?password=hunter2",
                "incident.streams", "incidents,incidentz",
                "incident.sync.concurrency", "four",
                "incident.rate.window-seconds", "0"));
        assertEquals(6, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).contains("INCIDENT_API_KEY"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("INCIDENT_API_URL") && p.contains("api.incident.io")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("INCIDENT_DB_URL") && p.contains("password=***")));
        assertTrue(problems.stream().noneMatch(p -> p.contains("hunter2")), "the password is masked");
        assertTrue(problems.stream().anyMatch(p -> p.contains("incidentz") && p.contains("INCIDENT_STREAMS")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("four") && p.contains("INCIDENT_SYNC_CONCURRENCY")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("'0'") && p.contains("INCIDENT_RATE_WINDOW_SECONDS")));
    }

    @Test
    void clusteringNeedsAPostgresDestination() {
        Map<String, String> values = good();
        values.put("incident.cluster.enabled", "true");
        assertTrue(problems(values).stream().anyMatch(p -> p.contains("INCIDENT_CLUSTER_ENABLED") || p.contains("PostgreSQL")));
        values.put("incident.db.url", "jdbc:postgresql://localhost/db");
        assertEquals(List.of(), problems(values));
    }

    @Test
    void environmentVariableNamesFollowTheKeys() {
        assertEquals("INCIDENT_HTTP_MAX_ATTEMPTS", Settings.envName("incident.http.max-attempts"));
        assertEquals("INCIDENT_API_KEY", Settings.envName("incident.api.key"));
    }
}
