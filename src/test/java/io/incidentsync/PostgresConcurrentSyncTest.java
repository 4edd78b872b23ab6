package io.incidentsync;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Syncs into two schemas of one PostgreSQL database do not wait for each other (needs INCIDENT_TEST_PG_URL);
 * what holds on every database is {@link ConcurrentSyncTest}, whose APIs and latches this test uses.
 */
@Tag(ServerTests.POSTGRES)
class PostgresConcurrentSyncTest {

    @Test
    void syncsIntoTwoSchemasOfOneDatabaseDoNotWaitForEachOther() throws Exception {
        ConcurrentSyncTest test = new ConcurrentSyncTest();
        test.db = Destination.POSTGRES;
        test.start();
        try (HostileApi.Sync first = test.sync(test.slow);
             HostileApi.Sync elsewhere = new HostileApi.Sync(test.fast, ConcurrentSyncTest.STREAMS)) {
            elsewhere.settings.put("incident.db.url", TestServers.freshPostgresSchemaUrl());
            Future<Integer> running = test.pool.submit(first::run);
            test.awaitStagedRows();
            assertEquals(0, elsewhere.run(), elsewhere.err);
            test.letThirdPageGo.countDown();
            assertEquals(0, (int) running.get(60, TimeUnit.SECONDS), first.err);
            assertEquals(ConcurrentSyncTest.ids("U", 750), test.column("SELECT id FROM users"));
        } finally {
            test.stop();
        }
    }
}
