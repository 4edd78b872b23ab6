package io.incidentsync;

import org.junit.jupiter.api.Test;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two syncs into one PostgreSQL schema never mix their rows (needs INCIDENT_TEST_PG_URL). */
class PostgresConcurrentSyncTest extends ConcurrentSyncTest {

    @Override
    String destination() throws Exception {
        return TestPostgres.freshSchemaUrl();
    }

    @Test
    void syncsIntoTwoSchemasOfOneDatabaseDoNotWaitForEachOther() throws Exception {
        try (HostileApi.Sync first = sync(slow); HostileApi.Sync elsewhere = new HostileApi.Sync(fast, STREAMS)) {
            elsewhere.settings.put("incident.db.url", TestPostgres.freshSchemaUrl());
            Future<Integer> running = pool.submit(first::run);
            awaitStagedRows();

            assertEquals(0, elsewhere.run(), elsewhere.err);

            letThirdPageGo.countDown();
            assertEquals(0, (int) running.get(60, TimeUnit.SECONDS), first.err);
            assertEquals(ids("U", 750), column("SELECT id FROM users"));
        }
    }
}
