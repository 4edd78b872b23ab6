package io.incidentsync;

import java.sql.SQLException;

/**
 * The MariaDB (or MySQL) server the *MariaDb tests need: INCIDENT_TEST_MARIADB_URL (or
 * -Dincident.test.mariadb.url), a JDBC URL with user and a database, e.g.
 * jdbc:mariadb://127.0.0.1:3306/test?user=root. Without it those tests are not selected ({@link Destination},
 * {@link ServerTests}), unless -Dincident.test.require-servers=true (as .ci/run sets) selects them so that they fail.
 */
final class TestMariaDb {

    private TestMariaDb() {
    }

    /** Whether the tests that need this server run: its URL is set, or servers are required. */
    static boolean selected() {
        return TestServers.selected("incident.test.mariadb.url", "INCIDENT_TEST_MARIADB_URL");
    }

    static String url() {
        return TestServers.required("incident.test.mariadb.url", "INCIDENT_TEST_MARIADB_URL", "MariaDB server",
                "jdbc:mariadb://127.0.0.1:3306/test?user=root");
    }

    /**
     * A new, empty database on the test server, as the same URL naming it instead; dropped by
     * {@link #drop}, or when the test JVM ends.
     */
    static String freshDatabaseUrl() throws SQLException {
        String base = url();
        String database = TestServers.fresh(base, "CREATE DATABASE %s CHARACTER SET utf8mb4", "DROP DATABASE IF EXISTS %s");
        return base.replaceFirst("^(jdbc:[a-z]+://[^/?]+)(/[^?]*)?", "$1/" + database);
    }

    /** Drops the database a {@link #freshDatabaseUrl} URL names; never throws. */
    static void drop(String url) {
        TestServers.drop(url.replaceFirst("^jdbc:[a-z]+://[^/?]+/([^?]*).*$", "$1"));
    }
}
