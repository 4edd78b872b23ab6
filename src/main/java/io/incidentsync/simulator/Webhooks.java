package io.incidentsync.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook deliveries of the simulated changes, signed the Svix way as incident.io signs them: headers webhook-id,
 * webhook-timestamp (unix seconds, the real clock: a receiver compares it with its own) and webhook-signature,
 * {@code v1,<base64 HMAC-SHA256 of id + "." + timestamp + "." + body>} keyed with the base64 after the secret's
 * {@code whsec_} prefix.
 *
 * <p>Every change batch emits its events in order once it is published; without a target they are only recorded
 * ({@link #events}). With one, each is POSTed asynchronously on one delivery thread, retried on a non-2xx answer or
 * a failed connection up to {@link #MAX_ATTEMPTS} times with a short doubling backoff (incident.io retries for a
 * day; a test has no day), each attempt logged in one line and recorded ({@link #deliveries}). A retry keeps the
 * message id and signs a fresh timestamp, as Svix does. The secret is never logged.
 *
 * <p>{@link #send} delivers an event once more on demand, optionally tampered with, so a receiver's checks can be
 * tested: a forged signature, a timestamp too old to accept, or a replayed message id.
 */
public final class Webhooks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    static final int MAX_ATTEMPTS = 4;
    static final long FIRST_BACKOFF_MILLIS = 100;
    /** How old {@link Tamper#OLD_TIMESTAMP} makes a timestamp: twice the five minutes Svix's verifiers tolerate. */
    static final Duration OLD = Duration.ofMinutes(10);
    static final int KEPT = 10_000;

    /** What {@link #send} does to a delivery on purpose. */
    public enum Tamper {
        /** A fresh message id, a valid signature: a genuine delivery. */
        NONE,
        /** A fresh message id, signed with another key: a receiver must refuse it (401). */
        FORGED_SIGNATURE,
        /** A fresh message id, validly signed, but stamped {@link #OLD} ago: a receiver must refuse it as a replay. */
        OLD_TIMESTAMP,
        /**
         * The event's original message id again, validly signed and timestamped now: a receiver must not apply it
         * twice.
         */
        REPLAYED_ID
    }

    /**
     * One event a change emitted.
     *
     * @param webhookId  the message id of its delivery (msg_...), stable across retries
     * @param type       e.g. public_incident.incident_updated_v2
     * @param resourceId the id of the incident, follow-up or action it is about
     * @param body       the JSON body, exactly as sent: {"event_type": type, type: payload}
     */
    public record Event(String webhookId, String type, String resourceId, String body) {
    }

    /**
     * One attempt to deliver an event.
     *
     * @param status the HTTP status the receiver answered, or 0 when no answer came (connection refused, timeout)
     */
    public record Delivery(String eventType, String webhookId, String resourceId, int attempt, int status,
                           Tamper tamper, long timestamp) {
        public boolean succeeded() {
            return status >= 200 && status < 300;
        }
    }

    private record Target(URI url, byte[] key) {
    }

    private final Ids messageIds;
    private final AtomicLong messages = new AtomicLong();
    /** The last {@link #KEPT} of each: a simulator left changing for days must not fill its memory with them. */
    private final Deque<Event> events = new ArrayDeque<>();
    private final Deque<Delivery> deliveries = new ArrayDeque<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "incident-simulator-webhooks");
        thread.setDaemon(true);
        return thread;
    });
    private final Object idle = new Object();
    private int pending;
    private volatile Target target;

    Webhooks(long seed) {
        this.messageIds = TableCode.WEBHOOK_MESSAGE.ids(seed);
    }

    /**
     * Sends every event from now on to url, signed with secret ({@code whsec_} and base64); a null url stops
     * sending (events are still recorded).
     *
     * @throws IllegalArgumentException for a url that is not http(s) or a secret that is not whsec_ and base64
     */
    public Webhooks target(String url, String secret) {
        if (url == null) {
            target = null;
            return this;
        }
        URI uri = url(url);
        target = new Target(uri, key(secret));
        // scheme, host, port and path only: a user:password or a token in the query stays out of the log
        LOG.info("webhooks: sending every change's events to {}://{}{}{}", uri.getScheme(), uri.getHost(),
                uri.getPort() < 0 ? "" : ":" + uri.getPort(), uri.getRawPath());
        return this;
    }

    public boolean enabled() {
        return target != null;
    }

    /** Every event changes emitted so far (the last 10,000), in order, whether or not a target received it. */
    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Every delivery attempt made so far (the last 10,000), in the order they finished. */
    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    private static <T> void keep(Deque<T> kept, T item) {
        synchronized (kept) {
            kept.addLast(item);
            if (kept.size() > KEPT) {
                kept.removeFirst();
            }
        }
    }

    /**
     * Delivers event once more, now, with no retry, tampered as asked; completes with the attempt's record.
     *
     * @throws IllegalStateException when no target is set
     */
    public CompletableFuture<Delivery> send(Event event, Tamper tamper) {
        Target to = target;
        if (to == null) {
            throw new IllegalStateException("no webhook target: SimulatorConfig.webhook(url, secret) or "
                    + "Webhooks.target(url, secret) first");
        }
        String id = tamper == Tamper.REPLAYED_ID ? event.webhookId() : nextMessageId();
        CompletableFuture<Delivery> result = new CompletableFuture<>();
        submit(() -> {
            try {
                result.complete(attempt(to, event, id, 1, tamper));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Waits until no delivery is queued, in flight or waiting to be retried; false when timeout passed first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
            return true;
        }
    }

    /** Records a published batch's events and, with a target, queues their deliveries in order. */
    void emit(List<WebhookPayloads.Draft> drafts) {
        List<Event> batch = new ArrayList<>();
        for (WebhookPayloads.Draft draft : drafts) {
            batch.add(new Event(nextMessageId(), draft.type(), draft.resourceId(),
                    Json.MAPPER.valueToTree(draft.body()).toString()));
        }
        batch.forEach(event -> keep(events, event));
        Target to = target;
        if (to == null) {
            return;
        }
        for (Event event : batch) {
            submit(() -> deliver(to, event, 1));
        }
    }

    /** Runs a delivery on the sender thread, counted as pending until it and its retries are done. */
    private void submit(Runnable delivery) {
        started();
        try {
            sender.execute(() -> {
                try {
                    delivery.run();
                } finally {
                    finished();
                }
            });
        } catch (RejectedExecutionException closed) {
            finished();
        }
    }

    /** One attempt; a failed one schedules the next, itself pending until then. */
    private void deliver(Target to, Event event, int attempt) {
        Delivery delivery = attempt(to, event, event.webhookId(), attempt, Tamper.NONE);
        if (delivery.succeeded() || attempt >= MAX_ATTEMPTS) {
            return;
        }
        long backoff = FIRST_BACKOFF_MILLIS << (attempt - 1);
        started();
        try {
            sender.schedule(() -> {
                try {
                    deliver(to, event, attempt + 1);
                } finally {
                    finished();
                }
            }, backoff, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            finished();
        }
    }

    /** One POST; never throws for the receiver's sake: no answer is status 0. */
    private Delivery attempt(Target to, Event event, String id, int attempt, Tamper tamper) {
        long now = Instant.now().getEpochSecond();
        long timestamp = tamper == Tamper.OLD_TIMESTAMP ? now - OLD.toSeconds() : now;
        byte[] key = tamper == Tamper.FORGED_SIGNATURE ? forged(to.key()) : to.key();
        String signature = "v1," + sign(key, id, timestamp, event.body());
        HttpRequest request = HttpRequest.newBuilder(to.url()).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .header("User-Agent", "incident-io-simulator (Svix-style webhooks)")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(event.body(), StandardCharsets.UTF_8)).build();
        int status;
        String failure = null;
        long started = System.nanoTime();
        try {
            status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            status = 0;
            failure = e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
            failure = "interrupted";
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        Delivery delivery = new Delivery(event.type(), id, event.resourceId(), attempt, status, tamper, timestamp);
        keep(deliveries, delivery);
        LOG.info("webhook {} {} {} attempt {}{}: {} in {} ms", event.type(), id, event.resourceId(), attempt,
                tamper == Tamper.NONE ? "" : " (" + tamper + ")", status == 0 ? "no answer (" + failure + ")" : status,
                millis);
        return delivery;
    }

    /** The base64 HMAC-SHA256 of id.timestamp.body. */
    static String sign(byte[] key, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** A key the receiver does not have, the same length as the real one. */
    private static byte[] forged(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return java.util.Arrays.copyOf(digest, Math.max(1, key.length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The HMAC key of a whsec_ secret; the message names neither the secret nor any part of it. */
    static byte[] key(String secret) {
        if (secret == null || !secret.startsWith("whsec_") || secret.length() == "whsec_".length()) {
            throw new IllegalArgumentException("a webhook secret is whsec_ followed by base64");
        }
        try {
            return Base64.getDecoder().decode(secret.substring("whsec_".length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is whsec_ followed by base64; the part after "
                    + "whsec_ is not base64");
        }
    }

    private static URI url(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook URL must be an http or https URL, not '" + url + "'");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("a webhook URL must be an http or https URL, not '" + url + "'");
        }
        return uri;
    }

    private String nextMessageId() {
        return "msg_" + messageIds.id(messages.getAndIncrement());
    }

    private void started() {
        synchronized (idle) {
            pending++;
        }
    }

    private void finished() {
        synchronized (idle) {
            pending--;
            idle.notifyAll();
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
        synchronized (idle) {
            pending = 0;
            idle.notifyAll();
        }
    }
}
