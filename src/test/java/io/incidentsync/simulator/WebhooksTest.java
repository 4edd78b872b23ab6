package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhook deliveries of the simulated changes, received by a tiny server in the test that checks them as a Svix
 * verifier does, with its own HMAC: signature, timestamp within five minutes, message id not seen before.
 */
class WebhooksTest {
    /** A secret as incident.io shows one: whsec_ and the base64 of 24 random bytes. */
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "simulated-webhook-secret".getBytes(StandardCharsets.UTF_8));

    /** One request the receiver got, and what its own checks made of it. */
    record Received(String id, long timestamp, String signature, String body, boolean signatureValid,
                    boolean fresh, boolean replay, int answered) {
        JsonNode json() {
            return Listings.parse(body);
        }
    }

    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<String> seenIds = ConcurrentHashMap.newKeySet();
    /** How many first attempts of each message id to answer 503, to see the retries. */
    private final AtomicInteger failFirst = new AtomicInteger();
    private final Map<String, AtomicInteger> attemptsById = new ConcurrentHashMap<>();
    private Simulator simulator;

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hooks/incident-io", exchange -> {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String body = new String(raw, StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestampHeader = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
            long timestamp = Long.parseLong(timestampHeader);
            boolean valid = signatureValid(SECRET, id, timestampHeader, body, signature);
            boolean fresh = Math.abs(System.currentTimeMillis() / 1000 - timestamp) <= 300;
            int attempt = attemptsById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            int status;
            boolean replay = false;
            if (!valid || !fresh) {
                status = 401;
            } else if (attempt <= failFirst.get()) {
                status = 503;
            } else if (!seenIds.add(id)) {
                replay = true;
                status = 409;
            } else {
                status = 204;
            }
            received.add(new Received(id, timestamp, signature, body, valid, fresh, replay, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
        receiver.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/incident-io";
    }

    private Simulator start(SimulatorConfig config) {
        simulator = Simulator.start(config.seed(9).incidents(150).addKey("k", true).rateLimits(false), 0);
        return simulator;
    }

    /** The Svix check, written here from API.md, not taken from the simulator. */
    private static boolean signatureValid(String secret, String id, String timestamp, String body, String header)
            throws IOException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            String expected = Base64.getEncoder().encodeToString(mac.doFinal(
                    (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
            for (String entry : header.split(" ")) {
                if (entry.startsWith("v1,") && java.security.MessageDigest.isEqual(
                        entry.substring(3).getBytes(StandardCharsets.US_ASCII),
                        expected.getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
            return false;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    @Test
    void everyChangeIsPostedSignedTheSvixWayAndShapedAsTheSpecSays() throws Exception {
        start(new SimulatorConfig().webhook(url(), SECRET));
        List<ObjectNode> incidents = simulator.oracle().records("incidents", true);
        String privateId = incidents.stream().filter(i -> i.get("visibility").asText().equals("private"))
                .findFirst().orElseThrow().get("id").asText();
        String publicId = incidents.stream().filter(i -> i.get("visibility").asText().equals("public"))
                .findFirst().orElseThrow().get("id").asText();
        String privateFollowUp = simulator.oracle().records("follow_ups", true).stream()
                .filter(f -> f.get("incident_id").asText().equals(privateId)).findFirst().orElseThrow()
                .get("id").asText();
        ChangeSet changes = simulator.changes().apply(batch -> {
            batch.editIncident(privateId);
            batch.editIncident(publicId);
            batch.addIncidents(8);
            batch.editFollowUps(3);
            batch.editActions(3);
            batch.addFollowUps(2);
            batch.addActions(2);
        });
        // a private incident's follow-up, edited: its event must carry only the id
        simulator.changes().editFollowUp(privateFollowUp);
        assertTrue(simulator.webhooks().awaitIdle(Duration.ofSeconds(20)));

        List<Webhooks.Event> events = simulator.webhooks().events();
        assertEquals(events.size(), received.size(), "one delivery per event");
        assertTrue(received.stream().allMatch(Received::signatureValid), "every signature verifies");
        assertTrue(received.stream().allMatch(Received::fresh), "every timestamp is now");
        assertTrue(received.stream().allMatch(r -> r.signature().matches("v1,[A-Za-z0-9+/]{43}=")), "v1,<base64>");
        assertEquals(events.size(), received.stream().map(Received::id).distinct().count(), "unique webhook-ids");
        assertTrue(received.stream().allMatch(r -> r.id().matches("msg_[0-9A-Z]{26}")));
        assertEquals(events.stream().map(Webhooks.Event::webhookId).collect(Collectors.toSet()),
                received.stream().map(Received::id).collect(Collectors.toSet()));
        assertTrue(simulator.webhooks().deliveries().stream().allMatch(d -> d.status() == 204 && d.attempt() == 1));

        Set<String> types = events.stream().map(Webhooks.Event::type).collect(Collectors.toSet());
        for (String type : List.of("public_incident.incident_created_v2", "public_incident.incident_updated_v2",
                "private_incident.incident_updated_v2", "public_incident.follow_up_created_v1",
                "public_incident.follow_up_updated_v1", "public_incident.action_created_v1",
                "public_incident.action_updated_v1")) {
            assertTrue(types.contains(type), type + " in " + types);
        }
        SpecSchemas schemas = new SpecSchemas();
        List<String> violations = new ArrayList<>();
        Api api = new Api(simulator.baseUrl(), "k");
        for (Received r : received) {
            JsonNode body = r.json();
            String type = body.get("event_type").asText();
            violations.addAll(schemas.webhookViolations(type, r.body()));
            JsonNode payload = body.get(type);
            if (type.startsWith("private_incident.")) {
                assertEquals(Set.of("id"), fieldNames(payload), type + " carries only the id");
            } else if (type.contains(".incident_")) {
                JsonNode incident = type.endsWith("status_updated_v2") ? payload.get("incident") : payload;
                assertEquals("public", incident.get("visibility").asText());
                if (!type.endsWith("status_updated_v2")) {
                    assertEquals(api.get("/v2/incidents/" + incident.get("id").asText()).json().get("incident"),
                            incident, "the payload is the incident as the API serves it");
                }
            } else {
                assertEquals(type.contains("follow_up"), payload.get("follow_up").asBoolean(), type);
            }
        }
        assertEquals(List.of(), violations);
        assertTrue(events.stream().anyMatch(e -> e.type().equals("private_incident.follow_up_updated_v1")
                && e.resourceId().equals(privateFollowUp)));
        // a new incident's event comes before its follow-ups' and actions'
        String created = changes.created("incidents").get(0);
        int incidentEvent = indexOf(events, created);
        for (String table : List.of("follow_ups", "actions")) {
            for (String child : changes.created(table)) {
                JsonNode record = api.get("/v2/" + table + "/" + child).json().get(table.equals("actions") ? "action" : "follow_up");
                if (record.get("incident_id").asText().equals(created)) {
                    assertTrue(indexOf(events, child) > incidentEvent);
                }
            }
        }
    }

    @Test
    void aStatusChangeAlsoSendsStatusUpdatedWithTheStatusItLeft() throws Exception {
        start(new SimulatorConfig().webhook(url(), SECRET));
        Map<String, String> statusBefore = simulator.oracle().records("incidents", true).stream()
                .collect(Collectors.toMap(i -> i.get("id").asText(), i -> i.at("/incident_status/id").asText()));
        simulator.changes().editIncidents(30);
        assertTrue(simulator.webhooks().awaitIdle(Duration.ofSeconds(20)));
        List<Received> statusEvents = received.stream().filter(r -> r.body().contains(
                "\"event_type\":\"public_incident.incident_status_updated_v2\"")).toList();
        assertFalse(statusEvents.isEmpty(), "some of thirty edits change a public incident's status");
        for (Received r : statusEvents) {
            JsonNode payload = r.json().get("public_incident.incident_status_updated_v2");
            String id = payload.at("/incident/id").asText();
            assertEquals(statusBefore.get(id), payload.at("/previous_status/id").asText());
            assertEquals(payload.at("/incident/incident_status/id"), payload.at("/new_status/id"));
            assertNotEquals(payload.at("/previous_status/id"), payload.at("/new_status/id"));
        }
    }

    @Test
    void tamperedDeliveriesAreWhatTheyClaimToBe() throws Exception {
        start(new SimulatorConfig().webhook(url(), SECRET));
        simulator.changes().addFollowUps(1);
        assertTrue(simulator.webhooks().awaitIdle(Duration.ofSeconds(20)));
        Webhooks.Event event = simulator.webhooks().events().get(0);
        assertEquals(1, received.size(), "one follow-up, one event");
        assertEquals(204, received.get(0).answered());

        Webhooks webhooks = simulator.webhooks();
        Webhooks.Delivery forged = webhooks.send(event, Webhooks.Tamper.FORGED_SIGNATURE).get();
        Webhooks.Delivery old = webhooks.send(event, Webhooks.Tamper.OLD_TIMESTAMP).get();
        Webhooks.Delivery replayed = webhooks.send(event, Webhooks.Tamper.REPLAYED_ID).get();
        Webhooks.Delivery again = webhooks.send(event, Webhooks.Tamper.NONE).get();

        assertEquals(401, forged.status());
        Received forgedSeen = received.get(1);
        assertFalse(forgedSeen.signatureValid(), "signed with another key");
        assertTrue(forgedSeen.fresh());
        assertNotEquals(event.webhookId(), forgedSeen.id());

        assertEquals(401, old.status());
        Received oldSeen = received.get(2);
        assertTrue(oldSeen.signatureValid(), "validly signed, over the old timestamp");
        assertFalse(oldSeen.fresh());
        assertTrue(System.currentTimeMillis() / 1000 - oldSeen.timestamp() >= 599, "ten minutes old");

        assertEquals(409, replayed.status());
        Received replaySeen = received.get(3);
        assertEquals(event.webhookId(), replaySeen.id(), "the original message id again");
        assertTrue(replaySeen.signatureValid() && replaySeen.fresh() && replaySeen.replay());

        assertEquals(204, again.status());
        assertNotEquals(event.webhookId(), again.webhookId(), "a genuine resend is a new message");
        for (Received r : received) {
            assertEquals(event.body(), r.body(), "every delivery carries the event's exact body");
        }
        assertEquals(List.of(Webhooks.Tamper.NONE, Webhooks.Tamper.FORGED_SIGNATURE, Webhooks.Tamper.OLD_TIMESTAMP,
                Webhooks.Tamper.REPLAYED_ID, Webhooks.Tamper.NONE),
                webhooks.deliveries().stream().map(Webhooks.Delivery::tamper).toList());
    }

    @Test
    void aFailedDeliveryIsRetriedUnderTheSameIdWithAFreshSignature() throws Exception {
        failFirst.set(2);
        start(new SimulatorConfig().webhook(url(), SECRET));
        simulator.changes().editIncidents(3);
        assertTrue(simulator.webhooks().awaitIdle(Duration.ofSeconds(20)));

        List<Webhooks.Event> events = simulator.webhooks().events();
        List<Webhooks.Delivery> deliveries = simulator.webhooks().deliveries();
        assertEquals(3 * events.size(), deliveries.size());
        for (Webhooks.Event event : events) {
            List<Webhooks.Delivery> ofEvent = deliveries.stream()
                    .filter(d -> d.webhookId().equals(event.webhookId())).toList();
            assertEquals(List.of(503, 503, 204), ofEvent.stream().map(Webhooks.Delivery::status).toList());
            assertEquals(List.of(1, 2, 3), ofEvent.stream().map(Webhooks.Delivery::attempt).toList());
        }
        assertEquals(3 * events.size(), received.size());
        assertTrue(received.stream().allMatch(Received::signatureValid));
    }

    @Test
    void anUnreachableReceiverIsTriedFourTimesThenGivenUp() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        start(new SimulatorConfig().webhook("http://127.0.0.1:" + closedPort + "/gone", SECRET));
        simulator.changes().editIncidents(1);
        assertTrue(simulator.webhooks().awaitIdle(Duration.ofSeconds(30)));
        List<Webhooks.Delivery> deliveries = simulator.webhooks().deliveries();
        int events = simulator.webhooks().events().size();
        assertEquals(Webhooks.MAX_ATTEMPTS * events, deliveries.size());
        assertTrue(deliveries.stream().allMatch(d -> d.status() == 0 && !d.succeeded()));
    }

    @Test
    void withoutATargetEventsAreOnlyRecorded() {
        start(new SimulatorConfig());
        assertFalse(simulator.webhooks().enabled());
        simulator.changes().addIncidents(2);
        assertTrue(simulator.webhooks().events().size() >= 2);
        assertEquals(List.of(), simulator.webhooks().deliveries());
        assertThrows(IllegalStateException.class,
                () -> simulator.webhooks().send(simulator.webhooks().events().get(0), Webhooks.Tamper.NONE));
        // a target set later receives what changes from then on
        simulator.webhooks().target(url(), SECRET);
        simulator.changes().editIncidents(1);
        assertTrue(received.isEmpty() || received.stream().allMatch(Received::signatureValid));
    }

    @Test
    void aSecretThatIsNotWhsecAndBase64IsRefusedWithoutBeingRepeated() {
        for (String[] secret : new String[][] {{"plain-secret-123", "plain-secret-123"}, {"whsec_", null},
                {"whsec_not base64!!", "not base64!!"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SimulatorConfig().webhook("http://127.0.0.1:1/x", secret[0]));
            assertTrue(e.getMessage().contains("whsec_"), e.getMessage());
            if (secret[1] != null) {
                assertFalse(e.getMessage().contains(secret[1]), e.getMessage());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new SimulatorConfig().webhook("ftp://x/y", SECRET));
    }

    private static int indexOf(List<Webhooks.Event> events, String resourceId) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).resourceId().equals(resourceId)) {
                return i;
            }
        }
        throw new AssertionError("no event about " + resourceId);
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> out = new HashSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
