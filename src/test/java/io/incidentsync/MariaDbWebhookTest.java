package io.incidentsync;

/** Webhooks, with MariaDB as the destination (needs INCIDENT_TEST_MARIADB_URL). */
class MariaDbWebhookTest extends WebhookTest {

    @Override
    SyncHarness harness() throws Exception {
        TestMariaDb.url();
        return SyncHarness.start(300).onMariaDb();
    }
}
