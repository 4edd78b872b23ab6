package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The simulate command line. */
class SimulateCommandTest {
    @Test
    void parsesEveryFlagIntoTheConfiguration() {
        SimulateCommand.Options options = SimulateCommand.parse(new String[] {"--port", "0", "--incidents", "50",
                "--seed", "9", "--api-key", "abc", "--private-scope", "--latency-ms", "5", "--time-scale", "60",
                "--no-rate-limits", "--fail", "/v2/incidents:3:502", "--unknown-field", "users:nickname:\"x\""}, null);
        assertEquals(0, options.port());
        assertEquals(50, options.config().incidents());
        assertEquals(9, options.config().seed());
        assertEquals(Boolean.TRUE, options.config().keys().get("abc"));
        assertEquals(5, options.config().latencyMillis());
        assertEquals(60.0, options.config().timeScale());
        assertEquals(false, options.config().rateLimits());
        assertEquals(2, options.faults().size());
    }

    @Test
    void takesTheKeyFromTheEnvironmentWhenNoFlagGivesIt() {
        SimulateCommand.Options options = SimulateCommand.parse(new String[] {"--port", "0"}, "from-env");
        assertEquals(Boolean.FALSE, options.config().keys().get("from-env"));
    }

    @Test
    void badArgumentsExitWithTwoAndOneLine() {
        for (String[] args : new String[][] {{"--port", "0"}, {"--api-key", "k", "--incidents", "many"},
                {"--api-key", "k", "--fail", "/v2/incidents"}, {"--api-key", "k", "--bogus", "1"}, {"--api-key"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = SimulateCommand.run(args, null, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, code, String.join(" ", args));
            String text = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.startsWith("simulate: "), text);
        }
    }

    @Test
    void helpPrintsEveryFlag() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, SimulateCommand.run(new String[] {"--help"}, null, new PrintStream(out, true,
                StandardCharsets.UTF_8), System.err));
        for (String flag : new String[] {"--port", "--incidents", "--seed", "--api-key", "--private-scope",
                "--latency-ms", "--time-scale", "--no-rate-limits", "--fail", "--reset", "--slow", "--truncate",
                "--unknown-field"}) {
            assertTrue(out.toString(StandardCharsets.UTF_8).contains(flag), flag);
        }
    }

    @Test
    void rejectsAFaultValueThatIsNotAPathAndANumber() {
        assertThrows(IllegalArgumentException.class,
                () -> SimulateCommand.parse(new String[] {"--api-key", "k", "--reset", "/v2/users:x"}, null));
    }
}
