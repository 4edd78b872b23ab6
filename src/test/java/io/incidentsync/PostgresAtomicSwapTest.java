package io.incidentsync;

/** The atomic-swap promises, with PostgreSQL as the destination (needs INCIDENT_TEST_PG_URL). */
class PostgresAtomicSwapTest extends AtomicSwapTest {

    @Override
    SyncHarness harness(int incidents) throws Exception {
        TestPostgres.url();
        return SyncHarness.start(incidents).onPostgres();
    }
}
