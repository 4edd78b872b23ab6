package io.incidentsync;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The PostgreSQL server the *Postgres tests need: INCIDENT_TEST_PG_URL (or -Dincident.test.pg.url), a JDBC
 * URL with user. Without it those tests are skipped, and reported as skipped, unless
 * -Dincident.test.require-servers=true (as .ci/run sets) makes that a failure.
 */
final class TestPostgres {

    /** The schemas made for this test run, dropped when the test JVM ends. */
    private static final java.util.Set<String> MADE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (MADE.isEmpty()) {
                return;
            }
            try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
                for (String schema : MADE) {
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            } catch (SQLException e) {
                System.err.println("could not drop the test schemas " + MADE + ": " + e.getMessage());
            }
        }));
    }

    private TestPostgres() {
    }

    static String url() {
        return TestServers.required("incident.test.pg.url", "INCIDENT_TEST_PG_URL", "PostgreSQL server",
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    /** A new, empty schema on the test server, as a JDBC URL whose connections use it; dropped when the test JVM ends. */
    static String freshSchemaUrl() throws SQLException {
        String base = url();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        MADE.add(schema);
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
