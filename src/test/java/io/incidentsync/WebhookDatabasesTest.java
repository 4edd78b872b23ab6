package io.incidentsync;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The main webhook test on the server databases (needs INCIDENT_TEST_PG_URL, INCIDENT_TEST_MARIADB_URL): an
 * edit and a new incident within five seconds, tampered deliveries changing nothing. It and the other webhook
 * behaviours, which do not depend on the database, run on H2 in {@link WebhookTest}.
 */
@Tag("latency")
@ParameterizedClass(name = "on {0}", allowZeroInvocations = true)
@MethodSource("io.incidentsync.Destination#servers")
class WebhookDatabasesTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    @Test
    void signedEventsBringAnEditAndANewIncidentWithinFiveSecondsAndTamperedOnesChangeNothing() throws Exception {
        WebhookTest test = new WebhookTest() {
            @Override
            SyncHarness harness() throws Exception {
                return db.harness(INCIDENTS);
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
