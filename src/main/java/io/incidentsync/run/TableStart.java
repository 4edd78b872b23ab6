package io.incidentsync.run;

import io.incidentsync.config.Settings;
import io.incidentsync.store.Sql;
import io.incidentsync.store.TableLoad;
import org.apache.camel.Exchange;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.incidentsync.run.IncidentSync.LOG;

/**
 * A table's start (bean {@code tableStart}): its {@link TableRun} and staging table, then which listing
 * the template walks and how: the whole listing, only what changed since the last complete run, a
 * webhook refresh's incidents, or each parent's, mode's or incident's part of it.
 */
public final class TableStart {

    private final IncidentSync sync;

    TableStart(IncidentSync sync) {
        this.sync = sync;
    }

    /**
     * Begins a table's run (exchange property {@code tableRun}; {@code table} names it too, for steps a
     * user adds to the record route); the body becomes the statements that prepare its staging table,
     * for the route to send to the JDBC endpoint.
     */
    public List<Sql> begin(Exchange exchange, String table) throws SQLException {
        SyncRun run = exchange.getProperty(IncidentSync.RUN, SyncRun.class);
        Settings settings = sync.settings();
        TableSpec spec = TableSpecs.of(exchange.getContext()).get(table);
        // read once a table, not once a record
        TableRun tableRun = new TableRun(run, spec, settings.destinations());
        exchange.setProperty(TableRun.PROPERTY, tableRun);
        exchange.setProperty("table", table);
        if (run.refresh() == null) {
            LOG.info("{}: started", table);
        }
        Map<String, String> childColumns = new LinkedHashMap<>();
        if (table.equals("incidents")) {
            Streams.INCIDENT_CHILDREN.values().forEach(column -> childColumns.put(column, column));
        }
        TableLoad load;
        try {
            load = new TableLoad(table, spec.path(), spec.primaryKey(),
                    sync.leftOut().listing(table, sync.catalog().listing(spec.path())), childColumns,
                    () -> Streams.INCIDENT_CHILDREN.keySet().stream().allMatch(run::isDone),
                    sync.dialect(), sync.dataSource(), run.startedAt(),
                    Streams.INCIDENT_CHILDREN.containsKey(table) ? Streams.INCIDENT_CHILDREN.get(table) : null,
                    settings.arrays());
        } catch (SQLException e) {
            throw new SyncException("cannot reach the database at " + IncidentSync.redact(settings.dbUrl()) + ": "
                    + IncidentSync.rootMessage(e) + "; check incident.db.url (INCIDENT_DB_URL), incident.db.user and incident.db.password");
        }
        load.renameAbove(settings.h2CopySwapMaxChars());
        tableRun.load = load;
        tableRun.leftOut = sync.leftOut();
        sync.running().add(load);
        return load.setup();
    }

    /** The listing to walk next: its path, page size (empty: one request returns every record) and filters. */
    public void list(Exchange exchange, String path, String pageSize, String query) {
        TableRun.of(exchange).list(path, pageSize, query);
    }

    /** One record by its path, in a webhook refresh: one the API no longer has answers 404, and its rows go. */
    public void listRecord(Exchange exchange, String path) {
        TableRun tableRun = TableRun.of(exchange);
        tableRun.list(path, "", "");
        tableRun.partition("", true);
    }

    /**
     * One parent's part of the listing ({@code parameter=id}); a parent deleted since it was listed
     * answers 404 on its first page: skipped, not failed.
     */
    public void partition(Exchange exchange, String parameter, String id) {
        TableRun.of(exchange).partition(parameter + "=" + id, true);
    }

    /** One incident mode's part of the listing ({@code incident_mode=...}). */
    public void mode(Exchange exchange, String mode) {
        TableRun.of(exchange).partition("incident_mode=" + mode, false);
    }

    /** One of a webhook refresh's partitions ({@link #refreshPartitions}). */
    public void refreshPartition(Exchange exchange, String partition) {
        TableRun.of(exchange).partition(partition, true);
    }

    /**
     * An incremental read (see {@link SyncState}): the listing's query gains {@code updated_at[date_range]}
     * from the run's start date for the table to today (UTC), and the load replaces only the rows it reads.
     * A table read in full is left as it is; in a webhook refresh the load replaces the refresh's
     * incidents only.
     */
    public void narrowToChanges(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        SyncRun run = tableRun.getRun();
        TableLoad load = tableRun.getLoad();
        if (run.refresh() != null) {
            load.refreshOnly(load.key().get(0), run.refresh().keySet());
            return;
        }
        LocalDate since = run.changedSince(load.table());
        if (since == null || !tableRun.getSpec().incremental()) {
            return;
        }
        String query = tableRun.getQuery();
        tableRun.query = (query.isEmpty() ? "" : query + "&") + changedRange(since);
        load.mergeBy(load.key());
    }

    /** A webhook refresh reads each of its incidents on its own (GET /v2/incidents/{id}). */
    public List<String> refreshPaths(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        return tableRun.refreshIds().stream().map(id -> tableRun.getSpec().path() + "/" + id).toList();
    }

    private static String changedRange(LocalDate since) {
        return "updated_at[date_range]=" + since + "~" + LocalDate.now(ZoneOffset.UTC);
    }

    /**
     * For the updates of changed incidents: true when this run reads only the updates of the incidents
     * changed since the run's start date; then the listing to walk is the incidents table's own, with its
     * filters, narrowed to those incidents. False when this run reads every update.
     */
    public boolean listChangedIncidents(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        String query = changedIncidentsQuery(tableRun, exchange);
        if (query != null) {
            TableSpec incidents = TableSpecs.of(exchange.getContext()).get("incidents");
            tableRun.list(incidents.path(), incidents.pageSize(), query);
        }
        return query != null;
    }

    private static String changedIncidentsQuery(TableRun tableRun, Exchange exchange) {
        SyncRun run = tableRun.getRun();
        LocalDate since = run.changedSince("incidents");
        if (since == null || run.changedSince(tableRun.getTable()) == null) {
            return null;
        }
        String incidentsQuery = TableSpecs.of(exchange.getContext()).get("incidents").query();
        return (incidentsQuery.isEmpty() ? "" : incidentsQuery + "&") + changedRange(since);
    }

    /**
     * Whether the updates are read one incident at a time, for the incident ids in the body: in a webhook
     * refresh, always; after {@link #listChangedIncidents}, when that costs no more requests than the whole
     * listing (its pages at the last complete sync's size), and then the load replaces the updates of those
     * incidents only; otherwise not.
     */
    public boolean perIncident(Exchange exchange) throws SQLException {
        TableRun tableRun = TableRun.of(exchange);
        if (tableRun.isRefresh()) {
            return true;
        }
        if (changedIncidentsQuery(tableRun, exchange) == null) {
            return false;
        }
        TableLoad load = tableRun.getLoad();
        List<?> ids = exchange.getMessage().getBody(List.class);
        long rows;
        try (Connection c = sync.dataSource().getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + sync.dialect().quote(load.table()))) {
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
     * replaces those incidents' rows.
     */
    public List<String> refreshPartitions(Exchange exchange) {
        List<String> ids = refreshIncidentIds(exchange);
        Map<String, String> modes = TableRun.of(exchange).getRun().refresh();
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            String mode = modes.get(id);
            out.add("incident_id=" + id + (mode != null && Streams.CHILD_MODES.contains(mode) ? "&incident_mode=" + mode : ""));
        }
        return out;
    }

    /** In a webhook refresh, its incidents' ids, and the load replaces those incidents' rows. */
    public List<String> refreshIncidentIds(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        tableRun.getLoad().refreshOnly("incident_id", tableRun.getRun().refresh().keySet());
        return new ArrayList<>(tableRun.refreshIds());
    }

    /**
     * A windowed listing: {@code start} and {@code end} parameters for the window the setting gives
     * ({@link Settings#window}), as RFC 3339 instants; each record gets its parent's id in the column
     * {@code parentColumn}, which it does not carry itself.
     */
    public void window(Exchange exchange, String setting, String start, String end, String parentColumn) {
        java.time.Instant[] window = sync.settings().window(setting, java.time.Instant.now());
        TableRun tableRun = TableRun.of(exchange);
        tableRun.query = start + "=" + window[0] + "&" + end + "=" + window[1];
        tableRun.partitionField = parentColumn;
    }
}
