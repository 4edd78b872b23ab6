package io.incidentsync;

import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The PostgreSQL server the *Postgres tests need: INCIDENT_TEST_PG_URL (or -Dincident.test.pg.url), a JDBC
 * URL with user. Without it those tests are skipped, and reported as skipped, unless
 * -Dincident.test.require-servers=true (as .ci/run sets) makes that a failure.
 */
final class TestPostgres {

    private TestPostgres() {
    }

    static String url() {
        String url = System.getProperty("incident.test.pg.url", "");
        if (url.isBlank()) {
            url = System.getenv().getOrDefault("INCIDENT_TEST_PG_URL", "");
        }
        if (url.isBlank()) {
            String why = "no PostgreSQL server for this test: set INCIDENT_TEST_PG_URL, e.g. "
                    + "jdbc:postgresql://127.0.0.1:5432/test?user=postgres (see README, Tests)";
            if (Boolean.getBoolean("incident.test.require-servers")) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return url;
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
