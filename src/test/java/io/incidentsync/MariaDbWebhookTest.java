package io.incidentsync;

import org.junit.jupiter.api.Test;

/**
 * The main webhook test, with MariaDB as the destination (needs INCIDENT_TEST_MARIADB_URL): an edit
 * and a new incident within five seconds, tampered deliveries changing nothing. The other webhook
 * behaviours do not depend on the database and run on H2 only ({@link WebhookTest}).
 */
class MariaDbWebhookTest {

    @Test
    void signedEventsBringAnEditAndANewIncidentWithinFiveSecondsAndTamperedOnesChangeNothing() throws Exception {
        WebhookTest test = new WebhookTest() {
            @Override
            SyncHarness harness() throws Exception {
                TestMariaDb.url();
                return SyncHarness.start(INCIDENTS).onMariaDb();
            }
        };
        test.start();
        try {
            test.signedEventsBringAnEditAndANewIncidentWithinFiveSecondsAndTamperedOnesChangeNothing();
        } finally {
            test.stop();
        }
    }
}
