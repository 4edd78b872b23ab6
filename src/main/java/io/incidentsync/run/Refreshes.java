package io.incidentsync.run;

import io.incidentsync.store.DestinationLock;
import io.incidentsync.store.Dialect;
import io.incidentsync.store.Sql;
import io.incidentsync.store.TableLoad;
import org.apache.camel.Exchange;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.incidentsync.run.IncidentSync.LOG;

/**
 * A webhook refresh (bean {@code incidentRefreshes}): a run of the tables that hold some incidents'
 * rows, once no sync of this process writes and the destination's lock is taken; their merges applied
 * together in one transaction at the end, or none of them.
 */
public final class Refreshes {

    private final IncidentSync sync;

    Refreshes(IncidentSync sync) {
        this.sync = sync;
    }

    /** Waits this long at most for another process's sync to give the destination back to a refresh. */
    static final long REFRESH_LOCK_WAIT_MILLIS = 120_000;

    /**
     * Starts a webhook refresh of the incidents in the body (id to incident mode, null when unknown): waits
     * for a sync of this process to end, takes the destination's lock, and makes a run of the tables that
     * hold the incidents' rows (incidents, incident_updates, actions, follow_ups, those enabled). The body
     * becomes those tables; empty when there is nothing to do (no complete sync yet: the first brings them).
     */
    public List<String> startRefresh(Exchange exchange) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, String> incidents = exchange.getMessage().getBody(Map.class);
        if (incidents == null || incidents.isEmpty()) {
            return List.of();
        }
        if (!sync.turns().refreshBegins(exchange.getContext())) {
            return List.of();
        }
        exchange.setProperty("refreshing", true);
        List<String> tables = new ArrayList<>(List.of("incident_updates", "actions", "follow_ups", "incidents"));
        tables.retainAll(sync.settings().streams());
        try (Connection connection = sync.dataSource().getConnection()) {
            if (sync.dialect() == null) {
                sync.dialect(Dialect.of(connection));
            }
            Dialect dialect = sync.dialect();
            if (!tables.contains("incidents") || dialect.columns(connection, "incidents").isEmpty()) {
                LOG.info("webhook: no complete sync of incidents yet; the first sync brings incident(s) {}",
                        String.join(", ", incidents.keySet()));
                exchange.setProperty(IncidentSync.RUN, new SyncRun(List.of(), incidents));
                return List.of();
            }
            // a table no sync has made yet is left to the sync: made here, it would hold these incidents'
            // rows only, and the incremental runs that follow would take it for complete
            for (java.util.Iterator<String> t = tables.iterator(); t.hasNext(); ) {
                if (dialect.columns(connection, t.next()).isEmpty()) {
                    t.remove();
                }
            }
        }
        SyncRun run = new SyncRun(tables, incidents);
        exchange.setProperty(IncidentSync.RUN, run);
        long deadline = System.currentTimeMillis() + REFRESH_LOCK_WAIT_MILLIS;
        DestinationLock lock = DestinationLock.tryAcquire(sync.dataSource(), sync.dialect());
        while (lock == null && System.currentTimeMillis() < deadline && exchange.getContext().getStatus().isStarted()) {
            Thread.sleep(500);
            lock = DestinationLock.tryAcquire(sync.dataSource(), sync.dialect());
        }
        if (lock == null) {
            throw new SyncException("another process's sync kept the destination for " + REFRESH_LOCK_WAIT_MILLIS / 1000
                    + " s; incident(s) " + String.join(", ", incidents.keySet()) + " come with the next sync");
        }
        exchange.setProperty(IncidentSync.LOCK, lock);
        return tables;
    }

    /**
     * The refresh's tables are read: the body becomes the statements that apply them all in one
     * transaction (every table's deletes and inserts in one statement text), or, when a table failed,
     * only those that drop the staging tables: then nothing changes.
     */
    public List<Sql> commitRefresh(Exchange exchange) {
        SyncRun run = exchange.getProperty(IncidentSync.RUN, SyncRun.class);
        if (run == null || run.tables().isEmpty()) {
            return List.of();
        }
        TableLoad.Merge all = TableLoad.Merge.join(run.merges());
        List<Sql> out = new ArrayList<>(run.ok() ? all.apply() : List.of());
        all.cleanup().forEach(drop -> out.add(Sql.allowedToFail(drop.getText(), "webhook: cannot drop a staging table; the next sync drops it")));
        return out;
    }

    /** Ends a refresh (whether it worked or not): logs one line, gives the destination back. */
    public void finishRefresh(Exchange exchange) {
        DestinationLock lock = exchange.getProperty(IncidentSync.LOCK, DestinationLock.class);
        if (lock != null) {
            lock.release();
            exchange.removeProperty(IncidentSync.LOCK);
        }
        SyncRun run = exchange.getProperty(IncidentSync.RUN, SyncRun.class);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure != null) {
            // refreshFailed logged it
            sync.metrics().refreshEnded(false);
        } else if (run != null && run.refresh() != null && !run.results().isEmpty()) {
            boolean ok = run.ok();
            String tables = run.results().stream().map(r -> r.table() + " " + (r.ok() ? r.rows() + " rows" : "FAILED"))
                    .collect(java.util.stream.Collectors.joining(", "));
            long requests = run.results().stream().mapToLong(SyncRun.Result::requests).sum();
            double seconds = (System.currentTimeMillis() - run.startedAt().toInstant().toEpochMilli()) / 1000.0;
            String line = String.format(java.util.Locale.ROOT, "webhook: refresh of incident(s) %s %s: %s; %d requests, %.1f s",
                    String.join(", ", run.refresh().keySet()), ok ? "applied" : "FAILED, nothing changed", tables,
                    requests, seconds);
            if (ok) {
                LOG.info(line);
            } else {
                LOG.error(line);
            }
            sync.metrics().refreshEnded(ok);
        }
        if (exchange.getProperty("refreshing", false, Boolean.class)) {
            exchange.removeProperty("refreshing");
            sync.turns().refreshEnds();
        }
    }
}
