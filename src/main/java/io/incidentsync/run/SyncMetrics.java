package io.incidentsync.run;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the syncs of this process did, per table, for the metrics endpoint: counters that only grow,
 * and the last run's values. Updated when a table ends; read at each scrape.
 */
public final class SyncMetrics {

    /** One table's figures. */
    public static final class Table {
        private final AtomicLong rows = new AtomicLong();
        private final LongAdder requests = new LongAdder();
        private final LongAdder retries = new LongAdder();
        private final LongAdder rateLimited = new LongAdder();
        private volatile double seconds;
        private volatile double lastSuccess = Double.NaN;

        /** Rows of the live table after its last successful sync. */
        public long rows() {
            return rows.get();
        }

        public long requests() {
            return requests.sum();
        }

        public long retries() {
            return retries.sum();
        }

        /** Answers 429 Too Many Requests. */
        public long rateLimited() {
            return rateLimited.sum();
        }

        /** How long the table's last sync took, successful or not. */
        public double seconds() {
            return seconds;
        }

        /** When the table last synced successfully, in seconds since the epoch; NaN before that. */
        public double lastSuccess() {
            return lastSuccess;
        }
    }

    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    private final LongAdder runsOk = new LongAdder();
    private final LongAdder runsFailed = new LongAdder();

    /** The table's figures, created empty at its first mention. */
    public Table table(String name) {
        return tables.computeIfAbsent(name, n -> new Table());
    }

    void tableEnded(SyncRun.Result result, long rateLimited) {
        Table t = table(result.table());
        t.requests.add(result.requests());
        t.retries.add(result.retries());
        t.rateLimited.add(rateLimited);
        t.seconds = result.seconds();
        if (result.ok()) {
            t.rows.set(result.rows());
            t.lastSuccess = result.finished().toInstant().toEpochMilli() / 1000.0;
        }
    }

    void runEnded(boolean ok) {
        (ok ? runsOk : runsFailed).increment();
    }

    public long runs(boolean ok) {
        return (ok ? runsOk : runsFailed).sum();
    }

    private final LongAdder refreshesOk = new LongAdder();
    private final LongAdder refreshesFailed = new LongAdder();
    private final Map<String, LongAdder> deliveries = new ConcurrentHashMap<>();

    void refreshEnded(boolean ok) {
        (ok ? refreshesOk : refreshesFailed).increment();
    }

    /** Webhook refreshes (an event's incidents fetched and applied), by result. */
    /** Where the webhook queue's length is read from (the webhooks install it); 0 without webhooks. */
    private volatile java.util.function.IntSupplier webhookPending = () -> 0;

    public void webhookPending(java.util.function.IntSupplier pending) {
        this.webhookPending = pending;
    }

    /** Incidents (and follow-ups, actions) waiting for a webhook refresh. */
    public long webhookPending() {
        return webhookPending.getAsInt();
    }

    public long refreshes(boolean ok) {
        return (ok ? refreshesOk : refreshesFailed).sum();
    }

    public void delivery(String outcome) {
        deliveries.computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    /** What a webhook delivery can come to ({@link WebhookReceiver.Verdict#outcome()}). */
    public static final java.util.List<String> DELIVERY_OUTCOMES =
            java.util.List.of("accepted", "duplicate", "ignored", "rejected", "malformed", "off");

    /** Webhook deliveries received with this outcome. */
    public long deliveries(String outcome) {
        LongAdder n = deliveries.get(outcome);
        return n == null ? 0 : n.sum();
    }
}
