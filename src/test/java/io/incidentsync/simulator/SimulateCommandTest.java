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
    void parsesTheClockAndWebhookFlags() {
        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]);
        SimulateCommand.Options options = SimulateCommand.parse(new String[] {"--api-key", "k", "--change-every",
                "0.25", "--change-limit", "12", "--webhook-url", "http://127.0.0.1:9000/hooks", "--webhook-secret",
                secret}, null);
        assertEquals(java.time.Duration.ofMillis(250), options.config().changeEvery());
        assertEquals(12, options.config().changeLimit());
        assertEquals("http://127.0.0.1:9000/hooks", options.config().webhookUrl());
        assertEquals(secret, options.config().webhookSecret());
        SimulateCommand.Options plain = SimulateCommand.parse(new String[] {"--api-key", "k"}, null);
        assertEquals(null, plain.config().changeEvery());
        assertEquals(null, plain.config().webhookUrl());
    }

    @Test
    void badClockAndWebhookValuesAreRefusedNamingTheOptionButNotTheSecret() {
        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]);
        for (String[] args : new String[][] {{"--api-key", "k", "--change-every", "0"},
                {"--api-key", "k", "--change-every", "-1"}, {"--api-key", "k", "--change-every", "soon"},
                {"--api-key", "k", "--change-limit", "0"},
                {"--api-key", "k", "--webhook-url", "http://127.0.0.1:9/x"},
                {"--api-key", "k", "--webhook-secret", secret},
                {"--api-key", "k", "--webhook-url", "ftp://x/y", "--webhook-secret", secret},
                {"--api-key", "k", "--webhook-secret", "hunter2-plain", "--webhook-url", "http://127.0.0.1:9/x"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SimulateCommand.parse(args, null), String.join(" ", args));
            assertTrue(e.getMessage().contains(args[2]), String.join(" ", args) + ": " + e.getMessage());
            assertTrue(!e.getMessage().contains("hunter2") && !e.getMessage().contains(secret), e.getMessage());
        }
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
