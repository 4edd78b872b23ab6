package io.incidentsync.webhooks;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies and classifies incident.io webhook deliveries, signed the Svix way: headers webhook-id, webhook-timestamp
 * (unix seconds) and webhook-signature ({@code v1,<base64 HMAC-SHA256 of id.timestamp.body>}, keyed with the base64
 * after the secret's {@code whsec_} prefix). A delivery only names what changed; the caller fetches the record itself,
 * so a verdict carries ids, never payload content.
 *
 * <p>Neither the secret, a signature nor the body ever reaches a verdict's body or log line: the log is read by more
 * people than the secret is meant for, and a payload may hold an incident's private text.
 */
public final class WebhookReceiver {

    /**
     * What a delivery asks to refresh.
     *
     * @param kind       "incident", "follow_up" or "action"
     * @param id         the record's id
     * @param incidentId the incident's id when the payload names it (incident events: = id; public follow-up and
     *                   action events: their incident_id), else null: private events carry only the record's id
     */
    public record Target(String kind, String id, String incidentId) {
    }

    /**
     * The answer to one delivery.
     *
     * @param status  the HTTP status to answer
     * @param body    a short JSON answer
     * @param outcome "accepted", "rejected", "duplicate", "ignored", "malformed" or "off"
     * @param logLine one line for the log, or null
     * @param targets what to refresh; empty unless accepted
     */
    public record Verdict(int status, String body, String outcome, String logLine, List<Target> targets) {
        public Verdict {
            targets = targets == null ? List.of() : List.copyOf(targets);
        }
    }

    /** How far a delivery's timestamp may be from our clock, either way: what Svix's own verifiers allow. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    /**
     * How long a verified id is remembered: a replay must carry the signed timestamp unchanged, which is acceptable
     * for 2 * TOLERANCE at most, so an id remembered that long cannot be applied twice.
     */
    static final Duration REMEMBERED = TOLERANCE.multipliedBy(2);
    /** Ids remembered at most; past it the oldest go first, so a flood cannot exhaust the heap. */
    static final int MAX_REMEMBERED = 100_000;
    /** The most characters of a header echoed into a log line or an answer. */
    static final int MAX_ECHO = 100;

    private static final String PREFIX = "whsec_";
    private static final String PUBLIC = "public_incident.";
    private static final String PRIVATE = "private_incident.";
    /** Every id a target carries; they later go into SQL text, so this is a security check, not tidiness. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,18}");
    private static final String OFF_BODY = "{\"error\":\"webhooks are off: set incident.webhook.secret\"}";
    /** Strict: a duplicated key or trailing text would make "the" event type or id ambiguous. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final byte[] key;
    private final Clock clock;
    /** Verified ids and when they came, oldest first; guarded by itself. */
    private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /**
     * @param secret the whsec_ signing secret, or null or blank for webhooks off
     * @param clock  what timestamps are compared with and ids remembered by
     * @throws IllegalArgumentException when secret is not whsec_ and base64; the message never quotes the secret
     */
    public WebhookReceiver(String secret, Clock clock) {
        String problem = problem(secret);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.key = secret == null || secret.isBlank() ? null
                : Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** False when no secret was set: every delivery is then answered 404. */
    public boolean enabled() {
        return key != null;
    }

    /**
     * For configuration validation: null when secret is usable or blank (off), else a one-line problem. The message
     * never quotes the secret, and the two about a whsec_ secret do not even spell the prefix, so none can contain it.
     */
    public static String problem(String secret) {
        if (secret == null || secret.isBlank()) {
            return null;
        }
        if (!secret.startsWith(PREFIX)) {
            return "incident.webhook.secret is not a webhook signing secret: it must be whsec_ followed by base64, "
                    + "as incident.io shows it";
        }
        if (secret.length() == PREFIX.length()) {
            return "incident.webhook.secret has nothing after its prefix: set the whole signing secret incident.io "
                    + "shows";
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            // not e.getMessage(): it names the offending character of the secret
            decoded = null;
        }
        if (decoded == null || decoded.length == 0) {
            return "incident.webhook.secret is not valid: what follows its prefix is not base64 (check for spaces or "
                    + "line breaks copied with it)";
        }
        return null;
    }

    /**
     * Verifies one delivery, then classifies it.
     *
     * @param header the request's headers, looked up case-insensitively; null when absent
     * @param body   the request body exactly as received: the signature covers these bytes
     */
    public Verdict receive(Function<String, String> header, byte[] body) {
        String id = present(header.apply("webhook-id"));
        String shown = id == null ? "(no webhook-id)" : echo(id);
        if (key == null) {
            return new Verdict(404, OFF_BODY, "off", "webhook: refused delivery " + shown + ": webhooks are off; set "
                    + "incident.webhook.secret (INCIDENT_WEBHOOK_SECRET) to receive them", List.of());
        }
        String timestamp = present(header.apply("webhook-timestamp"));
        String signature = present(header.apply("webhook-signature"));
        List<String> missing = new ArrayList<>();
        if (id == null) {
            missing.add("webhook-id");
        }
        if (timestamp == null) {
            missing.add("webhook-timestamp");
        }
        if (signature == null) {
            missing.add("webhook-signature");
        }
        if (!missing.isEmpty()) {
            return rejected(shown, "missing header " + String.join(", ", missing));
        }
        if (!SECONDS.matcher(timestamp).matches()) {
            return rejected(shown, "webhook-timestamp is not a whole number of unix seconds");
        }
        Instant now = clock.instant();
        long skew = now.getEpochSecond() - Long.parseLong(timestamp);
        if (Math.abs(skew) > TOLERANCE.toSeconds()) {
            return rejected(shown, "timestamp " + Math.abs(skew) + " s off, more than " + TOLERANCE.toSeconds()
                    + " s (" + (skew > 0 ? "behind" : "ahead of") + " our clock)");
        }
        byte[] content = body == null ? new byte[0] : body;
        if (!signed(id, timestamp, signature, content)) {
            return rejected(shown, "no signature matches incident.webhook.secret");
        }
        // only now, verified: a forged delivery must not claim an id the genuine one will come with
        if (!remember(id, now)) {
            return new Verdict(200, "{\"status\":\"duplicate\"}", "duplicate", "webhook: delivery " + shown
                    + " already received in the last " + REMEMBERED.toSeconds() + " s: ignored", List.of());
        }
        Verdict verdict = classify(shown, content);
        if (verdict.outcome().equals("malformed")) {
            // its retry gets the same 400 rather than a 200 that would hide it
            forget(id, now);
        }
        return verdict;
    }

    /** True when any v1 entry is the HMAC of id.timestamp.body; other versions are skipped, as Svix's are. */
    private boolean signed(String id, String timestamp, String signatures, byte[] body) {
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            expected = mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        boolean matched = false;
        for (String entry : signatures.split(" ")) {
            if (!entry.startsWith("v1,")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(3));
            } catch (IllegalArgumentException e) {
                continue;
            }
            // every entry, constant time each: how far a guess got must not show in the answer's timing
            matched |= MessageDigest.isEqual(expected, given);
        }
        return matched;
    }

    /** Remembers a verified id; false when it was already remembered within {@link #REMEMBERED}. */
    private boolean remember(String id, Instant now) {
        Instant horizon = now.minus(REMEMBERED);
        synchronized (seen) {
            Iterator<Instant> oldest = seen.values().iterator();
            while (oldest.hasNext() && oldest.next().isBefore(horizon)) {
                oldest.remove();
            }
            Instant before = seen.get(id);
            if (before != null && !before.isBefore(horizon)) {
                return false;
            }
            seen.remove(id);
            seen.put(id, now);
            return true;
        }
    }

    private void forget(String id, Instant at) {
        synchronized (seen) {
            seen.remove(id, at);
        }
    }

    /** How many ids are remembered now: for tests. */
    int remembered() {
        synchronized (seen) {
            return seen.size();
        }
    }

    private Verdict classify(String shown, byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            // not e.getMessage(): it quotes the body
            return malformed(shown, null, "body is not JSON");
        }
        if (root == null || !root.isObject()) {
            return malformed(shown, null, "body is not a JSON object");
        }
        JsonNode typeNode = root.get("event_type");
        if (typeNode == null || !typeNode.isTextual() || typeNode.asText().isBlank()) {
            return malformed(shown, null, "no event_type string");
        }
        String type = typeNode.asText();
        String kind = kind(type);
        if (kind == null) {
            // payload not even looked at: an event we do not apply must not be refused (and retried for a day)
            return new Verdict(200, "{\"status\":\"ignored\"}", "ignored", "webhook: " + echo(type) + " " + shown
                    + ": not an event type this product applies; counted, ignored", List.of());
        }
        JsonNode payload = root.get(type);
        if (payload == null || !payload.isObject()) {
            return malformed(shown, type, "no " + echo(type) + " object holding the payload");
        }
        JsonNode record = payload;
        if (type.endsWith(".incident_status_updated_v2")) {
            record = payload.get("incident");
            if (record == null || !record.isObject()) {
                return malformed(shown, type, "no incident object in the payload");
            }
        }
        JsonNode idNode = record.get("id");
        if (idNode == null || !idNode.isTextual()) {
            return malformed(shown, type, "no id string in the payload");
        }
        String id = idNode.asText();
        if (!ID.matcher(id).matches()) {
            return malformed(shown, type, "the payload's id is not 1 to 128 letters, digits, _ or -");
        }
        String incidentId = id;
        if (!kind.equals("incident")) {
            JsonNode incidentNode = record.get("incident_id");
            if (incidentNode == null || incidentNode.isNull()) {
                incidentId = null;
            } else if (!incidentNode.isTextual() || !ID.matcher(incidentNode.asText()).matches()) {
                return malformed(shown, type, "the payload's incident_id is not 1 to 128 letters, digits, _ or -");
            } else {
                incidentId = incidentNode.asText();
            }
        }
        return new Verdict(200, "{\"status\":\"accepted\"}", "accepted",
                "webhook: " + type + " " + shown + " for " + kind + " " + id + ": queued",
                List.of(new Target(kind, id, incidentId)));
    }

    /** "incident", "follow_up" or "action" for the event types this product applies, else null. */
    private static String kind(String type) {
        boolean isPublic = type.startsWith(PUBLIC);
        if (!isPublic && !type.startsWith(PRIVATE)) {
            return null;
        }
        return switch (type.substring(isPublic ? PUBLIC.length() : PRIVATE.length())) {
            case "incident_created_v2", "incident_updated_v2" -> "incident";
            // public only: a private incident's status change comes as private_incident.incident_updated_v2
            case "incident_status_updated_v2" -> isPublic ? "incident" : null;
            case "follow_up_created_v1", "follow_up_updated_v1" -> "follow_up";
            case "action_created_v1", "action_updated_v1" -> "action";
            default -> null;
        };
    }

    private static Verdict rejected(String shown, String reason) {
        return new Verdict(401, error(reason), "rejected", "webhook: refused delivery " + shown + ": " + reason,
                List.of());
    }

    private static Verdict malformed(String shown, String type, String reason) {
        return new Verdict(400, error("malformed delivery: " + reason), "malformed", "webhook: malformed delivery "
                + shown + (type == null ? "" : " (" + echo(type) + ")") + ": " + reason, List.of());
    }

    private static String error(String reason) {
        return JSON.createObjectNode().put("error", reason).toString();
    }

    private static String present(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * A sender-chosen text fit for one log line: without control or format characters (no forged lines, no
     * reordered text) and at most {@link #MAX_ECHO} characters, the last an ellipsis when cut.
     */
    static String echo(String text) {
        StringBuilder kept = new StringBuilder(Math.min(text.length(), MAX_ECHO + 1));
        for (int i = 0; i < text.length() && kept.length() <= MAX_ECHO; i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (!Character.isISOControl(c) && type != Character.FORMAT && type != Character.LINE_SEPARATOR
                    && type != Character.PARAGRAPH_SEPARATOR) {
                kept.append(c);
            }
        }
        if (kept.length() <= MAX_ECHO) {
            return kept.toString();
        }
        int cut = MAX_ECHO - 1;
        if (Character.isHighSurrogate(kept.charAt(cut - 1))) {
            cut--;
        }
        return kept.substring(0, cut) + "…";
    }
}
