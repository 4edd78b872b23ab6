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

    private TestPostgres() {
    }

    static String url() {
        return TestServers.required("incident.test.pg.url", "INCIDENT_TEST_PG_URL", "PostgreSQL server",
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    /** A new, empty schema on the test server, as a JDBC URL whose connections use it. */
    static String freshSchemaUrl() throws SQLException {
        String base = url();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
