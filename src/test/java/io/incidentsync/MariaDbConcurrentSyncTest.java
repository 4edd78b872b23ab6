package io.incidentsync;

/** The one-sync-at-a-time promises, with MariaDB as the destination (needs INCIDENT_TEST_MARIADB_URL). */
class MariaDbConcurrentSyncTest extends ConcurrentSyncTest {

    @Override
    String destination() throws Exception {
        return TestMariaDb.freshDatabaseUrl();
    }
}
