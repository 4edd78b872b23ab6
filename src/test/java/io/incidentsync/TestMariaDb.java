package io.incidentsync;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The MariaDB (or MySQL) server the *MariaDb tests need: INCIDENT_TEST_MARIADB_URL (or
 * -Dincident.test.mariadb.url), a JDBC URL with user and a database, e.g.
 * jdbc:mariadb://127.0.0.1:3306/test?user=root. Without it those tests are skipped, and reported as
 * skipped, unless -Dincident.test.require-servers=true (as .ci/run sets) makes that a failure.
 */
final class TestMariaDb {

    /** The databases made for this test run, dropped when the test JVM ends. */
    private static final java.util.Set<String> MADE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> MADE.forEach(TestMariaDb::drop)));
    }

    private TestMariaDb() {
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
        String database = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        }
        String url = base.replaceFirst("^(jdbc:[a-z]+://[^/?]+)(/[^?]*)?", "$1/" + database);
        MADE.add(url);
        return url;
    }

    /** Drops the database a {@link #freshDatabaseUrl} URL names; never throws. */
    static void drop(String url) {
        String database = url.replaceFirst("^jdbc:[a-z]+://[^/?]+/([^?]*).*$", "$1");
        if (!database.startsWith("t_")) {
            return;
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            MADE.remove(url);
        } catch (SQLException e) {
            System.err.println("could not drop the test database " + database + ": " + e.getMessage());
        }
    }
}
