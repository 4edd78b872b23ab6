package io.incidentsync.webhooks;

import io.incidentsync.webhooks.WebhookReceiver.Target;
import io.incidentsync.webhooks.WebhookReceiver.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deliveries signed here with an HMAC of our own, as incident.io (and the simulator) sign them, against a fixed clock:
 * the receiver takes what is genuine, fresh and new, refuses the rest, and never echoes a secret or a body.
 */
class WebhookReceiverTest {

    static final Instant NOW = Instant.ofEpochSecond(1_750_000_000L);
    static final byte[] KEY = "a key of thirty-two bytes, exact".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER_KEY = "another key, also 32 bytes long!".getBytes(StandardCharsets.UTF_8);
    static final String KEY_BASE64 = Base64.getEncoder().encodeToString(KEY);
    static final String SECRET = "whsec_" + KEY_BASE64;

    static final String INCIDENT = "01HZX3KJ0M4Q7R8S9T0V1W2X3Y";
    static final String CHILD = "01HZX9FOLLOWUP0000000000AB";
    static final String OK = "{\"status\":\"accepted\"}";

    final WebhookReceiver receiver = new WebhookReceiver(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

    /** The test's own Svix signer: base64 HMAC-SHA256 of id.timestamp.body. */
    static String sign(byte[] key, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(
                    mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Headers as a servlet hands them over: names in any case. */
    static Map<String, String> headers(String id, String timestamp, String signature) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (id != null) {
            headers.put("Webhook-Id", id);
        }
        if (timestamp != null) {
            headers.put("Webhook-Timestamp", timestamp);
        }
        if (signature != null) {
            headers.put("WEBHOOK-SIGNATURE", signature);
        }
        return headers;
    }

    static Map<String, String> signed(String id, Instant at, String body) {
        return headers(id, Long.toString(at.getEpochSecond()), "v1," + sign(KEY, id, at.getEpochSecond(), body));
    }

    static Verdict deliver(WebhookReceiver receiver, Map<String, String> headers, String body) {
        return receiver.receive(headers::get, body.getBytes(StandardCharsets.UTF_8));
    }

    Verdict deliver(String id, String body) {
        return deliver(receiver, signed(id, NOW, body), body);
    }

    static String event(String type, String payload) {
        return "{\"event_type\":\"" + type + "\",\"" + type + "\":" + payload + "}";
    }

    static String publicIncident(String id) {
        return "{\"id\":\"" + id + "\",\"name\":\"Checkout is down\",\"summary\":\"card numbers in the logs\","
                + "\"visibility\":\"public\",\"incident_status\":{\"id\":\"01STATUS\",\"name\":\"Investigating\"}}";
    }

    static Verdict accepted(String type, String webhookId, Target target) {
        return new Verdict(200, OK, "accepted",
                "webhook: " + type + " " + webhookId + " for " + target.kind() + " " + target.id() + ": queued",
                List.of(target));
    }

    static Verdict rejected(String shownId, String reason) {
        return new Verdict(401, "{\"error\":\"" + reason + "\"}", "rejected",
                "webhook: refused delivery " + shownId + ": " + reason, List.of());
    }

    @Test
    void acceptsAPublicIncidentWithItsWholeRecord() {
        String type = "public_incident.incident_created_v2";
        Verdict verdict = deliver("msg_2Pub1", event(type, publicIncident(INCIDENT)));
        assertEquals(accepted(type, "msg_2Pub1", new Target("incident", INCIDENT, INCIDENT)), verdict);
        assertEquals("webhook: public_incident.incident_created_v2 msg_2Pub1 for incident " + INCIDENT + ": queued",
                verdict.logLine());
    }

    /** Each event type the product applies, and the record its payload names for refreshing. */
    static Stream<Arguments> eventsAndTheirRecords() {
        return Stream.of(
                Arguments.of("a private incident carries only its id", "private_incident.incident_updated_v2",
                        "msg_2Priv", "{\"id\":\"" + INCIDENT + "\"}", new Target("incident", INCIDENT, INCIDENT)),
                Arguments.of("a status update names the incident it holds", "public_incident.incident_status_updated_v2",
                        "msg_2Stat", "{\"incident\":" + publicIncident(INCIDENT) + ",\"message\":\"rolling back\","
                                + "\"new_status\":{\"id\":\"01NEWSTATUS\"},\"previous_status\":{\"id\":\"01OLDSTATUS\"}}",
                        new Target("incident", INCIDENT, INCIDENT)),
                Arguments.of("a public follow-up names its incident", "public_incident.follow_up_created_v1", "msg_2Fu",
                        "{\"id\":\"" + CHILD + "\",\"incident_id\":\"" + INCIDENT + "\",\"follow_up\":true,"
                                + "\"description\":\"Add an alert\",\"status\":\"outstanding\"}",
                        new Target("follow_up", CHILD, INCIDENT)),
                Arguments.of("a public action update names its incident", "public_incident.action_updated_v1", "msg_2Act",
                        "{\"id\":\"" + CHILD + "\",\"incident_id\":\"" + INCIDENT + "\",\"follow_up\":false}",
                        new Target("action", CHILD, INCIDENT)),
                Arguments.of("a private action has no incident id", "private_incident.action_created_v1", "msg_2PrA",
                        "{\"id\":\"" + CHILD + "\"}", new Target("action", CHILD, null)),
                Arguments.of("a private follow-up has no incident id", "private_incident.follow_up_updated_v1",
                        "msg_2PrF", "{\"id\":\"fu-2\",\"incident_id\":null}", new Target("follow_up", "fu-2", null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventsAndTheirRecords")
    void anEventNamesTheRecordToRefresh(String what, String type, String webhookId, String payload, Target target) {
        assertEquals(accepted(type, webhookId, target), deliver(webhookId, event(type, payload)));
    }

    @Test
    void anyV1SignatureMayMatchDuringKeyRotation() {
        String body = event("private_incident.incident_created_v2", "{\"id\":\"" + INCIDENT + "\"}");
        long ts = NOW.getEpochSecond();
        String signatures = "v1a,whatever v2," + sign(OTHER_KEY, "msg_rot", ts, body) + " v1,"
                + sign(OTHER_KEY, "msg_rot", ts, body) + " v1,not*base64 v1," + sign(KEY, "msg_rot", ts, body);
        Verdict verdict = deliver(receiver, headers("msg_rot", Long.toString(ts), signatures), body);
        assertEquals("accepted", verdict.outcome());
        assertEquals(List.of(new Target("incident", INCIDENT, INCIDENT)), verdict.targets());
    }

    @Test
    void aMatchingSignatureOfAnotherVersionDoesNotCount() {
        String body = event("private_incident.incident_created_v2", "{\"id\":\"" + INCIDENT + "\"}");
        long ts = NOW.getEpochSecond();
        Verdict verdict = deliver(receiver, headers("msg_v2", Long.toString(ts), "v2," + sign(KEY, "msg_v2", ts, body)),
                body);
        assertEquals(rejected("msg_v2", "no signature matches incident.webhook.secret"), verdict);
    }

    @Test
    void refusesAForgedSignature() {
        String body = event("public_incident.incident_updated_v2", publicIncident(INCIDENT));
        long ts = NOW.getEpochSecond();
        Verdict verdict = deliver(receiver,
                headers("msg_forged", Long.toString(ts), "v1," + sign(OTHER_KEY, "msg_forged", ts, body)), body);
        assertEquals(rejected("msg_forged", "no signature matches incident.webhook.secret"), verdict);
    }

    @Test
    void refusesABodyChangedAfterSigning() {
        String body = event("public_incident.incident_updated_v2", publicIncident(INCIDENT));
        Map<String, String> headers = signed("msg_changed", NOW, body);
        Verdict verdict = deliver(receiver, headers, body.replace(INCIDENT, "01OTHERINCIDENT"));
        assertEquals(rejected("msg_changed", "no signature matches incident.webhook.secret"), verdict);
    }

    @ParameterizedTest
    @ValueSource(strings = {"webhook-id", "webhook-timestamp", "webhook-signature"})
    void refusesADeliveryMissingAHeader(String missing) {
        String body = event("public_incident.incident_updated_v2", publicIncident(INCIDENT));
        Map<String, String> headers = signed("msg_hdr", NOW, body);
        headers.remove(missing);
        String shown = missing.equals("webhook-id") ? "(no webhook-id)" : "msg_hdr";
        assertEquals(rejected(shown, "missing header " + missing), deliver(receiver, headers, body));
        headers.put(missing, "  ");
        assertEquals(rejected(shown, "missing header " + missing), deliver(receiver, headers, body));
    }

    @Test
    void namesEveryMissingHeader() {
        assertEquals(rejected("(no webhook-id)", "missing header webhook-id, webhook-timestamp, webhook-signature"),
                deliver(receiver, headers(null, null, null), "{}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "1750000000.5", "-1750000000", "+1750000000", "17500000000000000000"})
    void refusesATimestampThatIsNotUnixSeconds(String timestamp) {
        String body = event("public_incident.incident_updated_v2", publicIncident(INCIDENT));
        Map<String, String> headers = headers("msg_ts", timestamp, "v1," + sign(KEY, "msg_ts", 0, body));
        assertEquals(rejected("msg_ts", "webhook-timestamp is not a whole number of unix seconds"),
                deliver(receiver, headers, body));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"-301|timestamp 301 s off, more than 300 s (behind our clock)",
            "301|timestamp 301 s off, more than 300 s (ahead of our clock)",
            "-86400|timestamp 86400 s off, more than 300 s (behind our clock)"})
    void refusesATimestampTooFarFromOurClock(long offset, String reason) {
        String body = event("public_incident.incident_updated_v2", publicIncident(INCIDENT));
        Verdict verdict = deliver(receiver, signed("msg_skew", NOW.plusSeconds(offset), body), body);
        assertEquals(rejected("msg_skew", reason), verdict);
    }

    @ParameterizedTest
    @ValueSource(longs = {-300, -299, 0, 299, 300})
    void acceptsATimestampWithinTolerance(long offset) {
        String type = "public_incident.incident_updated_v2";
        String body = event(type, publicIncident(INCIDENT));
        assertEquals(accepted(type, "msg_near", new Target("incident", INCIDENT, INCIDENT)),
                deliver(receiver, signed("msg_near", NOW.plusSeconds(offset), body), body));
    }

    @Test
    void aReplayedIdIsADuplicateWithNothingToRefresh() {
        String body = event("public_incident.incident_updated_v2", publicIncident(INCIDENT));
        Map<String, String> headers = signed("msg_once", NOW, body);
        assertEquals("accepted", deliver(receiver, headers, body).outcome());
        Verdict duplicate = new Verdict(200, "{\"status\":\"duplicate\"}", "duplicate",
                "webhook: delivery msg_once already received in the last 600 s: ignored", List.of());
        assertEquals(duplicate, deliver(receiver, headers, body));
        // a retry: the same id, signed again with a later timestamp
        assertEquals(duplicate, deliver(receiver, signed("msg_once", NOW.minusSeconds(200), body), body));
    }

    @Test
    void aForgeryCannotUseOrBlockAnId() {
        String body = event("private_incident.incident_updated_v2", "{\"id\":\"" + INCIDENT + "\"}");
        long ts = NOW.getEpochSecond();
        // a known id, forged: still refused, not waved through as a duplicate
        assertEquals("accepted", deliver("msg_known", body).outcome());
        assertEquals(rejected("msg_known", "no signature matches incident.webhook.secret"), deliver(receiver,
                headers("msg_known", Long.toString(ts), "v1," + sign(OTHER_KEY, "msg_known", ts, body)), body));
        // a forgery first: the genuine delivery with its id still gets through
        assertEquals(rejected("msg_later", "no signature matches incident.webhook.secret"), deliver(receiver,
                headers("msg_later", Long.toString(ts), "v1," + sign(OTHER_KEY, "msg_later", ts, body)), body));
        assertEquals(accepted("private_incident.incident_updated_v2", "msg_later",
                new Target("incident", INCIDENT, INCIDENT)), deliver("msg_later", body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"public_alert.alert_created_v1", "public_schedule.schedule_updated_v2",
            "public_escalation.escalation_created_v1", "public_incident.incident_membership_granted_v1",
            "private_incident.incident_status_updated_v2", "public_incident.incident_created_v1", "ping"})
    void ignoresAnEventTypeThisProductDoesNotApply(String type) {
        String body = event(type, "{\"id\":\"01ALERT\",\"title\":\"disk full\"}");
        Verdict ignored = new Verdict(200, "{\"status\":\"ignored\"}", "ignored",
                "webhook: " + type + " msg_other: not an event type this product applies; counted, ignored", List.of());
        assertEquals(ignored, deliver("msg_other", body));
        assertEquals("duplicate", deliver("msg_other", body).outcome());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{not json|                                                    |body is not JSON",
            "{\"event_type\":\"x\",\"event_type\":\"y\"}|                  |body is not JSON",
            "{\"event_type\":\"public_incident.incident_updated_v2\"} trailing||body is not JSON",
            "[\"public_incident.incident_updated_v2\"]|                    |body is not a JSON object",
            "\"public_incident.incident_updated_v2\"|                      |body is not a JSON object",
            "{\"event_type\":7}|                                           |no event_type string",
            "{\"public_incident.incident_updated_v2\":{\"id\":\"a\"}}|     |no event_type string",
            "{\"event_type\":\"public_incident.incident_updated_v2\"}|public_incident.incident_updated_v2"
                    + "|no public_incident.incident_updated_v2 object holding the payload",
            "{\"event_type\":\"public_incident.incident_updated_v2\",\"public_incident.incident_updated_v2\":[]}"
                    + "|public_incident.incident_updated_v2|no public_incident.incident_updated_v2 object holding the payload",
            "{\"event_type\":\"public_incident.incident_status_updated_v2\",\"public_incident.incident_status_updated_v2\""
                    + ":{\"id\":\"a\"}}|public_incident.incident_status_updated_v2|no incident object in the payload",
            "{\"event_type\":\"public_incident.incident_updated_v2\",\"public_incident.incident_updated_v2\":{}}"
                    + "|public_incident.incident_updated_v2|no id string in the payload",
            "{\"event_type\":\"public_incident.action_updated_v1\",\"public_incident.action_updated_v1\":{\"id\":42}}"
                    + "|public_incident.action_updated_v1|no id string in the payload"})
    void answers400ToAMalformedBody(String body, String type, String reason) {
        Verdict verdict = deliver("msg_bad", body);
        assertEquals(new Verdict(400, "{\"error\":\"malformed delivery: " + reason + "\"}", "malformed",
                "webhook: malformed delivery msg_bad" + (type == null ? "" : " (" + type + ")") + ": " + reason,
                List.of()), verdict);
    }

    @Test
    void anEmptyBodyIsMalformed() {
        Verdict verdict = deliver("msg_empty", "");
        assertEquals(400, verdict.status());
        assertEquals("webhook: malformed delivery msg_empty: body is not a JSON object", verdict.logLine());
    }

    @Test
    void aMalformedDeliveryIsNotRemembered() {
        String type = "public_incident.incident_updated_v2";
        assertEquals("malformed", deliver("msg_fix", "{\"event_type\":\"" + type + "\"}").outcome());
        assertEquals("malformed", deliver("msg_fix", "{\"event_type\":\"" + type + "\"}").outcome());
        assertEquals("accepted", deliver("msg_fix", event(type, publicIncident(INCIDENT))).outcome());
    }

    /** Ids go into SQL text later: anything but [A-Za-z0-9_-]{1,128} is refused, in id and incident_id alike. */
    @ParameterizedTest
    @ValueSource(strings = {"01H'; DROP TABLE incidents; --", "01H\\\"X", "01H X", "", "01H.X", "01H/X", "é",
            "01H\\nX", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                    + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void refusesAnIdThatCouldNotGoIntoSqlSafely(String bad) {
        String json = "\"" + bad + "\"";
        String incident = event("public_incident.incident_updated_v2", "{\"id\":" + json + "}");
        Verdict verdict = deliver("msg_sql", incident);
        assertEquals(400, verdict.status());
        assertEquals("malformed", verdict.outcome());
        assertEquals("webhook: malformed delivery msg_sql (public_incident.incident_updated_v2): the payload's id "
                + "is not 1 to 128 letters, digits, _ or -", verdict.logLine());
        assertEquals(List.of(), verdict.targets());

        String followUp = event("public_incident.follow_up_updated_v1",
                "{\"id\":\"" + CHILD + "\",\"incident_id\":" + json + "}");
        verdict = deliver("msg_sql2", followUp);
        assertEquals("webhook: malformed delivery msg_sql2 (public_incident.follow_up_updated_v1): the payload's "
                + "incident_id is not 1 to 128 letters, digits, _ or -", verdict.logLine());
        assertEquals(400, verdict.status());
    }

    @Test
    void anIdOf128CharactersIsFine() {
        String id = "A-_" + "z".repeat(125);
        String type = "private_incident.incident_created_v2";
        assertEquals(accepted(type, "msg_long", new Target("incident", id, id)),
                deliver("msg_long", event(type, "{\"id\":\"" + id + "\"}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void withoutASecretEveryDeliveryIsAnswered404(String blank) {
        for (String secret : new String[] {null, blank}) {
            WebhookReceiver off = new WebhookReceiver(secret, Clock.fixed(NOW, ZoneOffset.UTC));
            assertFalse(off.enabled());
            assertNull(WebhookReceiver.problem(secret));
            String body = event("public_incident.incident_updated_v2", publicIncident(INCIDENT));
            assertEquals(new Verdict(404, "{\"error\":\"webhooks are off: set incident.webhook.secret\"}", "off",
                    "webhook: refused delivery msg_off: webhooks are off; set incident.webhook.secret "
                            + "(INCIDENT_WEBHOOK_SECRET) to receive them", List.of()),
                    deliver(off, signed("msg_off", NOW, body), body));
        }
        assertTrue(receiver.enabled());
        assertNull(WebhookReceiver.problem(SECRET));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "whsec_|incident.webhook.secret has nothing after its prefix: set the whole signing secret incident.io "
                    + "shows",
            "abc|incident.webhook.secret is not a webhook signing secret: it must be whsec_ followed by base64, as "
                    + "incident.io shows it",
            "whsec_!!!|incident.webhook.secret is not valid: what follows its prefix is not base64 (check for spaces "
                    + "or line breaks copied with it)",
            "whsec_A|incident.webhook.secret is not valid: what follows its prefix is not base64 (check for spaces "
                    + "or line breaks copied with it)",
            "whsec_==|incident.webhook.secret is not valid: what follows its prefix is not base64 (check for spaces "
                    + "or line breaks copied with it)",
            "'whsec_MfKQ9r8GKYqrTwjU PD8ILPZIo2LaLaSw'|incident.webhook.secret is not valid: what follows its prefix "
                    + "is not base64 (check for spaces or line breaks copied with it)",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw|incident.webhook.secret is not a webhook signing secret: it must be "
                    + "whsec_ followed by base64, as incident.io shows it"})
    void aBadSecretIsNamedButNeverQuoted(String secret, String message) {
        assertEquals(message, WebhookReceiver.problem(secret));
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> new WebhookReceiver(secret, Clock.fixed(NOW, ZoneOffset.UTC)));
        assertEquals(message, thrown.getMessage());
        assertFalse(message.contains(secret), message);
        String keyPart = secret.startsWith("whsec_") ? secret.substring(6) : secret;
        if (keyPart.length() > 1) {
            assertFalse(message.contains(keyPart), message);
        }
        assertFalse(message.contains("\n"));
    }

    @Test
    void neitherTheBodyNorASignatureNorTheSecretIsEverEchoed() {
        String type = "public_incident.incident_updated_v2";
        String body = event(type, publicIncident(INCIDENT));
        long ts = NOW.getEpochSecond();
        String good = sign(KEY, "msg_leak", ts, body);
        String forged = sign(OTHER_KEY, "msg_leak2", ts, body);
        List<Verdict> verdicts = new ArrayList<>();
        List<String> signatures = List.of(good, forged, sign(KEY, "msg_leak3", ts - 400, body));
        verdicts.add(deliver(receiver, headers("msg_leak", Long.toString(ts), "v1," + good), body));
        verdicts.add(deliver(receiver, headers("msg_leak", Long.toString(ts), "v1," + good), body));
        verdicts.add(deliver(receiver, headers("msg_leak2", Long.toString(ts), "v1," + forged), body));
        verdicts.add(deliver(receiver, headers("msg_leak3", Long.toString(ts - 400), "v1," + signatures.get(2)),
                body));
        String malformed = "{\"event_type\":\"" + type + "\",\"" + type + "\":{\"id\":\"card 4111 1111\"}}";
        verdicts.add(deliver("msg_leak4", malformed));
        String broken = "{\"event_type\": card numbers 4111 1111";
        verdicts.add(deliver("msg_leak5", broken));
        String ignored = event("public_alert.alert_created_v1", "{\"title\":\"card numbers in the logs\"}");
        verdicts.add(deliver("msg_leak6", ignored));
        verdicts.add(deliver(new WebhookReceiver(null, Clock.systemUTC()), signed("msg_leak7", NOW, body), body));

        assertEquals(List.of("accepted", "duplicate", "rejected", "rejected", "malformed", "malformed", "ignored",
                "off"), verdicts.stream().map(Verdict::outcome).toList());
        for (Verdict verdict : verdicts) {
            for (String text : new String[] {verdict.logLine(), verdict.body()}) {
                assertNotNull(text);
                for (String secretish : List.of(SECRET, KEY_BASE64, good, forged, signatures.get(2), body, malformed,
                        broken, ignored, "card", "4111", "Checkout")) {
                    assertFalse(text.contains(secretish), text + " contains " + secretish);
                }
                assertFalse(text.contains("\n"), text);
            }
        }
    }

    @Test
    void anEchoedIdIsCappedAndStrippedOfControlCharacters() {
        String id = "msg_\n2025-01-01 INFO forged line\u001b[31m\u202e" + "x".repeat(300);
        String body = event("public_incident.incident_updated_v2", publicIncident(INCIDENT));
        long ts = NOW.getEpochSecond();
        Verdict verdict = deliver(receiver, headers(id, Long.toString(ts), "v1," + sign(OTHER_KEY, id, ts, body)),
                body);
        String shown = ("msg_2025-01-01 INFO forged line[31m" + "x".repeat(300)).substring(0, 99) + "…";
        assertEquals(100, shown.length());
        assertEquals(rejected(shown, "no signature matches incident.webhook.secret"), verdict);
        // the genuine delivery of that id is accepted under its whole id, and echoed capped too
        String type = "public_incident.incident_updated_v2";
        assertEquals(accepted(type, shown, new Target("incident", INCIDENT, INCIDENT)),
                deliver(receiver, signed(id, NOW, body), body));
        assertEquals("msg_short", WebhookReceiver.echo("msg_short"));
        assertEquals("y".repeat(100), WebhookReceiver.echo("y".repeat(100)));
    }

    @Test
    void anIdIsForgottenOnceNoReplayOfItCouldBeAccepted() {
        MutableClock clock = new MutableClock(NOW);
        WebhookReceiver receiver = new WebhookReceiver(SECRET, clock);
        String body = event("private_incident.incident_updated_v2", "{\"id\":\"" + INCIDENT + "\"}");
        assertEquals("accepted", deliver(receiver, signed("msg_e", NOW, body), body).outcome());
        clock.now = NOW.plusSeconds(300);
        assertEquals("accepted", deliver(receiver, signed("msg_f", clock.now, body), body).outcome());
        assertEquals(2, receiver.remembered());

        // 2 * TOLERANCE later msg_e's signed timestamp could still have been accepted: still a duplicate
        clock.now = NOW.plusSeconds(600);
        assertEquals("duplicate", deliver(receiver, signed("msg_e", clock.now, body), body).outcome());
        assertEquals(2, receiver.remembered());
        // a second more and no replay of it could pass the timestamp check: forgotten, msg_f kept
        clock.now = NOW.plusSeconds(601);
        assertEquals("accepted", deliver(receiver, signed("msg_g", clock.now, body), body).outcome());
        assertEquals(2, receiver.remembered());
        assertEquals("accepted", deliver(receiver, signed("msg_e", clock.now, body), body).outcome());
        assertEquals("duplicate", deliver(receiver, signed("msg_f", clock.now, body), body).outcome());
        assertEquals(3, receiver.remembered());
    }

    @Test
    void remembersAtMost100000Ids() {
        String body = event("private_incident.incident_updated_v2", "{\"id\":\"" + INCIDENT + "\"}");
        for (int i = 0; i <= WebhookReceiver.MAX_REMEMBERED; i++) {
            assertEquals("accepted", deliver("msg_" + i, body).outcome());
        }
        assertEquals(100_000, receiver.remembered());
        // the oldest went first
        assertEquals("duplicate", deliver("msg_100000", body).outcome());
        assertEquals("duplicate", deliver("msg_1", body).outcome());
        assertEquals("accepted", deliver("msg_0", body).outcome());
        assertEquals(100_000, receiver.remembered());
    }

    @Test
    void ofConcurrentDeliveriesOfOneIdExactlyOneIsAccepted() throws Exception {
        String body = event("private_incident.incident_updated_v2", "{\"id\":\"" + INCIDENT + "\"}");
        Map<String, String> headers = signed("msg_race", NOW, body);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return deliver(receiver, headers, body).outcome();
                }));
            }
            start.countDown();
            List<String> seen = new ArrayList<>();
            for (java.util.concurrent.Future<String> outcome : outcomes) {
                seen.add(outcome.get());
            }
            assertEquals(1, seen.stream().filter("accepted"::equals).count());
            assertEquals(63, seen.stream().filter("duplicate"::equals).count());
        } finally {
            pool.shutdownNow();
        }
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
