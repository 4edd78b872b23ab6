package io.incidentsync.routes;

import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * routes/webhooks.camel.yaml: webhook-receive answers each delivery from its signature and nudges
 * webhook-refresh only for a verified event; webhook-refresh fetches the event's incident through the
 * API route, and before any complete sync writes nothing.
 */
class WebhooksRouteTest extends RouteTestSupport {

    static final byte[] KEY = "the route test's webhook key....".getBytes(StandardCharsets.UTF_8);
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);
    static final String BODY = "{\"event_type\":\"public_incident.incident_updated_v2\","
            + "\"public_incident.incident_updated_v2\":{\"id\":\"01HWEBHOOK0000000000000001\",\"name\":\"x\"}}";

    private RouteHarness webhooks() {
        return new RouteHarness(dir, "incidents,incident_updates,actions,follow_ups")
                .set("incident.webhook.secret", SECRET);
    }

    private static Map<String, Object> signed(String id, long timestamp, byte[] key) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(
                mac.doFinal((id + "." + timestamp + "." + BODY).getBytes(StandardCharsets.UTF_8)));
        return Map.of("webhook-id", id, "webhook-timestamp", Long.toString(timestamp), "webhook-signature", "v1," + signature);
    }

    @Test
    void onlyAVerifiedEventReachesTheRefreshRoute() throws Exception {
        harness = webhooks();
        harness.advise("webhook-receive", a -> a.weaveByToUri("seda:webhook-refresh*").replace().to("mock:refresh"));
        harness.start();
        MockEndpoint refresh = harness.mock("mock:refresh");
        long now = System.currentTimeMillis() / 1000;

        Exchange forged = harness.context.createProducerTemplate().request("direct:incident-webhook", e -> {
            e.getMessage().setBody(BODY);
            e.getMessage().setHeaders(new java.util.HashMap<>(signed("msg_1", now, "another key".getBytes(StandardCharsets.UTF_8))));
        });
        assertEquals(401, forged.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertFalse(forged.getMessage().getHeaders().containsKey("webhook-signature"), "no request header goes back");
        Exchange old = harness.context.createProducerTemplate().request("direct:incident-webhook", e -> {
            e.getMessage().setBody(BODY);
            e.getMessage().setHeaders(new java.util.HashMap<>(signed("msg_2", now - 400, KEY)));
        });
        assertEquals(401, old.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(0, refresh.getReceivedCounter());

        Exchange genuine = harness.context.createProducerTemplate().request("direct:incident-webhook", e -> {
            e.getMessage().setBody(BODY);
            e.getMessage().setHeaders(new java.util.HashMap<>(signed("msg_3", now, KEY)));
        });
        assertEquals(200, genuine.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals("{\"status\":\"accepted\"}", genuine.getMessage().getBody(String.class));
        refresh.expectedMessageCount(1);
        refresh.assertIsSatisfied(5000);

        Exchange replay = harness.context.createProducerTemplate().request("direct:incident-webhook", e -> {
            e.getMessage().setBody(BODY);
            e.getMessage().setHeaders(new java.util.HashMap<>(signed("msg_3", now, KEY)));
        });
        assertEquals(200, replay.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        Thread.sleep(200);
        assertEquals(1, refresh.getReceivedCounter(), "a replayed id is not applied again");
    }

    @Test
    void beforeAnyCompleteSyncARefreshFetchesTheIncidentAndWritesNothing() throws Exception {
        harness = webhooks();
        MockEndpoint http = harness.serve(new FakeApi().on("/v2/incidents/01HWEBHOOK0000000000000001",
                request -> FakeApi.Reply.json("{\"incident\":{\"id\":\"01HWEBHOOK0000000000000001\",\"mode\":\"test\"}}")));
        harness.start();
        NotifyBuilder refreshed = new NotifyBuilder(harness.context).fromRoute("webhook-refresh").whenCompleted(1).create();

        Exchange answer = harness.context.createProducerTemplate().request("direct:incident-webhook", e -> {
            e.getMessage().setBody(BODY);
            e.getMessage().setHeaders(new java.util.HashMap<>(signed("msg_4", System.currentTimeMillis() / 1000, KEY)));
        });
        assertEquals(200, answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertTrue(refreshed.matches(10, TimeUnit.SECONDS), "the refresh route ran");
        assertEquals(1, http.getReceivedCounter(), "the incident was fetched once, for its mode");
        assertFalse(harness.tableExists("INCIDENTS"), "no incidents table until a sync makes it");
        assertEquals(0, harness.incidentSync().metrics().refreshes(false), "nothing to refresh is no failure");
    }
}
