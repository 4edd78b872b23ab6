package io.incidentsync;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Where a test finds a server it needs: a system property, else an environment variable. Without
 * either the test is skipped, and reported as skipped, unless -Dincident.test.require-servers=true
 * (as .ci/run sets) makes that a failure.
 */
final class TestServers {

    private TestServers() {
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
