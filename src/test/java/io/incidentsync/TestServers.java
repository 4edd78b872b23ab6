package io.incidentsync;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Where a test finds a server it needs: a system property, else an environment variable. Without
 * either, the tests that need it are not selected ({@link ServerTests}, {@link Destination}), unless
 * -Dincident.test.require-servers=true (as .ci/run sets) selects them so that they fail naming the setting.
 */
final class TestServers {

    /**
     * The PostgreSQL server the PostgreSQL variants of the database tests need: a JDBC URL with user, e.g.
     * jdbc:postgresql://127.0.0.1:5432/test?user=postgres.
     */
    static final Server POSTGRES = new Server("incident.test.pg.url", "INCIDENT_TEST_PG_URL", "PostgreSQL server",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    /**
     * The MariaDB (or MySQL) server the MariaDB variants need: a JDBC URL with user and a database, e.g.
     * jdbc:mariadb://127.0.0.1:3306/test?user=root.
     */
    static final Server MARIADB = new Server("incident.test.mariadb.url", "INCIDENT_TEST_MARIADB_URL", "MariaDB server",
            "jdbc:mariadb://127.0.0.1:3306/test?user=root");

    /** What the tests made on a server (a schema, a database) by name, with the URL and statement that drop it. */
    private static final java.util.Map<String, String[]> MADE = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> MADE.keySet().forEach(TestServers::drop)));
    }

    private TestServers() {
    }

    /**
     * A new {@code t_...} name, made on the server at {@code url} by {@code create} (a format taking the
     * name) and dropped by {@code drop} when the test JVM ends, or earlier by {@link #drop}.
     */
    static String fresh(String url, String create, String drop) throws java.sql.SQLException {
        String name = "t_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement s = c.createStatement()) {
            s.execute(String.format(create, name));
        }
        MADE.put(name, new String[] {url, String.format(drop, name)});
        return name;
    }

    /** A new, empty schema on the PostgreSQL test server, as a JDBC URL whose connections use it; dropped when the test JVM ends. */
    static String freshPostgresSchemaUrl() throws java.sql.SQLException {
        String base = POSTGRES.url();
        String schema = fresh(base, "CREATE SCHEMA %s", "DROP SCHEMA IF EXISTS %s CASCADE");
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /**
     * A new, empty database on the MariaDB test server, as the same URL naming it instead; dropped by
     * {@link #dropMariaDbDatabase}, or when the test JVM ends.
     */
    static String freshMariaDbDatabaseUrl() throws java.sql.SQLException {
        String base = MARIADB.url();
        String database = fresh(base, "CREATE DATABASE %s CHARACTER SET utf8mb4", "DROP DATABASE IF EXISTS %s");
        return base.replaceFirst("^(jdbc:[a-z]+://[^/?]+)(/[^?]*)?", "$1/" + database);
    }

    /** Drops the database a {@link #freshMariaDbDatabaseUrl} URL names; never throws. */
    static void dropMariaDbDatabase(String url) {
        drop(url.replaceFirst("^jdbc:[a-z]+://[^/?]+/([^?]*).*$", "$1"));
    }

    /** Drops what {@link #fresh} made under this name, if it is still there; never throws. */
    static void drop(String name) {
        String[] how = MADE.remove(name);
        if (how == null) {
            return;
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(how[0]); java.sql.Statement s = c.createStatement()) {
            s.execute(how[1]);
        } catch (java.sql.SQLException e) {
            System.err.println("could not drop the test's " + name + ": " + e.getMessage());
        }
    }

    /** Whether a missing server fails its tests (-Dincident.test.require-servers=true, as .ci/run sets). */
    static boolean serversRequired() {
        return Boolean.getBoolean("incident.test.require-servers");
    }

    /** The value of {@code property}, else of {@code variable}; blank when neither is set. */
    static String value(String property, String variable) {
        String value = System.getProperty(property, "");
        return value.isBlank() ? System.getenv().getOrDefault(variable, "") : value;
    }

    /**
     * A server some tests need, named by a system property or an environment variable holding its URL;
     * {@code what} and {@code example} name it in the message of a test that needs it and finds it unset.
     */
    record Server(String property, String variable, String what, String example) {

        /** Whether the tests that need this server run: it is set, or servers are required (and a missing one fails). */
        boolean selected() {
            return serversRequired() || !value(property, variable).isBlank();
        }

        /** Its URL; fails the test when it is not set. */
        String url() {
            String value = value(property, variable);
            if (value.isBlank()) {
                fail("no " + what + " for this test: set " + variable + " (or -D" + property + "), e.g. " + example
                        + " (see README, Tests)");
            }
            return value.trim();
        }
    }
}
