package io.incidentsync;

import java.sql.SQLException;

/**
 * The PostgreSQL server the *Postgres tests need: INCIDENT_TEST_PG_URL (or -Dincident.test.pg.url), a JDBC
 * URL with user. Without it those tests are not selected ({@link Destination}, {@link ServerTests}), unless
 * -Dincident.test.require-servers=true (as .ci/run sets) selects them so that they fail.
 */
final class TestPostgres {

    private TestPostgres() {
    }

    /** Whether the tests that need this server run: its URL is set, or servers are required. */
    static boolean selected() {
        return TestServers.selected("incident.test.pg.url", "INCIDENT_TEST_PG_URL");
    }

    static String url() {
        return TestServers.required("incident.test.pg.url", "INCIDENT_TEST_PG_URL", "PostgreSQL server",
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    /** A new, empty schema on the test server, as a JDBC URL whose connections use it; dropped when the test JVM ends. */
    static String freshSchemaUrl() throws SQLException {
        String base = url();
        String schema = TestServers.fresh(base, "CREATE SCHEMA %s", "DROP SCHEMA IF EXISTS %s CASCADE");
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
