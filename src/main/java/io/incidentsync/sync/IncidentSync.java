package io.incidentsync.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The steps the routes call, in the order they call them: start a run, begin a table, fetch a page,
 * add each record, end the page, finish (or fail) the table, finish the run. Routes keep the flow;
 * this class keeps the state of each table's load on the exchange.
 */
public final class IncidentSync {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentSync.class);
    static final String RUNS = "_sync_runs";
    private static final String LOCK = "destinationLock";

    private final Settings settings;
    private final DataSource dataSource;
    /** True when the DataSource connects to incident.db.url, rather than being an embedding application's own. */
    private final boolean dataSourceFromSettings;
    private volatile Dialect dialect;
    private final Catalog catalog;
    private final ApiClient api;
    private final AtomicReference<SyncRun> lastRun = new AtomicReference<>();
    private final ExecutorService prefetcher = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "incident-sync-prefetch");
        thread.setDaemon(true);
        return thread;
    });

    public IncidentSync(Settings settings, DataSource dataSource, boolean dataSourceFromSettings) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.dataSourceFromSettings = dataSourceFromSettings;
        this.catalog = Catalog.load();
        this.api = new ApiClient(settings, RateBudget.of(settings));
    }

    /**
     * Starts a run; the body becomes the enabled tables, in the order they should start. No table starts
     * until the run holds the destination's lock; when another sync holds it, every table fails at once
     * and nothing is touched.
     */
    public List<String> startRun(Exchange exchange) {
        List<String> enabled = new ArrayList<>(Streams.ALL);
        enabled.retainAll(settings.streams());
        SyncRun run = new SyncRun(enabled);
        exchange.setProperty("run", run);
        lastRun.set(run);
        String unwritable = dataSourceFromSettings ? H2Location.problem(settings.dbUrl()) : null;
        if (unwritable != null) {
            failEveryTable(run, "cannot use the H2 database at " + redact(settings.dbUrl()) + ": " + unwritable);
            return List.of();
        }
        try (Connection connection = dataSource.getConnection()) {
            dialect = Dialect.of(connection);
        } catch (SQLException e) {
            failEveryTable(run, "cannot reach the database at " + redact(settings.dbUrl()) + ": " + rootMessage(e)
                    + "; check incident.db.url (INCIDENT_DB_URL), incident.db.user and incident.db.password");
            return List.of();
        }
        DestinationLock lock;
        try {
            lock = DestinationLock.tryAcquire(dataSource, dialect);
        } catch (SQLException e) {
            failEveryTable(run, "cannot take the sync lock of the database at " + redact(settings.dbUrl()) + ": "
                    + rootMessage(e) + "; check that incident.db.user may create tables there");
            return List.of();
        }
        if (lock == null) {
            failEveryTable(run, "another sync is writing to this destination (" + redact(settings.dbUrl())
                    + "); this run changed nothing; it will run at the next schedule, or run sync again when that one ends");
            return List.of();
        }
        exchange.setProperty(LOCK, lock);
        // finishRun gives the lock back; when the run fails before it, the exchange's end does
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                lock.release();
            }
        });
        api.resetReachability();
        LOG.info("sync {} started: {} table(s) from {}", run.id(), enabled.size(), settings.apiUrl());
        return enabled;
    }

    /** The application is stopping: the tables being synced end now, keeping their previous rows. */
    public void stop() {
        api.stop();
    }

    /** Ends a run before any table began: each fails with this cause, and the log says it once. */
    private static void failEveryTable(SyncRun run, String cause) {
        LOG.error("sync {}: {}", run.id(), cause);
        run.tables().forEach(table -> run.record(new SyncRun.Result(table, false, 0, 0, 0, 0, 0, cause,
                run.startedAt(), OffsetDateTime.now(ZoneOffset.UTC))));
    }

    /** The run most recently started, for the command line's summary and exit code. */
    public SyncRun lastRun() {
        return lastRun.get();
    }

    public void beginTable(Exchange exchange, String table, String path, String primaryKey) throws SQLException {
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        exchange.setProperty("table", table);
        exchange.setProperty("startedAt", OffsetDateTime.now(ZoneOffset.UTC));
        LOG.info("{}: started", table);
        Map<String, String> childColumns = new LinkedHashMap<>();
        if (table.equals("incidents")) {
            Streams.INCIDENT_CHILDREN.values().forEach(column -> childColumns.put(column, column));
        }
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new SyncException("cannot reach the database at " + redact(settings.dbUrl()) + ": "
                    + rootMessage(e) + "; check incident.db.url (INCIDENT_DB_URL), incident.db.user and incident.db.password");
        }
        try {
            TableLoad load = new TableLoad(table, path, Arrays.asList(primaryKey.split("\\s*,\\s*")),
                    catalog.listing(path).columns(), childColumns,
                    () -> Streams.INCIDENT_CHILDREN.keySet().stream().allMatch(run::isDone),
                    dialect, connection, run.startedAt(),
                    Streams.INCIDENT_CHILDREN.containsKey(table) ? Streams.INCIDENT_CHILDREN.get(table) : null);
            exchange.setProperty("load", load);
            exchange.setProperty("arrayKey", catalog.listing(path).arrayKey());
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the pool replaces it
            }
            throw e;
        }
    }

    /** Resets the cursor before a listing (or one partition of it) is walked. */
    public void startListing(Exchange exchange) {
        exchange.setProperty("after", null);
        exchange.setProperty("more", Boolean.TRUE);
        exchange.setProperty("cursors", new HashSet<String>());
    }

    /**
     * Fetches the next page of the current listing; the body becomes its records. While the routes
     * write a page, the next one is already being fetched, so a table costs about the larger of its
     * round trips and its writes rather than their sum.
     */
    public Page fetchPage(Exchange exchange) throws InterruptedException {
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        String path = exchange.getProperty("path", String.class);
        String arrayKey = exchange.getProperty("arrayKey", String.class);
        boolean paged = !exchange.getProperty("pageSize", "", String.class).isEmpty();
        String sent = exchange.getProperty("after", String.class);
        List<Map.Entry<String, String>> query = request(exchange, sent);
        Prefetch ahead = exchange.getProperty("prefetch", Prefetch.class);
        exchange.removeProperty("prefetch");
        Page page;
        if (ahead != null && ahead.query.equals(query)) {
            page = ahead.await();
        } else {
            if (ahead != null) {
                ahead.discard();
            }
            page = get(load, path, query, arrayKey, mayVanish(exchange, sent));
        }
        boolean more = paged && page.after() != null && !(page.size() == 0 && page.after().equals(sent));
        if (more && !exchange.getProperty("cursors", Set.class).add(page.after())) {
            page.close();
            throw new SyncException("GET " + path + " answered the cursor '" + abbreviate(page.after())
                    + "' a second time, so the listing would never end; the table keeps its previous rows. "
                    + "If it happens again, report it to incident.io with this path");
        }
        exchange.setProperty("more", more);
        exchange.setProperty("after", page.after());
        exchange.setProperty("page", page);
        if (more) {
            List<Map.Entry<String, String>> next = request(exchange, page.after());
            exchange.setProperty("prefetch", new Prefetch(next,
                    CompletableFuture.supplyAsync(() -> get(load, path, next, arrayKey, false), prefetcher)));
        }
        return page;
    }

    private List<Map.Entry<String, String>> request(Exchange exchange, String after) {
        List<Map.Entry<String, String>> query = new ArrayList<>();
        addQuery(query, exchange.getProperty("query", "", String.class));
        addQuery(query, exchange.getProperty("partition", "", String.class));
        String pageSize = exchange.getProperty("pageSize", "", String.class);
        if (!pageSize.isEmpty()) {
            query.add(new AbstractMap.SimpleEntry<>("page_size", pageSize));
        }
        if (after != null) {
            query.add(new AbstractMap.SimpleEntry<>("after", after));
        }
        return query;
    }

    /**
     * Whether a 404 may be skipped here: only on the first page of one parent's listing, whose parent
     * can vanish between the two calls. Anywhere else a 404 would leave the listing incomplete.
     */
    private static boolean mayVanish(Exchange exchange, String after) {
        return after == null && exchange.getProperty("parentPartition", false, Boolean.class);
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private Page get(TableLoad load, String path, List<Map.Entry<String, String>> query, String arrayKey,
                     boolean mayVanish) {
        try {
            return api.get(path, query, arrayKey, load);
        } catch (SyncException e) {
            if (!e.notFound() || !mayVanish) {
                throw e;
            }
            LOG.info("{}: {} answered 404: its parent vanished since it was listed; skipped", load.table(),
                    ApiClient.describe(path, query));
            return Page.empty(arrayKey);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("interrupted while fetching " + path);
        }
    }

    /** The next page, on its way. */
    private static final class Prefetch {
        final List<Map.Entry<String, String>> query;
        final CompletableFuture<Page> future;

        Prefetch(List<Map.Entry<String, String>> query, CompletableFuture<Page> future) {
            this.query = query;
            this.future = future;
        }

        Page await() throws InterruptedException {
            try {
                return future.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException) {
                    throw (RuntimeException) e.getCause();
                }
                throw new SyncException(String.valueOf(e.getCause()));
            }
        }

        /** Not needed after all: its body, whenever it arrives, is thrown away. */
        void discard() {
            future.whenComplete((page, error) -> {
                if (page != null) {
                    page.close();
                }
            });
        }
    }

    private static void addQuery(List<Map.Entry<String, String>> query, String text) {
        for (String pair : text.split("&")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            query.add(new AbstractMap.SimpleEntry<>(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim()));
        }
    }

    public void addRecord(Exchange exchange) throws SQLException {
        exchange.getProperty("load", TableLoad.class).add(exchange.getMessage().getBody(ObjectNode.class));
    }

    public void endPage(Exchange exchange) throws SQLException {
        Page page = exchange.getProperty("page", Page.class);
        if (page != null) {
            page.close();
        }
        exchange.getProperty("load", TableLoad.class).endPage();
    }

    /** The ids of a parent listing, e.g. every custom field for its options. */
    public List<String> parentIds(Exchange exchange, String parentPath) throws InterruptedException {
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        Catalog.Listing parent = catalog.listing(parentPath);
        List<String> ids = new ArrayList<>();
        try (Page page = api.get(parentPath, List.of(), parent.arrayKey(), load)) {
            for (ObjectNode record : page) {
                ids.add(record.path("id").asText());
            }
        }
        return ids;
    }

    public void finishTable(Exchange exchange) throws SQLException, InterruptedException {
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        try {
            if (load.table().equals("incidents")) {
                for (Map.Entry<String, String> child : Streams.INCIDENT_CHILDREN.entrySet()) {
                    Boolean ok = run.await(child.getKey());
                    if (Boolean.FALSE.equals(ok)) {
                        LOG.warn("incidents: {} failed in this run; incidents.{} keeps the last complete listing of it",
                                child.getKey(), child.getValue());
                    }
                }
            }
            long rows = load.swap();
            LOG.info("{}: finished: {} rows, {} pages, {} requests, {} retries, {} s", load.table(), rows,
                    load.pages(), load.requests(), load.retries(), String.format("%.1f", load.seconds()));
            record(run, exchange, load, true, null);
        } finally {
            load.close();
        }
    }

    /** Called by the error handler: the live table stays as it was, and the run goes on with the other tables. */
    public void failTable(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String table = exchange.getProperty("table", String.class);
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        String message = describe(cause);
        LOG.error("{}: FAILED: {}", table, message);
        Prefetch ahead = exchange.getProperty("prefetch", Prefetch.class);
        if (ahead != null) {
            ahead.discard();
        }
        if (load != null) {
            load.abort();
            load.close();
        }
        if (run != null && table != null) {
            record(run, exchange, load, false, message);
        }
    }

    /**
     * The longest failure line, in characters: room for the longest cause and fix the sync itself
     * writes (a body that is not JSON, with its first 80 bytes, after the retries: some 370), none for
     * the page of record values a driver's message may quote.
     */
    static final int MAX_LINE = 400;

    /** The line for a failed table (standard error, the log, {@code _sync_runs.error}). */
    private String describe(Throwable cause) {
        Throwable t = cause;
        while (t != null) {
            if (t instanceof SyncException) {
                return shortLine(t.getMessage());
            }
            if (t instanceof SQLException) {
                return shortLine("database error at " + redact(settings.dbUrl()) + ": " + reason((SQLException) t));
            }
            if (t.getCause() == null || t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        return t == null ? "unknown error" : shortLine(t.getClass().getSimpleName() + ": " + t.getMessage());
    }

    /**
     * The database's own reason, without the statement or values some drivers add: PostgreSQL's batch
     * message quotes the whole statement with its values (the reason is its next exception), its
     * Detail line quotes the failing row, and H2 appends the SQL after a newline.
     */
    static String reason(SQLException e) {
        SQLException reason = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        String message = reason.getMessage() == null ? reason.getClass().getSimpleName() : reason.getMessage().strip();
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).replaceFirst(";? SQL statement:$", "");
    }

    /**
     * One line of at most {@link #MAX_LINE} characters: each run of control characters (a NUL, which
     * PostgreSQL cannot store in {@code _sync_runs}; newlines) and spaces becomes one space, and a
     * longer line keeps its start (what failed) and its end (the fix) around "...".
     */
    static String shortLine(String message) {
        String line = String.valueOf(message).replaceAll("[\\s\\p{Cc}]+", " ").strip();
        if (line.length() <= MAX_LINE) {
            return line;
        }
        int head = MAX_LINE * 2 / 3;
        int tail = line.length() - (MAX_LINE - head - 3);
        // never cut a surrogate pair in two
        if (Character.isHighSurrogate(line.charAt(head - 1))) {
            head--;
        }
        if (Character.isLowSurrogate(line.charAt(tail))) {
            tail++;
        }
        return line.substring(0, head) + "..." + line.substring(tail);
    }

    private void record(SyncRun run, Exchange exchange, TableLoad load, boolean ok, String error) {
        OffsetDateTime started = exchange.getProperty("startedAt", OffsetDateTime.class);
        SyncRun.Result result = new SyncRun.Result(exchange.getProperty("table", String.class), ok,
                load == null ? 0 : load.rows(), load == null ? 0 : load.pages(), load == null ? 0 : load.requests(),
                load == null ? 0 : load.retries(), load == null ? 0 : load.seconds(), error,
                started, OffsetDateTime.now(ZoneOffset.UTC));
        try {
            writeHistory(run, result);
        } catch (SQLException e) {
            LOG.warn("{}: could not record the run in {}: {}", result.table(), RUNS, e.getMessage());
        }
        run.record(result);
    }

    private void writeHistory(SyncRun run, SyncRun.Result r) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + dialect.quote(RUNS) + " ("
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
                        + "PRIMARY KEY (" + dialect.quote("run_id") + ", " + dialect.quote("table_name") + "))");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + dialect.quote(RUNS) + " ("
                    + String.join(", ", dialect.quote("run_id"), dialect.quote("table_name"), dialect.quote("started_at"),
                    dialect.quote("finished_at"), dialect.quote("status"), dialect.quote("row_count"),
                    dialect.quote("page_count"), dialect.quote("request_count"), dialect.quote("retry_count"),
                    dialect.quote("error")) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, run.id());
                ps.setString(2, r.table());
                ps.setObject(3, r.started());
                ps.setObject(4, r.finished());
                ps.setString(5, r.ok() ? "ok" : "failed");
                ps.setLong(6, r.rows());
                ps.setLong(7, r.pages());
                ps.setLong(8, r.requests());
                ps.setLong(9, r.retries());
                ps.setString(10, r.error());
                ps.executeUpdate();
            }
        }
    }

    /** Gives the destination back to other syncs and logs the summary; the body becomes the run. */
    public SyncRun finishRun(Exchange exchange) {
        DestinationLock lock = exchange.getProperty(LOCK, DestinationLock.class);
        if (lock != null) {
            lock.release();
        }
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        LOG.info("sync {} {}:\n{}", run.id(), run.ok() ? "succeeded" : "FAILED", run.summary());
        return run;
    }

    /** The pool's message and, when it only says it timed out, the driver's reason beneath it. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(e.getMessage());
        return root == e || root.getMessage() == null ? message : redact(message + " (" + root.getMessage() + ")");
    }

    /** A JDBC URL fit for a message: any password parameter masked. */
    public static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^;&]*", "$1***").replaceAll("//([^/:@]+):[^@/]*@", "//$1:***@");
    }
}
