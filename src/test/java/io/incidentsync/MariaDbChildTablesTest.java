package io.incidentsync;

/** The child-table promises, with MariaDb as the destination (needs INCIDENT_TEST_MARIADB_URL). */
class MariaDbChildTablesTest extends ChildTablesTest {

    @Override
    SyncHarness harness(int incidents) throws Exception {
        TestMariaDb.url();
        return SyncHarness.start(incidents).onMariaDb();
    }
}
