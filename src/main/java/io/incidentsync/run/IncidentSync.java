package io.incidentsync.run;

import io.incidentsync.api.IncidentApi;
import io.incidentsync.api.LeftOut;
import io.incidentsync.config.Settings;
import io.incidentsync.destinations.RabbitMqCheck;
import io.incidentsync.schema.Catalog;
import io.incidentsync.store.DestinationLock;
import io.incidentsync.store.Dialect;
import io.incidentsync.store.H2Dialect;
import io.incidentsync.store.H2Location;
import io.incidentsync.store.TableLoad;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A run: its start (the destination's checks and lock, the tables to sync and which of them are read
 * incrementally), its progress lines and its end (the summary); and what the steps of a table's sync
 * share: the settings, the destination, the catalog, the API client, the metrics and the failure line.
 * Each table's own steps are the beans {@link #bindSteps} binds: {@link TableStart}, {@link TablePaging},
 * {@link TableWrites}, {@link RecordDestinations}, {@link TableEnd} and, for webhooks, {@link Refreshes}.
 * Routes keep the flow and send every request and every write; the beans build what they send.
 */
public final class IncidentSync {

    /** Every step's log: the lines keep the name they have always had. */
    static final Logger LOG = LoggerFactory.getLogger(IncidentSync.class);
    static final String LOCK = "destinationLock";
    /** The exchange property that carries the run (a sync's or a webhook refresh's). */
    public static final String RUN = "run";

    private final Settings settings;
    private final DataSource dataSource;
    /** True when the DataSource connects to incident.db.url, rather than being an embedding application's own. */
    private final boolean dataSourceFromSettings;
    private volatile Dialect dialect;
    private final Catalog catalog;
    private final IncidentApi api;
    private final AtomicReference<SyncRun> lastRun = new AtomicReference<>();
    private final SyncMetrics metrics = new SyncMetrics();
    /** The tables being synced now, for the progress lines. */
    private final Set<TableLoad> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final WriteTurns turns = new WriteTurns();
    private final LeftOut leftOut;

    public IncidentSync(Settings settings, DataSource dataSource, boolean dataSourceFromSettings, Catalog catalog,
                        IncidentApi api) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.dataSourceFromSettings = dataSourceFromSettings;
        this.catalog = catalog;
        this.api = api;
        this.leftOut = new LeftOut(settings.columnsExclude(), Streams.ALL);
    }

    /** The fields of the records that are never written anywhere ({@link LeftOut}). */
    public LeftOut leftOut() {
        return leftOut;
    }

    /**
     * Starts a run; the body becomes the enabled tables, in the order they should start. No table starts
     * until the run holds the destination's lock; when another sync holds it, every table fails at once
     * and nothing is touched.
     */
    public List<String> startRun(Exchange exchange) throws InterruptedException {
        TableSpecs specs = TableSpecs.of(exchange.getContext());
        List<String> enabled = specs.tables();
        enabled.retainAll(settings.streams());
        SyncRun run = new SyncRun(enabled);
        exchange.setProperty(RUN, run);
        lastRun.set(run);
        // a webhook refresh in this process takes a second or so: the sync waits for it rather than fail
        turns.syncBegins();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                turns.syncEnds();
            }
        });
        for (String destination : settings.destinations()) {
            String missing = destination.startsWith("spring-rabbitmq:")
                    ? RabbitMqCheck.problem(exchange.getContext(), destination) : null;
            if (missing != null) {
                failEveryTable(run, missing);
                return List.of();
            }
        }
        String unwritable = dataSourceFromSettings ? H2Location.problem(settings.dbUrl()) : null;
        if (unwritable != null) {
            failEveryTable(run, "cannot use the H2 database at " + redact(settings.dbUrl()) + ": " + unwritable);
            return List.of();
        }
        try (Connection connection = dataSource.getConnection()) {
            dialect = Dialect.of(connection);
            try {
                dialect.check(connection);
            } catch (SQLException e) {
                failEveryTable(run, "cannot sync into the database at " + redact(settings.dbUrl()) + ": " + e.getMessage());
                return List.of();
            }
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
        if (dialect instanceof H2Dialect) {
            try {
                openEveryPooledConnection();
            } catch (SQLException e) {
                lock.release();
                failEveryTable(run, "cannot reach the database at " + redact(settings.dbUrl()) + ": " + rootMessage(e)
                        + "; check incident.db.url (INCIDENT_DB_URL), incident.db.user and incident.db.password");
                return List.of();
            }
        }
        // finishRun gives the lock back; when the run fails before it, the exchange's end does
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                lock.release();
            }
        });
        api.resetReachability();
        LOG.info("sync {} started: {} table(s) from {}", run.id(), enabled.size(), settings.apiUrl());
        decideIncremental(run, enabled, specs);
        return enabled;
    }

    /**
     * Which tables this run reads incrementally ({@link SyncState}): incidents and escalations after a
     * complete earlier run, unless a full refresh is due or forced; incident_updates with incidents,
     * for the incidents that changed.
     */
    private void decideIncremental(SyncRun run, List<String> enabled, TableSpecs specs) {
        java.time.Instant now = java.time.Instant.now();
        try (Connection c = dataSource.getConnection()) {
            Map<String, SyncState.Entry> state = SyncState.read(c, dialect);
            run.state(state);
            for (String table : enabled) {
                SyncState.Entry entry = state.get(table);
                boolean incremental = specs.get(table).incremental();
                java.time.LocalDate since = SyncState.changedSince(incremental, entry, !dialect.columns(c, table).isEmpty(),
                        settings, now);
                if (since != null) {
                    run.readIncrementally(table, since);
                    LOG.info("{}: incremental: records updated from {} (last full refresh {}, the next is due at {})", table,
                            since, entry.lastFull(), settings.fullRefreshAfter(entry.lastFull()));
                } else if (incremental) {
                    LOG.info("{}: full refresh{}", table, settings.forceFull() ? " (forced)" : entry == null || entry.cursor() == null
                            ? " (no earlier complete sync)" : "");
                }
            }
            // the updates of the incidents that changed, when their table has had a complete listing
            if (run.changedSince("incidents") != null && enabled.contains("incident_updates")
                    && !dialect.columns(c, "incident_updates").isEmpty()) {
                run.readIncrementally("incident_updates", run.changedSince("incidents"));
            }
        } catch (SQLException e) {
            LOG.warn("cannot read {} ({}); every table is read in full", SyncState.TABLE, rootMessage(e));
        }
    }

    /**
     * H2 refuses a new connection while a table's swap holds its exclusive mode, so the pool's
     * connections are all opened before any table starts (the pool keeps them: see
     * IncidentSyncConfiguration).
     */
    private void openEveryPooledConnection() throws SQLException {
        if (!(dataSource instanceof com.zaxxer.hikari.HikariDataSource hikari)) {
            return;
        }
        List<Connection> open = new ArrayList<>();
        var pool = hikari.getHikariPoolMXBean();
        int wanted = hikari.getMaximumPoolSize() - (pool == null ? 0 : pool.getActiveConnections());
        try {
            for (int i = 0; i < wanted; i++) {
                open.add(hikari.getConnection());
            }
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
    }

    /** The application is stopping: the tables being synced end now, keeping their previous rows. */
    public void stop() {
        api.stop();
    }

    /** Ends a run before any table began: each fails with this cause, and the log says it once. */
    void failEveryTable(SyncRun run, String cause) {
        LOG.error("sync {}: {}", run.id(), cause);
        run.tables().forEach(table -> {
            SyncRun.Result result = new SyncRun.Result(table, false, 0, 0, 0, 0, 0, cause,
                    run.startedAt(), OffsetDateTime.now(ZoneOffset.UTC));
            run.record(result);
            metrics.tableEnded(result, 0);
        });
    }

    /**
     * Every {@code seconds}, a line for each table that has been running that long or longer: records
     * read, pages, requests, retries, records a second, and the wait for the rate budget.
     */
    public void startProgress(java.util.concurrent.ScheduledExecutorService scheduler, long seconds) {
        scheduler.scheduleAtFixedRate(() -> {
            for (TableLoad load : running) {
                if (load.seconds() >= seconds) {
                    LOG.info(progressLine(load));
                }
            }
        }, seconds, seconds, java.util.concurrent.TimeUnit.SECONDS);
    }

    static String progressLine(TableLoad load) {
        double s = load.seconds();
        double waited = load.budgetWaitSeconds();
        return String.format(java.util.Locale.ROOT, "%s: running %.0f s: %,d records read, %,d pages, %,d requests, %,d retries,"
                        + " %,.0f records/s%s", load.table(), s, load.recordsRead(), load.pages(), load.requests(),
                load.retries(), s > 0 ? load.recordsRead() / s : 0.0,
                waited >= 0.1 ? String.format(java.util.Locale.ROOT, "; waited %.1f s for the rate budget", waited) : "");
    }

    /** What the syncs of this process did, for the metrics endpoint. */
    public SyncMetrics metrics() {
        return metrics;
    }

    /** The run most recently started, for the command line's summary and exit code. */
    public SyncRun lastRun() {
        return lastRun.get();
    }

    /**
     * Binds the beans of a table's steps, which the route files name: {@code tableStart}, {@code tablePaging},
     * {@code tableWrites}, {@code recordDestinations}, {@code tableEnd} and {@code incidentRefreshes}.
     */
    public void bindSteps(org.apache.camel.spi.Registry registry) {
        registry.bind("tableStart", new TableStart(this));
        registry.bind("tablePaging", new TablePaging());
        registry.bind("tableWrites", new TableWrites());
        registry.bind("recordDestinations", new RecordDestinations());
        registry.bind("tableEnd", new TableEnd(this));
        registry.bind("incidentRefreshes", new Refreshes(this));
    }

    Settings settings() {
        return settings;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** The destination's dialect, known once a run (or a refresh) has connected. */
    Dialect dialect() {
        return dialect;
    }

    void dialect(Dialect dialect) {
        this.dialect = dialect;
    }

    Catalog catalog() {
        return catalog;
    }

    /** The tables being synced now, for the progress lines. */
    Set<TableLoad> running() {
        return running;
    }

    WriteTurns turns() {
        return turns;
    }

    /**
     * The longest failure line, in characters: room for the longest cause and fix the sync itself
     * writes (a body that is not JSON, with its first 80 bytes, after the retries: some 370), none for
     * the page of record values a driver's message may quote.
     */
    static final int MAX_LINE = 400;

    /** The line for a failed table (standard error, the log, {@code _sync_runs.error}). */
    String describe(Throwable cause) {
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
        return shortLine(CauseText.of(t, null));
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
    public static String shortLine(String message) {
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

    /** Gives the destination back to other syncs and logs the summary; the body becomes the run. */
    public SyncRun finishRun(Exchange exchange) {
        DestinationLock lock = exchange.getProperty(LOCK, DestinationLock.class);
        if (lock != null) {
            lock.release();
        }
        SyncRun run = exchange.getProperty(RUN, SyncRun.class);
        metrics.runEnded(run.ok());
        LOG.info("sync {} {}:\n{}", run.id(), run.ok() ? "succeeded" : "FAILED", run.summary());
        return run;
    }

    /** The pool's message and, when it only says it timed out, the driver's reason beneath it. */
    static String rootMessage(Throwable e) {
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
