package io.incidentsync;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Where a test finds a server it needs: a system property, else an environment variable. Without
 * either the test is skipped, and reported as skipped, unless -Dincident.test.require-servers=true
 * (as .ci/run sets) makes that a failure.
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

    /** The value of {@code property} or {@code variable}; {@code what} and {@code example} name them in the message. */
    static String required(String property, String variable, String what, String example) {
        String value = System.getProperty(property, "");
        if (value.isBlank()) {
            value = System.getenv().getOrDefault(variable, "");
        }
        if (value.isBlank()) {
            String why = "no " + what + " for this test: set " + variable + ", e.g. " + example + " (see README, Tests)";
            if (Boolean.getBoolean("incident.test.require-servers")) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return value;
    }
}
