package io.incidentsync;

/** The same oracle comparison, with MariaDB as the destination (needs INCIDENT_TEST_MARIADB_URL). */
class MariaDbReplicationTest extends ReplicationTest {

    @Override
    SyncHarness harness(int incidents) throws Exception {
        TestMariaDb.url();
        return SyncHarness.start(incidents).onMariaDb();
    }
}
