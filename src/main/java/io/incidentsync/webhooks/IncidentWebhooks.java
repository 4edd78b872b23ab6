package io.incidentsync.webhooks;

import io.incidentsync.api.Page;
import io.incidentsync.run.CauseText;
import io.incidentsync.run.IncidentSync;
import io.incidentsync.run.SyncException;
import io.incidentsync.run.SyncMetrics;
import io.incidentsync.run.SyncRun;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The steps of the webhook routes (webhooks.camel.yaml): answer a delivery ({@link WebhookReceiver}
 * verifies it), queue what it names, and, for the refresh route, take the queue and work out which
 * incidents to fetch: a follow-up or action of a private incident arrives with its id only, so its
 * incident comes from fetching it; an incident's mode comes from fetching the incident, since the
 * actions and follow-ups listings hide test and tutorial incidents' records without it.
 */
public final class IncidentWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentWebhooks.class);

    private final WebhookReceiver receiver;
    private final SyncMetrics metrics;
    /** At most this many records wait for a refresh; events beyond it are left to the next sync (one WARN line). */
    public static final int MAX_PENDING = 10_000;
    /** A failed refresh is tried again after this long, doubled after each failure in a row up to a minute. */
    static final long FIRST_RETRY_MILLIS = 1_000;
    static final long MAX_RETRY_MILLIS = 60_000;

    /** What deliveries asked for and no refresh has taken yet, by kind and id (repeats collapse). */
    private final Map<String, WebhookReceiver.Target> pending = new LinkedHashMap<>();
    /** Whether events were turned away since the queue was last below its bound (said once per episode). */
    private boolean overflowing;
    /** Failed refreshes in a row, for the backoff. */
    private int failuresInARow;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "incident-webhook-retry");
        thread.setDaemon(true);
        return thread;
    });

    public IncidentWebhooks(WebhookReceiver receiver, SyncMetrics metrics) {
        this.receiver = receiver;
        this.metrics = metrics;
        metrics.webhookPending(this::pendingCount);
    }

    /** How many records wait for a refresh. */
    public int pendingCount() {
        synchronized (pending) {
            return pending.size();
        }
    }

    public boolean enabled() {
        return receiver.enabled();
    }

    /**
     * Answers one delivery: the status, a short JSON body, and nothing of the request's headers. Property
     * {@code webhookQueued} says whether it queued anything for the refresh route.
     */
    public void receive(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        WebhookReceiver.Verdict verdict = receiver.receive(name -> exchange.getMessage().getHeader(name, String.class),
                body == null ? new byte[0] : body);
        metrics.delivery(verdict.outcome());
        if (verdict.logLine() != null) {
            if (verdict.status() >= 400) {
                LOG.warn(verdict.logLine());
            } else {
                LOG.info(verdict.logLine());
            }
        }
        queue(verdict.targets());
        exchange.setProperty("webhookQueued", !verdict.targets().isEmpty());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, verdict.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(verdict.body());
    }

    /**
     * Queues targets, each record once (a repeat takes the place of the one queued); beyond {@link #MAX_PENDING}
     * one WARN line says that later events are left to the next sync, which reads the incidents that changed.
     */
    private void queue(List<WebhookReceiver.Target> targets) {
        int turnedAway = 0;
        synchronized (pending) {
            for (WebhookReceiver.Target target : targets) {
                String key = target.kind() + "/" + target.id();
                if (pending.containsKey(key) || pending.size() < MAX_PENDING) {
                    pending.put(key, target);
                } else {
                    turnedAway++;
                }
            }
            if (turnedAway == 0 || overflowing) {
                return;
            }
            overflowing = true;
        }
        LOG.warn("webhook: {} records already wait for a refresh, as many as the queue holds; later events are left to "
                + "the next sync, which reads the incidents changed since the last one (incident.schedule)", MAX_PENDING);
    }

    /** The batch a refresh works on: everything queued so far (the queue is emptied). */
    public Batch takePending() {
        List<WebhookReceiver.Target> taken;
        synchronized (pending) {
            taken = new ArrayList<>(pending.values());
            pending.clear();
            overflowing = false;
        }
        return new Batch(taken);
    }

    /**
     * After a refresh, whatever came of it: when it failed (an exception, or a table that failed, so nothing
     * changed), its events go back in the queue and a refresh is tried again after a backoff (a second, doubled
     * after each failure in a row, at most a minute), so no event is dropped; a refresh that worked resets it.
     */
    public void afterRefresh(Exchange exchange) {
        Batch batch = exchange.getProperty("webhookBatch", Batch.class);
        if (batch == null || batch.isEmpty()) {
            return;
        }
        SyncRun run = exchange.getProperty(IncidentSync.RUN, SyncRun.class);
        boolean failed = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class) != null
                || run != null && run.refresh() != null && !run.results().isEmpty() && !run.ok();
        if (!failed) {
            failuresInARow = 0;
            return;
        }
        synchronized (pending) {
            for (WebhookReceiver.Target target : batch.targets) {
                // a newer event for the same record, queued meanwhile, stays
                pending.putIfAbsent(target.kind() + "/" + target.id(), target);
            }
        }
        long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failuresInARow, 6));
        failuresInARow++;
        org.apache.camel.CamelContext context = exchange.getContext();
        if (!context.getStatus().isStarted()) {
            return;
        }
        LOG.warn("webhook: {} back in the queue; the refresh is tried again in {} s", batch.incidents().isEmpty() ? batch
                : "incident(s) " + String.join(", ", batch.incidents().keySet()), delay / 1000.0);
        retries.schedule(() -> {
            if (context.getStatus().isStarted()) {
                context.createProducerTemplate().sendBody("seda:webhook-refresh?size=1&discardWhenFull=true", null);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** One refresh's work: the targets it took, and the incidents they come to. */
    public static final class Batch {
        private final List<WebhookReceiver.Target> targets;
        /** Incident id to mode (null until fetched, and for one the API no longer has). */
        private final Map<String, String> incidents = new LinkedHashMap<>();

        Batch(List<WebhookReceiver.Target> targets) {
            this.targets = targets;
            for (WebhookReceiver.Target t : targets) {
                if (t.incidentId() != null) {
                    incidents.put(t.incidentId(), null);
                }
            }
        }

        public boolean isEmpty() {
            return targets.isEmpty();
        }

        /** The paths of the follow-ups and actions whose incident is not known yet (private events). */
        public List<String> unresolvedPaths() {
            List<String> out = new ArrayList<>();
            for (WebhookReceiver.Target t : targets) {
                if (t.incidentId() == null) {
                    out.add((t.kind().equals("follow_up") ? "/v2/follow_ups/" : "/v2/actions/") + t.id());
                }
            }
            return out;
        }

        /** The paths of the incidents to fetch, for their mode. */
        public List<String> incidentPaths() {
            return incidents.keySet().stream().map(id -> "/v2/incidents/" + id).toList();
        }

        /** Incident id to mode: the body of the refresh. */
        public Map<String, String> incidents() {
            return incidents;
        }

        @Override
        public String toString() {
            return targets.size() + " webhook target(s)";
        }
    }

    /**
     * A fetched follow-up or action (the body): its incident joins the batch. One the API no longer has
     * (404, an empty page) has nothing left to refresh, and the next full refresh drops it.
     */
    public void resolvedChild(Exchange exchange) {
        Batch batch = exchange.getProperty("webhookBatch", Batch.class);
        try (Page page = exchange.getMessage().getBody(Page.class)) {
            for (ObjectNode record : page) {
                String incident = record.path("incident_id").asText(null);
                if (incident != null && !incident.isEmpty()) {
                    batch.incidents.putIfAbsent(incident, null);
                }
            }
        }
    }

    /** A fetched incident (the body): its mode. A 404 leaves it unknown, and the refresh deletes the incident's rows. */
    public void resolvedIncident(Exchange exchange) {
        Batch batch = exchange.getProperty("webhookBatch", Batch.class);
        try (Page page = exchange.getMessage().getBody(Page.class)) {
            for (ObjectNode record : page) {
                String id = record.path("id").asText(null);
                if (id != null && batch.incidents.containsKey(id)) {
                    batch.incidents.put(id, record.path("mode").asText(null));
                }
            }
        }
    }

    /** The refresh failed before it began writing: one line; {@link #afterRefresh} puts what it took back. */
    public void refreshFailed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Batch batch = exchange.getProperty("webhookBatch", Batch.class);
        LOG.error("webhook: refresh of {} FAILED, nothing changed: {}",
                batch == null ? "the queued events" : batch.incidents().isEmpty() ? batch : "incident(s) "
                        + String.join(", ", batch.incidents().keySet()),
                cause == null ? "unknown cause" : IncidentSync.shortLine(CauseText.of(rootSync(cause), null)));
    }

    private static Throwable rootSync(Throwable t) {
        Throwable at = t;
        while (at != null) {
            if (at instanceof SyncException) {
                return at;
            }
            at = at.getCause() == at ? null : at.getCause();
        }
        return t;
    }
}
