package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The simulate command line, as parsed; CliTest runs it as the jar does (--help, bad usage). */
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
    void faultFlagsRepeatAndTheLastOfAnyOtherOptionWins() {
        SimulateCommand.Options options = SimulateCommand.parse(new String[] {"--api-key", "a", "--port", "1",
                "--fail", "/v2/incidents:1:502", "--reset", "/v2/users:2", "--fail", "/v2/incidents:2:503",
                "--port=0", "--api-key", "b"}, null);
        assertEquals(0, options.port());
        assertEquals(Set.of("b"), options.config().keys().keySet());
        assertEquals(3, options.faults().size());
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        for (String[] args : new String[][] {{"--port", "0"}, {"--api-key", "k", "--incidents", "many"},
                {"--api-key", "k", "--incidents", "0"}, {"--api-key", "k", "--port", "65536"},
                {"--api-key", "k", "--time-scale", "0"}, {"--api-key", "k", "--fail", "/v2/incidents"},
                {"--api-key", "k", "--fail", "/v2/incidents:1:200"}, {"--api-key"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SimulateCommand.parse(args, null), String.join(" ", args));
            String option = args.length > 2 ? args[2] : "--api-key";
            assertTrue(e.getMessage().contains(option), String.join(" ", args) + ": " + e.getMessage());
        }
    }

    @Test
    void rejectsAFaultValueThatIsNotAPathAndANumber() {
        assertThrows(IllegalArgumentException.class,
                () -> SimulateCommand.parse(new String[] {"--api-key", "k", "--reset", "/v2/users:x"}, null));
    }
}
