package io.incidentsync;

/** The child-table promises, with Postgres as the destination (needs INCIDENT_TEST_PG_URL). */
class PostgresChildTablesTest extends ChildTablesTest {

    @Override
    SyncHarness harness(int incidents) throws Exception {
        TestPostgres.url();
        return SyncHarness.start(incidents).onPostgres();
    }
}
