package io.incidentsync;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Where a test finds a server it needs: a system property, else an environment variable. Without
 * either, the tests that need it are not selected ({@link ServerTests}, {@link Destination}), unless
 * -Dincident.test.require-servers=true (as .ci/run sets) selects them so that they fail naming the setting.
 */
final class TestServers {

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

    /** Whether the tests that need this server run: it is set, or servers are required (and a missing one fails). */
    static boolean selected(String property, String variable) {
        return serversRequired() || !value(property, variable).isBlank();
    }

    /** The value of {@code property} or {@code variable}; {@code what} and {@code example} name them in the message. */
    static String required(String property, String variable, String what, String example) {
        String value = value(property, variable);
        if (value.isBlank()) {
            fail("no " + what + " for this test: set " + variable + ", e.g. " + example + " (see README, Tests)");
        }
        return value;
    }
}
