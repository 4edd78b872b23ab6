package io.incidentsync;

/** Webhooks, with PostgreSQL as the destination (needs INCIDENT_TEST_PG_URL). */
class PostgresWebhookTest extends WebhookTest {

    @Override
    SyncHarness harness() throws Exception {
        TestPostgres.url();
        return SyncHarness.start(300).onPostgres();
    }
}
