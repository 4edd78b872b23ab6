package io.incidentsync;

/** The same oracle comparison, with PostgreSQL as the destination (needs INCIDENT_TEST_PG_URL). */
class PostgresReplicationTest extends ReplicationTest {

    @Override
    SyncHarness harness(int incidents) throws Exception {
        TestPostgres.url();
        return SyncHarness.start(incidents).onPostgres();
    }
}
