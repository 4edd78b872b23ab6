package io.incidentsync.webhooks;

import io.incidentsync.api.Page;
import io.incidentsync.run.CauseText;
import io.incidentsync.run.IncidentSync;
import io.incidentsync.run.SyncException;
import io.incidentsync.run.SyncMetrics;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    /** What deliveries asked for and no refresh has taken yet, by kind and id (repeats collapse). */
    private final Map<String, WebhookReceiver.Target> pending = new LinkedHashMap<>();

    public IncidentWebhooks(WebhookReceiver receiver, SyncMetrics metrics) {
        this.receiver = receiver;
        this.metrics = metrics;
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
        synchronized (pending) {
            for (WebhookReceiver.Target target : verdict.targets()) {
                pending.put(target.kind() + "/" + target.id(), target);
            }
        }
        exchange.setProperty("webhookQueued", !verdict.targets().isEmpty());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, verdict.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(verdict.body());
    }

    /** The batch a refresh works on: everything queued so far (the queue is emptied). */
    public Batch takePending() {
        List<WebhookReceiver.Target> taken;
        synchronized (pending) {
            taken = new ArrayList<>(pending.values());
            pending.clear();
        }
        return new Batch(taken);
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

    /** The refresh failed before it began writing: one line; what it took comes with the next sync. */
    public void refreshFailed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Batch batch = exchange.getProperty("webhookBatch", Batch.class);
        LOG.error("webhook: refresh of {} FAILED, nothing changed: {}; the next sync brings them",
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
