package io.incidentsync.schema;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fast timestamp reader agrees with the JDK's on every form the API may send. */
class Rfc3339Test {

    @Test
    void readsWhatTheJdkReads() {
        for (String text : new String[] {"2025-03-14T09:26:53.589Z", "2025-03-14T09:26:53Z", "2025-03-14T09:26:53.1Z",
                "2025-03-14T09:26:53.123456789Z", "2025-03-14T09:26:53.589+02:00", "2025-12-31T23:59:59.999-05:30",
                "2024-02-29T00:00:00.000000Z"}) {
            assertEquals(OffsetDateTime.parse(text), Rfc3339.parse(text), text);
        }
    }

    @Test
    void rejectsWhatIsNotATimestamp() {
        assertThrows(DateTimeParseException.class, () -> Rfc3339.parse("2025-13-14T09:26:53Z"));
        assertThrows(DateTimeParseException.class, () -> Rfc3339.parse("yesterday at noon, roughly"));
        assertThrows(DateTimeParseException.class, () -> Rfc3339.parse("2025-03-14T09:26:5xZ"));
    }
}
