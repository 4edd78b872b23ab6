package io.incidentsync;

import io.incidentsync.cli.Application;
import io.incidentsync.simulator.ChangeSet;
import io.incidentsync.simulator.Webhooks;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A webhook refresh never drops work: one that fails puts its incidents back in the queue and is tried again
 * after a backoff, until the incident is in the tables; the queue's length is the gauge incident_webhook_pending.
 */
class WebhookRetryTest {

    @RegisterExtension
    final SyncHarness h = SyncHarness.forEachTest(30);
    Main main;

    @Test
    void aFailedRefreshPutsItsIncidentBackAndATryAfterTheBackoffBringsIt() throws Exception {
        int port = ObservabilityTest.freePort();
        Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
        settings.put("incident.streams", WebhookTest.STREAMS);
        settings.put("incident.sync.full", "false");
        settings.put("incident.schedule", "0 0 0 1 1 ? 2099");
        settings.put("incident.server.port", Integer.toString(port));
        settings.put("incident.webhook.secret", WebhookTest.SECRET);
        main = new Application(settings).main(true);
        main.start();
        try {
            refreshAfterAFailure(port);
        } finally {
            main.stop();
        }
    }

    private void refreshAfterAFailure(int port) throws Exception {
        main.getCamelContext().createProducerTemplate().sendBody("direct:sync", null);

        Webhooks webhooks = h.simulator.webhooks().target("http://127.0.0.1:" + port + "/webhooks/incident-io",
                WebhookTest.SECRET);
        String edited = h.simulator.oracle().records("incidents", true).get(3).path("id").asText();
        // every attempt of the first refresh's fetch of the incident fails: that refresh fails
        h.simulator.faults().statusBurst("/v2/incidents/" + edited, 1, 4, 500);
        ChangeSet changes = h.simulator.changes().apply(b -> b.editIncident(edited));
        assertEquals(edited, changes.updated("incidents").get(0));
        java.time.Instant editedAt = java.time.OffsetDateTime.parse(h.simulator.oracle().records("incidents", true).stream()
                .filter(r -> r.path("id").asText().equals(edited)).findFirst().orElseThrow().path("updated_at").asText())
                .toInstant();
        assertNotEquals(editedAt, updatedAt(edited), "the edit is not in the tables before its event");

        String metrics = ObservabilityTest.await(() -> {
            String m = metrics(port);
            return ObservabilityTest.value(m, "incident_webhook_refreshes_total{outcome=\"failed\"}") >= 1
                    && ObservabilityTest.value(m, "incident_webhook_refreshes_total{outcome=\"ok\"}") >= 1 ? m : null;
        }, 30, "a failed refresh and then one that worked");
        assertEquals(1, ObservabilityTest.value(metrics, "incident_webhook_refreshes_total{outcome=\"failed\"}"), metrics);
        assertEquals(editedAt, updatedAt(edited), "the edit is in the tables after the retry");
        assertEquals(0, ObservabilityTest.value(metrics, "incident_webhook_pending"), "the queue drained");
        assertEquals(6, h.simulator.requests("/v2/incidents/" + edited), "four failed attempts, then the fetch and the table's read");
        OracleComparison.assertTableEquals(h, "incidents", true);
    }

    private java.time.Instant updatedAt(String id) throws Exception {
        return ((java.time.OffsetDateTime) h.column("SELECT updated_at FROM incidents WHERE id = '" + id + "'").get(0)).toInstant();
    }

    private static String metrics(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
