package io.incidentsync.run;

import io.incidentsync.api.LeftOut;

import io.incidentsync.api.Page;
import io.incidentsync.store.TableLoad;
import org.apache.camel.Exchange;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One table's sync as it travels through the routes, in the exchange property {@code tableRun}: the
 * table's facts ({@link TableSpec}), the run it belongs to, its load (staging table and writes), and the
 * state of the listing being walked: the request to send next (path, filters, partition, page size,
 * cursor), whether another page follows, the page in hand and the one fetched ahead. Routes read it in
 * simple expressions, e.g. {@code ${exchangeProperty.tableRun.more}}.
 */
public final class TableRun {

    /** The exchange property that carries it. */
    public static final String PROPERTY = "tableRun";

    private final SyncRun run;
    private final TableSpec spec;
    private final OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
    private final List<String> destinations;
    /*
     * The fields without private are set directly by the run package's processors (TableStart, TablePaging,
     * TableWrites) as a listing is walked; routes read them through the getters.
     */
    TableLoad load;
    /** The fields its records lose before they go anywhere (set by TableStart). */
    LeftOut leftOut;

    private String path;
    String query = "";
    private String pageSize = "";
    private String partition = "";
    /** The column that gets the partition's parent id, for records that do not carry it. */
    String partitionField;
    /** A 404 on the first page is skipped: the parent (or record) may have vanished since it was listed. */
    private boolean mayVanish;
    String after;
    boolean more;
    private final Set<String> cursors = new HashSet<>();
    volatile CompletableFuture<Exchange> ahead;
    Page page;
    boolean flush;
    List<String> parentIds;

    TableRun(SyncRun run, TableSpec spec, List<String> destinations) {
        this.run = run;
        this.spec = spec;
        this.destinations = destinations;
    }

    /** One request outside any table: a record fetched by path, which may be gone (404). */
    public static TableRun lookup(String path) {
        TableRun lookup = new TableRun(null, null, List.of());
        lookup.list(path, "", "");
        lookup.mayVanish = true;
        return lookup;
    }

    /** One page of a listing outside any table (the writer benchmark's samples). */
    public static TableRun page(String path, String pageSize, String after) {
        TableRun one = new TableRun(null, null, List.of());
        one.list(path, pageSize, "");
        one.after = after;
        return one;
    }

    public static TableRun of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, TableRun.class);
    }

    /** The next listing to walk: its path, page size (empty: one request) and filters, from its first page. */
    void list(String path, String pageSize, String query) {
        this.path = path;
        this.pageSize = pageSize;
        this.query = query;
        this.partition = "";
        this.mayVanish = false;
    }

    /** Walks the listing for one partition (e.g. {@code custom_field_id=...}) of the current listing. */
    void partition(String partition, boolean mayVanish) {
        this.partition = partition;
        this.mayVanish = mayVanish;
    }

    /** Before a listing (or a partition of it) is walked: from the first page. */
    void startListing() {
        after = null;
        more = true;
        cursors.clear();
        ahead = null;
    }

    public SyncRun getRun() {
        return run;
    }

    public TableSpec getSpec() {
        return spec;
    }

    public String getTable() {
        return spec == null ? null : spec.table();
    }

    public OffsetDateTime getStartedAt() {
        return startedAt;
    }

    /** The endpoints of incident.destinations, read once a table. */
    public List<String> getDestinations() {
        return destinations;
    }

    /** Whether incident.destinations names any endpoint, for the record route's filter. */
    public boolean isToDestinations() {
        return !destinations.isEmpty();
    }

    public TableLoad getLoad() {
        return load;
    }

    public String getPath() {
        return path;
    }

    public String getQuery() {
        return query;
    }

    public String getPageSize() {
        return pageSize;
    }

    public String getPartition() {
        return partition;
    }

    public String getPartitionField() {
        return partitionField;
    }

    public boolean isMayVanish() {
        return mayVanish;
    }

    public String getAfter() {
        return after;
    }

    /** Whether another page of the listing follows. */
    public boolean isMore() {
        return more;
    }

    /** Adds a cursor this listing answered; false when it answered it before. */
    boolean newCursor(String cursor) {
        return cursors.add(cursor);
    }

    /** Whether the next page's request is already on its way. */
    public boolean isFetchedAhead() {
        return ahead != null;
    }

    /** Whether the rows waiting fill a statement before their page ends. */
    public boolean isFlush() {
        return flush;
    }

    /** The ids of a parent listing's records, as its pages are read. */
    public List<String> getParentIds() {
        return parentIds;
    }

    /** Whether this run is a webhook refresh of some incidents, not a sync. */
    public boolean isRefresh() {
        return run != null && run.refresh() != null;
    }

    /** The refresh's incident ids. */
    List<String> refreshIds() {
        return List.copyOf(run.refresh().keySet());
    }

    @Override
    public String toString() {
        return "tableRun " + getTable() + " " + path;
    }
}
