package io.incidentsync.run;

import io.incidentsync.store.TableLoad;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** One sync of the enabled tables: when it started, and how each table ended. */
public final class SyncRun {

    /** How one table's sync ended. */
    public record Result(String table, boolean ok, long rows, long pages, long requests, long retries,
                         double seconds, String error, OffsetDateTime started, OffsetDateTime finished,
                         Map<String, Long> childRows) {
        public Result(String table, boolean ok, long rows, long pages, long requests, long retries,
                      double seconds, String error, OffsetDateTime started, OffsetDateTime finished) {
            this(table, ok, rows, pages, requests, retries, seconds, error, started, finished, Map.of());
        }

        /** Rows of the table's child tables, in all. */
        public long childRowCount() {
            return childRows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final String id = UUID.randomUUID().toString();
    private final OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    private final List<String> tables;
    private final Map<String, CompletableFuture<Boolean>> done = new LinkedHashMap<>();
    private final Map<String, Result> results = new ConcurrentHashMap<>();
    /** Tables read incrementally in this run, with the date their listing starts from. */
    private final Map<String, java.time.LocalDate> changedSince = new ConcurrentHashMap<>();
    /** Each table's state as the run found it in {@code _sync_state}. */
    private final Map<String, SyncState.Entry> state = new ConcurrentHashMap<>();

    /**
     * For a webhook refresh: each incident it brings up to date, with its mode (null when unknown, e.g.
     * deleted); null for a sync.
     */
    private final Map<String, String> refresh;
    /** A refresh's tables' merges, applied together at its end ({@link TableLoad.Merge}). */
    private final Map<String, TableLoad.Merge> merges = new ConcurrentHashMap<>();

    SyncRun(List<String> tables) {
        this(tables, null);
    }

    SyncRun(List<String> tables, Map<String, String> refresh) {
        this.tables = List.copyOf(tables);
        tables.forEach(t -> done.put(t, new CompletableFuture<>()));
        this.refresh = refresh == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(refresh));
    }

    /** The incidents a webhook refresh brings up to date (id to mode), or null for a sync. */
    public Map<String, String> refresh() {
        return refresh;
    }

    void merge(String table, TableLoad.Merge merge) {
        merges.put(table, merge);
    }

    /** The refresh's merges, in the run's table order. */
    List<TableLoad.Merge> merges() {
        List<TableLoad.Merge> out = new ArrayList<>();
        for (String t : tables) {
            TableLoad.Merge m = merges.get(t);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    /** The date an incremental read of the table starts from, or null when this run reads it in full. */
    public java.time.LocalDate changedSince(String table) {
        return changedSince.get(table);
    }

    void readIncrementally(String table, java.time.LocalDate since) {
        changedSince.put(table, since);
    }

    SyncState.Entry state(String table) {
        return state.get(table);
    }

    void state(Map<String, SyncState.Entry> found) {
        state.putAll(found);
    }

    public String id() {
        return id;
    }

    /** The UTC time this sync started: every row's {@code _sdc_extracted_at}. */
    public OffsetDateTime startedAt() {
        return startedAt;
    }

    public List<String> tables() {
        return tables;
    }

    void record(Result result) {
        results.put(result.table(), result);
        done.get(result.table()).complete(result.ok());
    }

    /** True when a table of this run has ended, or is not part of it. */
    boolean isDone(String table) {
        CompletableFuture<Boolean> future = done.get(table);
        return future == null || future.isDone();
    }

    /** Waits for a table of this run to end; true when it succeeded, null when it is not part of the run. */
    Boolean await(String table) throws InterruptedException {
        CompletableFuture<Boolean> future = done.get(table);
        if (future == null) {
            return null;
        }
        try {
            return future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** Results in the order the tables were enabled. */
    public List<Result> results() {
        List<Result> out = new ArrayList<>();
        for (String t : tables) {
            Result r = results.get(t);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    public boolean ok() {
        return results().size() == tables.size() && results().stream().allMatch(Result::ok);
    }

    /** The summary table printed at the end of every sync. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(java.util.Locale.ROOT, "%-22s %-7s %9s %7s %9s %8s %9s%n", "table", "status", "rows", "pages", "requests", "retries", "seconds"));
        long rows = 0;
        long requests = 0;
        for (Result r : results()) {
            out.append(String.format(java.util.Locale.ROOT, "%-22s %-7s %9d %7d %9d %8d %9.1f%n", r.table(), r.ok() ? "ok" : "FAILED",
                    r.rows(), r.pages(), r.requests(), r.retries(), r.seconds()));
            r.childRows().forEach((child, n) -> out.append(String.format(java.util.Locale.ROOT, "  %-50s %9d%n", child, n)));
            rows += r.rows() + r.childRowCount();
            requests += r.requests();
        }
        double seconds = (System.currentTimeMillis() - startedAt.toInstant().toEpochMilli()) / 1000.0;
        out.append(String.format(java.util.Locale.ROOT, "%-22s %-7s %9d %7s %9d %8s %9.1f", "total", ok() ? "ok" : "FAILED", rows, "", requests, "", seconds));
        return out.toString();
    }
}
