package io.incidentsync.run;

import io.incidentsync.api.Page;
import io.incidentsync.schema.ColumnType;
import io.incidentsync.store.Dialect;
import io.incidentsync.store.H2Dialect;
import io.incidentsync.store.Sql;
import io.incidentsync.store.TableLoad;
import org.apache.camel.Exchange;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static io.incidentsync.run.IncidentSync.LOG;

/**
 * A table's end (bean {@code tableEnd}): the listing is complete, the staging table is swapped in (or,
 * in a webhook refresh, kept for the refresh's one transaction), and the result is logged and recorded
 * in {@code _sync_runs} and, for incremental tables, {@code _sync_state}; or the table failed, and its
 * staging table goes while the live table stays as it was.
 */
public final class TableEnd {

    static final String RUNS = "_sync_runs";

    private final IncidentSync sync;

    TableEnd(IncidentSync sync) {
        this.sync = sync;
    }

    /**
     * The listing is complete; the body becomes the statements that write what is left. Incidents first
     * wait for the child listings their arrays are built from.
     */
    public Iterator<Sql> endListing(Exchange exchange) throws Exception {
        TableRun tableRun = TableRun.of(exchange);
        TableLoad load = tableRun.getLoad();
        SyncRun run = tableRun.getRun();
        if (load.table().equals("incidents")) {
            for (Map.Entry<String, String> child : Streams.INCIDENT_CHILDREN.entrySet()) {
                Boolean ok = run.await(child.getKey());
                if (Boolean.FALSE.equals(ok)) {
                    LOG.warn("incidents: {} failed in this run; incidents.{} keeps the last complete listing of it",
                            child.getKey(), child.getValue());
                }
            }
        }
        return load.endListing();
    }

    /** The body becomes the statements that make the complete staging table the live one. */
    public List<Sql> swapTable(Exchange exchange) throws SQLException {
        TableRun tableRun = TableRun.of(exchange);
        SyncRun run = tableRun.getRun();
        TableLoad load = tableRun.getLoad();
        if (run.refresh() != null) {
            // applied with the refresh's other tables, in one transaction, by commitRefresh
            run.merge(load.table(), load.merge());
            return List.of();
        }
        return load.swap();
    }

    /** The table is live: logs it and records it; the body becomes the statements that record it in {@code _sync_runs}. */
    public List<Sql> finishTable(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        TableLoad load = tableRun.getLoad();
        SyncRun run = tableRun.getRun();
        load.close();
        if (run.refresh() != null) {
            return record(run, tableRun, load, true, null);
        }
        LOG.info("{}: finished: {} rows{}, {} pages, {} requests, {} retries, {} s", load.table(), load.rows(),
                load.childRows().isEmpty() ? "" : " (and " + load.childRows().values().stream().mapToLong(Long::longValue).sum()
                        + " in " + load.childRows().size() + " child tables)",
                load.pages(), load.requests(), load.retries(), String.format(java.util.Locale.ROOT, "%.1f", load.seconds()));
        List<Sql> out = new ArrayList<>(record(run, tableRun, load, true, null));
        if (tableRun.getSpec().incremental()) {
            SyncState.Entry before = run.state(load.table());
            java.time.Instant cursor = load.newestUpdate();
            if (before != null && before.cursor() != null && (cursor == null || before.cursor().isAfter(cursor))) {
                cursor = before.cursor();
            }
            if (load.merging() && load.table().equals("incidents") && before != null && updatesFailed(run)) {
                // the changed incidents' updates were not stored: the next run reads those incidents again
                LOG.warn("incidents: incident_updates failed in this run, so the cursor stays at {}", before.cursor());
                cursor = before.cursor();
            }
            java.time.Instant lastFull = load.merging() ? (before == null ? null : before.lastFull())
                    : run.startedAt().toInstant();
            out.addAll(SyncState.record(sync.dialect(), load.table(), cursor, lastFull, OffsetDateTime.now(ZoneOffset.UTC)));
        }
        return out;
    }

    /**
     * Called by the error handler: the live table stays as it was, and the run goes on with the other
     * tables. The body becomes the statements that drop the staging tables and record the failure.
     */
    public List<Sql> failTable(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // whatever the failed step left in the headers (a request's) goes no further
        exchange.getMessage().removeHeaders("*");
        TableRun tableRun = TableRun.of(exchange);
        String table = tableRun == null ? null : tableRun.getTable();
        SyncRun run = tableRun == null ? null : tableRun.getRun();
        TableLoad load = tableRun == null ? null : tableRun.getLoad();
        Page page = tableRun == null ? null : tableRun.page;
        if (page != null) {
            page.close();
        }
        String message = sync.describe(cause);
        LOG.error("{}: FAILED: {}", table, message);
        List<Sql> out = new ArrayList<>();
        if (load != null) {
            load.discardAhead();
            load.awaitWritesQuietly();
            out.addAll(load.abort());
            load.close();
            if (load.swapping()) {
                releaseExclusiveMode();
            }
        }
        if (run != null && table != null) {
            out.addAll(record(run, tableRun, load, false, message));
        }
        return out;
    }

    /**
     * H2's exclusive mode belongs to a session: should a swap fail between entering and leaving it, the
     * pool's idle connections are closed, which ends it, rather than pausing every other connection.
     */
    private void releaseExclusiveMode() {
        if (sync.dialect() instanceof H2Dialect && sync.dataSource() instanceof com.zaxxer.hikari.HikariDataSource hikari
                && hikari.getHikariPoolMXBean() != null) {
            hikari.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /** True when incident_updates was read for the changed incidents in this run and failed. */
    private static boolean updatesFailed(SyncRun run) {
        if (run.changedSince("incident_updates") == null || !run.tables().contains("incident_updates")) {
            return false;
        }
        try {
            return Boolean.FALSE.equals(run.await("incident_updates"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }


    private List<Sql> record(SyncRun run, TableRun tableRun, TableLoad load, boolean ok, String error) {
        OffsetDateTime started = tableRun.getStartedAt();
        SyncRun.Result result = new SyncRun.Result(tableRun.getTable(), ok,
                load == null ? 0 : load.rows(), load == null ? 0 : load.pages(), load == null ? 0 : load.requests(),
                load == null ? 0 : load.retries(), load == null ? 0 : load.seconds(), error,
                started, OffsetDateTime.now(ZoneOffset.UTC), load == null || !ok ? Map.of() : Map.copyOf(load.childRows()));
        boolean sync = run.refresh() == null;
        List<Sql> history = this.sync.dialect() == null || !sync ? List.of() : history(run, result);
        if (load != null) {
            this.sync.running().remove(load);
        }
        run.record(result);
        if (sync) {
            this.sync.metrics().tableEnded(result, load == null ? 0 : load.rateLimitedCount());
        }
        return history;
    }

    /** The statements that record a table's result in {@code _sync_runs}; their failure is only a warning. */
    private List<Sql> history(SyncRun run, SyncRun.Result r) {
        Dialect dialect = sync.dialect();
        String warning = r.table() + ": could not record the run in " + RUNS;
        Sql create = Sql.allowedToFail("CREATE TABLE IF NOT EXISTS " + dialect.quote(RUNS) + " ("
                + dialect.quote("run_id") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                + dialect.quote("table_name") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                + dialect.quote("started_at") + " " + dialect.type(ColumnType.TIMESTAMP, false) + ", "
                + dialect.quote("finished_at") + " " + dialect.type(ColumnType.TIMESTAMP, false) + ", "
                + dialect.quote("status") + " " + dialect.type(ColumnType.TEXT, true) + ", "
                + dialect.quote("row_count") + " BIGINT, "
                + dialect.quote("page_count") + " BIGINT, "
                + dialect.quote("request_count") + " BIGINT, "
                + dialect.quote("retry_count") + " BIGINT, "
                + dialect.quote("error") + " " + dialect.type(ColumnType.TEXT, false) + ", "
                + "PRIMARY KEY (" + dialect.quote("run_id") + ", " + dialect.quote("table_name") + "))"
                + dialect.tableOptions(), warning);
        List<Object> values = new ArrayList<>(Arrays.asList(run.id(), r.table(), dialect.bindable(r.started()),
                dialect.bindable(r.finished()),
                r.ok() ? "ok" : "failed", r.rows(), r.pages(), r.requests(), r.retries(), r.error()));
        Sql insert = Sql.allowedToFail("INSERT INTO " + dialect.quote(RUNS) + " ("
                + String.join(", ", dialect.quote("run_id"), dialect.quote("table_name"), dialect.quote("started_at"),
                dialect.quote("finished_at"), dialect.quote("status"), dialect.quote("row_count"),
                dialect.quote("page_count"), dialect.quote("request_count"), dialect.quote("retry_count"),
                dialect.quote("error")) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values, warning);
        return List.of(create, insert);
    }
}
