package io.incidentsync;

import io.incidentsync.cli.JitChoice;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which compiler each command line asks for (the jar's own process only; see JarIT for the JVM's side). */
class JitChoiceTest {

    @Test
    void aOneSyncCommandUsesC1AloneAndEveryOtherTheJvmsDefault() {
        assertEquals("c1", JitChoice.mode(new String[] {"sync"}, null));
        assertEquals("c1", JitChoice.mode(new String[] {"sync", "--full"}, null));
        assertEquals("c1", JitChoice.mode(new String[] {"demo", "--incidents", "50"}, null));
        assertEquals("c1", JitChoice.mode(new String[] {"bench", "--incidents", "20000"}, ""));
        assertEquals("tiered", JitChoice.mode(new String[] {"run"}, null));
        assertEquals("tiered", JitChoice.mode(new String[] {}, null), "no command runs run");
        assertEquals("tiered", JitChoice.mode(new String[] {"simulate", "--port", "8081"}, null));
        assertEquals("tiered", JitChoice.mode(new String[] {"--version"}, null));
    }

    @Test
    void theConfiguredValueWinsEitherWay() {
        assertEquals("tiered", JitChoice.mode(new String[] {"sync"}, "tiered"));
        assertEquals("c1", JitChoice.mode(new String[] {"run"}, " C1 "));
    }

    @Test
    void anyOtherValueIsOneConfigurationLineNamingBothKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JitChoice.mode(new String[] {"sync"}, "c2"));
        assertEquals("configuration error: 'c2' is neither c1 nor tiered for INCIDENT_JIT (incident.jit)", e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1);
    }
}
