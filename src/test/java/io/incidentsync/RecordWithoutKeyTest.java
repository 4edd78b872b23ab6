package io.incidentsync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record without its primary key cannot be stored: the table fails with one line saying where the
 * record was, before the database sees it, and keeps the previous sync's rows.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class RecordWithoutKeyTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    @RegisterExtension
    final HostileApi api = HostileApi.forEachTest();

    /** A sync into this run's database. */
    HostileApi.Sync sync() throws Exception {
        return db.on(new HostileApi.Sync(api, "users"));
    }

    @Test
    void aRecordWithoutIdFailsTheTableWithOneShortLineNamingItsPlaceAndKeepsThePreviousRows() throws Exception {
        try (HostileApi.Sync sync = sync()) {
            api.on("/v2/users", HostileApi.pages("users", HostileApi.userPages(6, 3)));
            assertEquals(0, sync.run(), sync.err);
            Map<String, String> before = sync.column("users", "name");
            assertEquals(6, before.size());

            // the second record of page 2 has no id, and a 2 MB summary beside it
            String summary = "S".repeat(2_000_000);
            List<List<String>> pages = HostileApi.userPages(6, 3);
            List<String> second = new ArrayList<>(pages.get(1));
            second.set(1, "{\"name\":\"No Id\",\"summary\":\"" + summary + "\"}");
            pages.set(1, second);
            api.on("/v2/users", HostileApi.pages("users", pages));
            assertEquals(1, sync.run(), sync.err);

            List<String> lines = sync.errLines();
            assertEquals(1, lines.size(), sync.err);
            String line = lines.get(0);
            assertTrue(line.startsWith("users: record 2 of page 2 of GET /v2/users has no id, a primary key column"), line);
            assertTrue(line.length() < 400, "a short line: " + line.length() + " characters");
            assertFalse(line.contains("No Id") || line.contains("SSSS"), "no record data: " + line);
            assertEquals(line, "users: " + sync.lastError(), "_sync_runs has the same line");
            assertEquals(before, sync.column("users", "name"), "the first sync's rows are kept");
        }
    }
}
