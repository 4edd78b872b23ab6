package io.incidentsync;

/** The same atomic-swap promises, with MariaDB as the destination (needs INCIDENT_TEST_MARIADB_URL). */
class MariaDbAtomicSwapTest extends AtomicSwapTest {

    @Override
    SyncHarness harness(int incidents) throws Exception {
        TestMariaDb.url();
        return SyncHarness.start(incidents).onMariaDb();
    }
}
