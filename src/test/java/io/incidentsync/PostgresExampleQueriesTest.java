package io.incidentsync;

import org.junit.jupiter.api.BeforeAll;

/** The README's example queries, run as they are on PostgreSQL (needs INCIDENT_TEST_PG_URL). */
class PostgresExampleQueriesTest extends ExampleQueriesTest {

    @BeforeAll
    static void start() throws Exception {
        TestPostgres.url();
        sync(SyncHarness.start(400).onPostgres());
    }
}
