package io.incidentsync.run;

import io.incidentsync.api.IncidentApi;
import io.incidentsync.api.Page;
import io.incidentsync.config.Settings;
import io.incidentsync.destinations.MqttHeaders;
import io.incidentsync.destinations.RabbitMqCheck;
import io.incidentsync.schema.Catalog;
import io.incidentsync.schema.ColumnType;
import io.incidentsync.store.DestinationLock;
import io.incidentsync.store.Dialect;
import io.incidentsync.store.H2Location;
import io.incidentsync.store.Sql;
import io.incidentsync.store.TableLoad;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
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
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The steps the routes call, in the order they call them: start a run, begin a table, accept a page
 * (fetched by the routes of api.camel.yaml), add each record, end the page, end the listing, swap,
 * finish (or fail) the table, finish the run. Routes keep the flow and send every request and every
 * write; this class keeps the state of each table's load on the exchange and builds the statements the
 * routes send to the JDBC endpoint.
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
    private final IncidentApi api;
    private final AtomicReference<SyncRun> lastRun = new AtomicReference<>();
    private final SyncMetrics metrics = new SyncMetrics();
    /** The tables being synced now, for the progress lines. */
    private final Set<TableLoad> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public IncidentSync(Settings settings, DataSource dataSource, boolean dataSourceFromSettings, Catalog catalog,
                        IncidentApi api) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.dataSourceFromSettings = dataSourceFromSettings;
        this.catalog = catalog;
        this.api = api;
    }

    /**
     * Starts a run; the body becomes the enabled tables, in the order they should start. No table starts
     * until the run holds the destination's lock; when another sync holds it, every table fails at once
     * and nothing is touched.
     */
    public List<String> startRun(Exchange exchange) throws InterruptedException {
        List<String> enabled = new ArrayList<>(Streams.ALL);
        enabled.retainAll(settings.streams());
        SyncRun run = new SyncRun(enabled);
        exchange.setProperty("run", run);
        lastRun.set(run);
        // a webhook refresh in this process takes a second or so: the sync waits for it rather than fail
        synchronized (writers) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (refreshing && System.nanoTime() < deadline) {
                writers.wait(100);
            }
            syncsWriting++;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                synchronized (writers) {
                    syncsWriting--;
                    writers.notifyAll();
                }
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
        if (dialect instanceof io.incidentsync.store.H2Dialect) {
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
        decideIncremental(run, enabled);
        return enabled;
    }

    /**
     * Which tables this run reads incrementally ({@link SyncState}): incidents and escalations after a
     * complete earlier run, unless a full refresh is due or forced; incident_updates with incidents,
     * for the incidents that changed.
     */
    private void decideIncremental(SyncRun run, List<String> enabled) {
        java.time.Instant now = java.time.Instant.now();
        try (Connection c = dataSource.getConnection()) {
            Map<String, SyncState.Entry> state = SyncState.read(c, dialect);
            run.state(state);
            for (String table : enabled) {
                SyncState.Entry entry = state.get(table);
                java.time.LocalDate since = SyncState.changedSince(table, entry, !dialect.columns(c, table).isEmpty(), settings, now);
                if (since != null) {
                    run.readIncrementally(table, since);
                    LOG.info("{}: incremental: records updated from {} (last full refresh {}, the next is due at {})", table,
                            since, entry.lastFull(), settings.fullRefreshAfter(entry.lastFull()));
                } else if (SyncState.INCREMENTAL.contains(table)) {
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
    private void failEveryTable(SyncRun run, String cause) {
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
     * Begins a table's load; the body becomes the statements that prepare its staging table, for the
     * route to send to the JDBC endpoint.
     */
    public List<Sql> beginTable(Exchange exchange, String table, String path, String primaryKey) throws SQLException {
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        exchange.setProperty("table", table);
        exchange.setProperty("startedAt", OffsetDateTime.now(ZoneOffset.UTC));
        // read once a table, not once a record
        exchange.setProperty("destinationList", settings.destinations());
        exchange.setProperty("destinations", hasDestinations());
        if (run.refresh() == null) {
            LOG.info("{}: started", table);
        }
        Map<String, String> childColumns = new LinkedHashMap<>();
        if (table.equals("incidents")) {
            Streams.INCIDENT_CHILDREN.values().forEach(column -> childColumns.put(column, column));
        }
        TableLoad load;
        try {
            load = new TableLoad(table, path, Arrays.asList(primaryKey.split("\\s*,\\s*")),
                    catalog.listing(path).columns(), childColumns,
                    () -> Streams.INCIDENT_CHILDREN.keySet().stream().allMatch(run::isDone),
                    dialect, dataSource, run.startedAt(),
                    Streams.INCIDENT_CHILDREN.containsKey(table) ? Streams.INCIDENT_CHILDREN.get(table) : null,
                    settings.arrays());
        } catch (SQLException e) {
            throw new SyncException("cannot reach the database at " + redact(settings.dbUrl()) + ": "
                    + rootMessage(e) + "; check incident.db.url (INCIDENT_DB_URL), incident.db.user and incident.db.password");
        }
        load.renameAbove(settings.h2CopySwapMaxChars());
        exchange.setProperty("load", load);
        running.add(load);
        return load.setup();
    }

    /** Resets the cursor before a listing (or one partition of it) is walked. */
    public void startListing(Exchange exchange) {
        exchange.setProperty("after", null);
        exchange.setProperty("more", Boolean.TRUE);
        exchange.setProperty("cursors", new HashSet<String>());
        exchange.removeProperty("ahead");
    }

    /** What sends the next page's request ahead of time: the context's, made at the first run. */
    private volatile ProducerTemplate template;

    /**
     * While the routes write this page, the next one is already on its way: when the page carried a new
     * cursor, the next request is sent to {@code direct:incident-api} now, asynchronously (an exchange of
     * its own on Camel's ProducerTemplate threads), so a table costs about the larger of its round trips
     * and its writes rather than their sum.
     */
    public void fetchAhead(Exchange exchange) {
        if (!exchange.getProperty("more", false, Boolean.class)) {
            return;
        }
        if (template == null) {
            synchronized (this) {
                if (template == null) {
                    template = exchange.getContext().createProducerTemplate();
                }
            }
        }
        Exchange next = new DefaultExchange(exchange.getContext());
        for (String name : new String[] {"path", "query", "partition", "pageSize", "after", "parentPartition", "table", "load"}) {
            Object value = exchange.getProperty(name);
            if (value != null) {
                next.setProperty(name, value);
            }
        }
        CompletableFuture<Exchange> pending = template.asyncSend("direct:incident-api", next);
        exchange.setProperty("ahead", pending);
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        if (load != null) {
            load.ahead(pending);
        }
    }

    /** The page fetched ahead (see {@link #fetchAhead}); its failure, once it arrives, is this table's. */
    public Page awaitAhead(Exchange exchange) throws Exception {
        @SuppressWarnings("unchecked")
        CompletableFuture<Exchange> pending = exchange.getProperty("ahead", CompletableFuture.class);
        exchange.removeProperty("ahead");
        Exchange done = pending.get();
        if (done.getException() != null) {
            throw done.getException();
        }
        return done.getMessage().getBody(Page.class);
    }

    /**
     * Takes the page the API route fetched (the body): the listing goes on while the page carries a new
     * cursor. A cursor seen before in this listing fails the table: the listing would never end.
     */
    public Page acceptPage(Exchange exchange) {
        Page page = exchange.getMessage().getBody(Page.class);
        String path = exchange.getProperty("path", String.class);
        boolean paged = !exchange.getProperty("pageSize", "", String.class).isEmpty();
        String sent = exchange.getProperty("after", String.class);
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
        return page;
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** Converts the record (the body) to its table's row; property {@code flush} says when the rows fill a statement. */
    public void addRecord(Exchange exchange) {
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        ObjectNode record = exchange.getMessage().getBody(ObjectNode.class);
        String parentField = exchange.getProperty("partitionField", String.class);
        if (parentField != null && !record.has(parentField)) {
            // the parent's id, which the record itself does not carry (a schedule entry its schedule's)
            String partition = exchange.getProperty("partition", "", String.class);
            ObjectNode tagged = Page.MAPPER.createObjectNode();
            tagged.put(parentField, partition.substring(partition.indexOf('=') + 1));
            tagged.setAll(record);
            record = tagged;
            exchange.getMessage().setBody(record);
        }
        load.add(record);
        if (load.isBatchFull()) {
            exchange.setProperty("flush", true);
        }
    }

    /**
     * Makes the record the message every destination of incident.destinations receives: the record's
     * JSON text, and headers naming its table, the run and the extraction time. Each destination gets
     * a copy of this message (the route's loop copies it), so no destination sees another's output.
     */
    public void toDestinationMessage(Exchange exchange) {
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        ObjectNode record = exchange.getMessage().getBody(ObjectNode.class);
        exchange.setProperty("recordId", record.path("id").asText(""));
        org.apache.camel.Message message = exchange.getMessage();
        String json = Page.json(record);
        // kept so that a destination's failure can be told without the record's values
        exchange.setProperty("recordJson", json);
        message.setBody(json);
        message.setHeader("incidentTable", exchange.getProperty("table", String.class));
        message.setHeader("incidentRunId", run.id());
        message.setHeader("incidentExtractedAt", run.startedAt().toString());
    }

    /** The headers every destination message carries. */
    static final List<String> DESTINATION_HEADERS = List.of("incidentTable", "incidentRunId", "incidentExtractedAt");

    /**
     * The destination of this turn of the route's loop. On its own copy of the message, a paho-mqtt5
     * destination gets the headers as MQTT 5 user properties, which that component publishes.
     */
    public String destination(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<String> list = exchange.getProperty("destinationList", List.class);
        String uri = list.get(exchange.getProperty(Exchange.LOOP_INDEX, Integer.class));
        if (uri.startsWith("paho-mqtt5:")) {
            MqttHeaders.carry(exchange.getMessage(), DESTINATION_HEADERS);
        }
        return uri;
    }

    /** Whether incident.destinations names any endpoint, for the record route's filter. */
    public boolean hasDestinations() {
        return !settings.destinations().isEmpty();
    }

    /** A destination failed: the table fails with a line naming the destination, the record and the cause. */
    public void destinationFailed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String destination = org.apache.camel.util.URISupport.sanitizeUri(exchange.getProperty("destination", String.class));
        throw new SyncException("the destination " + destination + " failed on record "
                + exchange.getProperty("recordId", String.class) + ": "
                + CauseText.of(root, exchange.getProperty("recordJson", String.class))
                + "; the table keeps its previous rows; fix the destination or take it out of incident.destinations"
                + " (INCIDENT_DESTINATIONS)");
    }

    /** The rows waiting, as statements, when they fill a statement before their page ends. */
    public Iterator<Sql> flushBatch(Exchange exchange) throws Exception {
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        load.awaitWrites();
        return load.writes();
    }

    /** Ends a page; the body becomes the statements that write it. */
    public List<Sql> endPage(Exchange exchange) {
        Page page = exchange.getProperty("page", Page.class);
        if (page != null) {
            page.close();
        }
        return exchange.getProperty("load", TableLoad.class).endPage();
    }

    /** Waits for the previous page's write before this one is handed to the writers (one in flight per table). */
    public void beforeWrite(Exchange exchange) throws Exception {
        exchange.getProperty("load", TableLoad.class).beforeWrite();
    }

    /** A page's write on the writers' pool (route write-page) has ended well. */
    public void pageWritten(Exchange exchange) {
        exchange.getProperty("load", TableLoad.class).afterWrite(null);
    }

    /** A page's write on the writers' pool has failed: the table's route fails with it at its next write. */
    public void pageWriteFailed(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        exchange.getProperty("load", TableLoad.class).afterWrite(failure != null ? failure
                : new SyncException("writing a page of " + exchange.getProperty("table", String.class) + " failed"));
    }

    /** Waits for the table's page write in flight; its failure becomes the table's. */
    public void awaitWrites(Exchange exchange) throws Exception {
        exchange.getProperty("load", TableLoad.class).awaitWrites();
    }

    /** Rows that waited on disk for the child listings: the body becomes their statements. */
    public Iterator<Sql> drain(Exchange exchange) throws Exception {
        return exchange.getProperty("load", TableLoad.class).drain();
    }

    /**
     * An incremental read (see {@link SyncState}): the listing's query (exchange property {@code query})
     * gains {@code updated_at[date_range]} from the run's start date for the table to today (UTC), and the
     * load replaces only the rows it reads. A table read in full is left as it is.
     */
    public void narrowToChanges(Exchange exchange) {
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        if (run.refresh() != null) {
            // a webhook refresh reads each of its incidents on its own (GET /v2/incidents/{id})
            load.refreshOnly(load.key().get(0), run.refresh().keySet());
            exchange.setProperty("refreshPaths", run.refresh().keySet().stream()
                    .map(id -> exchange.getProperty("path", String.class) + "/" + id).toList());
            return;
        }
        java.time.LocalDate since = run.changedSince(load.table());
        if (since == null || !SyncState.INCREMENTAL.contains(load.table())) {
            return;
        }
        String query = exchange.getProperty("query", "", String.class);
        exchange.setProperty("query", (query.isEmpty() ? "" : query + "&") + changedRange(since));
        load.mergeBy(load.key());
    }

    private static String changedRange(java.time.LocalDate since) {
        return "updated_at[date_range]=" + since + "~" + java.time.LocalDate.now(ZoneOffset.UTC);
    }

    /**
     * For the updates of changed incidents: the query of the incidents listing narrowed to the incidents
     * changed since the run's start date, or null when this run reads every update.
     */
    public String changedIncidentsQuery(Exchange exchange, String incidentsQuery) {
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        java.time.LocalDate since = run.changedSince("incidents");
        if (since == null || run.changedSince(exchange.getProperty("table", String.class)) == null) {
            return null;
        }
        return (incidentsQuery.isEmpty() ? "" : incidentsQuery + "&") + changedRange(since);
    }

    /**
     * The ids of the changed incidents are in the body: true when reading their updates one incident at a
     * time costs no more requests than the whole listing (its pages at the last complete sync's size), and
     * then the load replaces the updates of those incidents only; false to read the whole listing.
     */
    public boolean perIncident(Exchange exchange) throws SQLException {
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        List<?> ids = exchange.getMessage().getBody(List.class);
        long rows;
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + dialect.quote(load.table()))) {
            rs.next();
            rows = rs.getLong(1);
        }
        long wholePages = Math.max(1, (rows + 249) / 250);
        boolean each = ids.size() <= wholePages;
        LOG.info("{}: {} changed incident(s); their updates are read {}", load.table(), ids.size(),
                each ? "one incident at a time" : "in the whole listing (" + wholePages + " pages), which costs fewer requests");
        if (each) {
            load.mergeBy(List.of("incident_id"));
        }
        return each;
    }

    /**
     * In a webhook refresh, the partitions that read its incidents' records of this table
     * ({@code incident_id=...}, with the incident's {@code incident_mode}, since
     * without it the API hides test and tutorial incidents' actions and follow-ups), and the load
     * replaces those incidents' rows; null in a sync.
     */
    public List<String> refreshPartitions(Exchange exchange) {
        List<String> ids = refreshIncidentIds(exchange);
        if (ids == null) {
            return null;
        }
        Map<String, String> modes = exchange.getProperty("run", SyncRun.class).refresh();
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            String mode = modes.get(id);
            out.add("incident_id=" + id + (mode != null && Streams.CHILD_MODES.contains(mode) ? "&incident_mode=" + mode : ""));
        }
        return out;
    }

    /** In a webhook refresh, its incidents' ids, and the load replaces those incidents' rows; null in a sync. */
    public List<String> refreshIncidentIds(Exchange exchange) {
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        if (run.refresh() == null) {
            return null;
        }
        exchange.getProperty("load", TableLoad.class).refreshOnly("incident_id", run.refresh().keySet());
        return new ArrayList<>(run.refresh().keySet());
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

    /** An empty list for {@link #parentIds} to fill. */
    public List<String> newIdList() {
        return new ArrayList<>();
    }

    /**
     * Adds the ids of one page of a parent listing (the body, accepted by {@link #acceptPage}) to the
     * exchange property {@code parentIds}: e.g. every custom field, for its options.
     */
    public void parentIds(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<String> ids = exchange.getProperty("parentIds", List.class);
        try (Page page = exchange.getMessage().getBody(Page.class)) {
            for (ObjectNode record : page) {
                ids.add(record.path("id").asText());
            }
        }
    }

    /**
     * The query of a windowed listing: {@code start} and {@code end} parameters for the window the
     * setting gives ({@link Settings#window}), as RFC 3339 instants.
     */
    public String windowQuery(Exchange exchange, String setting, String start, String end) {
        java.time.Instant[] window = settings.window(setting, java.time.Instant.now());
        return start + "=" + window[0] + "&" + end + "=" + window[1];
    }

    /**
     * The listing is complete; the body becomes the statements that write what is left. Incidents first
     * wait for the child listings their arrays are built from.
     */
    public Iterator<Sql> endListing(Exchange exchange) throws Exception {
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        SyncRun run = exchange.getProperty("run", SyncRun.class);
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
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        if (run.refresh() != null) {
            // applied with the refresh's other tables, in one transaction, by commitRefresh
            run.merge(load.table(), load.merge());
            return List.of();
        }
        return load.swap();
    }

    /** The table is live: logs it and records it; the body becomes the statements that record it in {@code _sync_runs}. */
    public List<Sql> finishTable(Exchange exchange) {
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        load.close();
        if (run.refresh() != null) {
            return record(run, exchange, load, true, null);
        }
        LOG.info("{}: finished: {} rows{}, {} pages, {} requests, {} retries, {} s", load.table(), load.rows(),
                load.childRows().isEmpty() ? "" : " (and " + load.childRows().values().stream().mapToLong(Long::longValue).sum()
                        + " in " + load.childRows().size() + " child tables)",
                load.pages(), load.requests(), load.retries(), String.format("%.1f", load.seconds()));
        List<Sql> out = new ArrayList<>(record(run, exchange, load, true, null));
        if (SyncState.INCREMENTAL.contains(load.table())) {
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
            out.addAll(SyncState.record(dialect, load.table(), cursor, lastFull, OffsetDateTime.now(ZoneOffset.UTC)));
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
        String table = exchange.getProperty("table", String.class);
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        TableLoad load = exchange.getProperty("load", TableLoad.class);
        Page page = exchange.getProperty("page", Page.class);
        if (page != null) {
            page.close();
        }
        String message = describe(cause);
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
            out.addAll(record(run, exchange, load, false, message));
        }
        return out;
    }

    /**
     * H2's exclusive mode belongs to a session: should a swap fail between entering and leaving it, the
     * pool's idle connections are closed, which ends it, rather than pausing every other connection.
     */
    private void releaseExclusiveMode() {
        if (dialect instanceof io.incidentsync.store.H2Dialect && dataSource instanceof com.zaxxer.hikari.HikariDataSource hikari
                && hikari.getHikariPoolMXBean() != null) {
            hikari.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /** A statement allowed to fail has failed: its warning, with the database's reason. */
    public void tolerate(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String warning = exchange.getProperty("sqlTolerated", String.class);
        LOG.warn("{} ({})", warning, cause instanceof SQLException e ? reason(e) : String.valueOf(cause));
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

    private List<Sql> record(SyncRun run, Exchange exchange, TableLoad load, boolean ok, String error) {
        OffsetDateTime started = exchange.getProperty("startedAt", OffsetDateTime.class);
        SyncRun.Result result = new SyncRun.Result(exchange.getProperty("table", String.class), ok,
                load == null ? 0 : load.rows(), load == null ? 0 : load.pages(), load == null ? 0 : load.requests(),
                load == null ? 0 : load.retries(), load == null ? 0 : load.seconds(), error,
                started, OffsetDateTime.now(ZoneOffset.UTC), load == null || !ok ? Map.of() : Map.copyOf(load.childRows()));
        boolean sync = run.refresh() == null;
        List<Sql> history = dialect == null || !sync ? List.of() : history(run, result);
        if (load != null) {
            running.remove(load);
        }
        run.record(result);
        if (sync) {
            metrics.tableEnded(result, load == null ? 0 : load.rateLimitedCount());
        }
        return history;
    }

    /** The statements that record a table's result in {@code _sync_runs}; their failure is only a warning. */
    private List<Sql> history(SyncRun run, SyncRun.Result r) {
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

    /** Guards the two fields below: a sync and a webhook refresh in this process never write at once. */
    private final Object writers = new Object();
    private int syncsWriting;
    private boolean refreshing;

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
        synchronized (writers) {
            while (syncsWriting > 0 || refreshing) {
                if (!exchange.getContext().getStatus().isStarted()) {
                    return List.of();
                }
                writers.wait(200);
            }
            refreshing = true;
        }
        exchange.setProperty("refreshing", true);
        List<String> tables = new ArrayList<>(List.of("incident_updates", "actions", "follow_ups", "incidents"));
        tables.retainAll(settings.streams());
        try (Connection connection = dataSource.getConnection()) {
            if (dialect == null) {
                dialect = Dialect.of(connection);
            }
            if (!tables.contains("incidents") || dialect.columns(connection, "incidents").isEmpty()) {
                LOG.info("webhook: no complete sync of incidents yet; the first sync brings incident(s) {}",
                        String.join(", ", incidents.keySet()));
                exchange.setProperty("run", new SyncRun(List.of(), incidents));
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
        exchange.setProperty("run", run);
        long deadline = System.currentTimeMillis() + REFRESH_LOCK_WAIT_MILLIS;
        DestinationLock lock = DestinationLock.tryAcquire(dataSource, dialect);
        while (lock == null && System.currentTimeMillis() < deadline && exchange.getContext().getStatus().isStarted()) {
            Thread.sleep(500);
            lock = DestinationLock.tryAcquire(dataSource, dialect);
        }
        if (lock == null) {
            throw new SyncException("another process's sync kept the destination for " + REFRESH_LOCK_WAIT_MILLIS / 1000
                    + " s; incident(s) " + String.join(", ", incidents.keySet()) + " come with the next sync");
        }
        exchange.setProperty(LOCK, lock);
        return tables;
    }

    /**
     * The refresh's tables are read: the body becomes the statements that apply them all in one
     * transaction (every table's deletes and inserts in one statement text), or, when a table failed,
     * only those that drop the staging tables: then nothing changes.
     */
    public List<Sql> commitRefresh(Exchange exchange) {
        SyncRun run = exchange.getProperty("run", SyncRun.class);
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
        DestinationLock lock = exchange.getProperty(LOCK, DestinationLock.class);
        if (lock != null) {
            lock.release();
            exchange.removeProperty(LOCK);
        }
        SyncRun run = exchange.getProperty("run", SyncRun.class);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure != null) {
            // refreshFailed logged it
            metrics.refreshEnded(false);
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
            metrics.refreshEnded(ok);
        }
        if (exchange.getProperty("refreshing", false, Boolean.class)) {
            exchange.removeProperty("refreshing");
            synchronized (writers) {
                refreshing = false;
                writers.notifyAll();
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
        metrics.runEnded(run.ok());
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
