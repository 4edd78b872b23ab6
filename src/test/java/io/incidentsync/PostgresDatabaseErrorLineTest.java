package io.incidentsync;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch PostgreSQL rejects fails its table with one short line, the database's own reason, that
 * carries none of the batch's values, and {@code _sync_runs} records the same line (needs INCIDENT_TEST_PG_URL).
 */
@Tag(ServerTests.POSTGRES)
class PostgresDatabaseErrorLineTest {

    @RegisterExtension
    final HostileApi api = HostileApi.forEachTest();

    @Test
    void aBatchTheDatabaseRejectsGivesOneShortLineWithoutTheRecordsValues() throws Exception {
        // an id too long for PostgreSQL's primary key index (2,704 bytes at most), random so that
        // compressing the index entry cannot save it, beside a 2 MB summary in the same page
        Random random = new Random(10);
        StringBuilder id = new StringBuilder("LONG");
        while (id.length() < 20_000) {
            id.append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
        }
        String summary = "S".repeat(2_000_000);
        api.on("/v2/users", r -> HostileApi.Reply.json(HostileApi.page("users", List.of(
                "{\"id\":\"U1\",\"name\":\"Big Summary\",\"summary\":\"" + summary + "\"}",
                "{\"id\":\"" + id + "\",\"name\":\"Long Id\"}"), null)));

        try (HostileApi.Sync sync = new HostileApi.Sync(api, "users")) {
            sync.settings.put("incident.db.url", TestServers.freshPostgresSchemaUrl());
            assertEquals(1, sync.run());

            List<String> lines = sync.errLines();
            assertEquals(1, lines.size(), "one line:\n" + sync.err.substring(0, Math.min(2000, sync.err.length())));
            String line = lines.get(0);
            assertTrue(line.length() < 400, () -> "a short line: " + line.length() + " characters: " + line.substring(0, 400));
            assertTrue(line.startsWith("users: database error at "), line);
            assertTrue(line.contains("index row"), "the database's own reason: " + line);
            assertFalse(line.contains("LONG") || line.contains("SSSS") || line.contains("Big Summary") || line.contains("U1"),
                    "no record data: " + line);
            String recorded = sync.lastError();
            assertFalse(recorded.contains("\u0000"));
            assertEquals(line, "users: " + recorded, "_sync_runs has the same line");
        }
    }
}
