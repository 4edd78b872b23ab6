package io.incidentsync.store;

import io.incidentsync.api.Page;
import io.incidentsync.config.Settings;
import io.incidentsync.run.SyncException;
import io.incidentsync.schema.Catalog;
import io.incidentsync.schema.ColumnType;
import io.incidentsync.schema.Names;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Loads one table atomically, as statements for the routes to send to the JDBC endpoint. Records go, a
 * page per statement, into a staging table ({@code _sdc_stage_<table>}) upserted by primary key; when
 * the listing is complete, the swap replaces the live table's rows with the staging rows in one
 * transaction, so readers see the previous complete table until the commit and the new complete table
 * after it. A failure anywhere drops the staging table and leaves the live table exactly as it was.
 * This class only reads the database (the live table's columns, the staging table's count, child
 * arrays); every statement that writes is returned, never executed here.
 *
 * <p>The jobs are done by the classes of this package that this load holds: {@link RowConverter}
 * (records into rows, the staging table's columns), {@link StagingWrites} (the rows' statements, a
 * page at a time), {@link PageWriteGate} (one page's write in flight), {@link TableSwap} and
 * {@link MergeSwap} (the statements that make the new rows live). This class keeps the listing's
 * progress and meters.
 */
public final class TableLoad extends LoadMeter {

    /** The column holding when the sync that wrote a row started (UTC). */
    public static final String EXTRACTED_AT = RowConverter.EXTRACTED_AT;

    /** The latest complete listing of a child kind, for incidents to embed: {@code _sdc_children_updates}. */
    static String childrenTable(String kind) {
        return derivedName("_sdc_children_", kind);
    }

    /** The staging table of a child kind's listing, for {@link #childrenTable} at the swap. */
    static String childStage(String kind) {
        return derivedName("_sdc_stage_children_", kind);
    }

    /** A name the sync makes from a table's: the prefix and the name fitted by {@link Names#fit}, never a hash. */
    public static String derivedName(String prefix, String name) {
        return Names.prefixed(prefix, name);
    }

    private final String table;
    /** The endpoint listed, to say where a record came from. */
    private final String path;
    private final String stage;
    private final List<String> key;
    private final Dialect dialect;
    private final String childKind;
    /** The arrays' child tables (incident.arrays holds tables), else null. */
    private final ChildTables children;
    private final LiveTables live;
    private final RowConverter converter;
    private final StagingWrites writes;
    private final PageWriteGate gate = new PageWriteGate();
    private final TableSwap tableSwap;
    private final MergeSwap mergeSwap;
    /** Statements that change the staging table's shape, sent before the next rows. */
    private final Deque<Sql> ddl = new ArrayDeque<>();
    private volatile boolean swapping;
    /** Records added since the current page began. */
    private int pageRecords;
    private long rows;
    /** The newest {@code updated_at} of the records read (incremental tables' cursor), or null. */
    private Instant newestUpdate;

    public TableLoad(String table, String path, List<String> key, Catalog.Listing catalog, Map<String, String> childColumns,
              BooleanSupplier childrenReady, Dialect dialect, DataSource dataSource, OffsetDateTime extractedAt,
              String childKind)
            throws SQLException {
        this(table, path, key, catalog, childColumns, childrenReady, dialect, dataSource, extractedAt, childKind,
                Settings.ArrayMode.BOTH);
    }

    public TableLoad(String table, String path, List<String> key, Catalog.Listing catalog, Map<String, String> childColumns,
              BooleanSupplier childrenReady, Dialect dialect, DataSource dataSource, OffsetDateTime extractedAt,
              String childKind, Settings.ArrayMode arrays)
            throws SQLException {
        this.table = table;
        this.children = arrays.tables() ? new ChildTables(table, path, key, catalog.children(), dialect, dataSource, arrays.json()) : null;
        this.path = path;
        this.stage = derivedName("_sdc_stage_", table);
        this.key = key;
        this.childKind = childKind;
        this.dialect = dialect;
        this.live = new LiveTables(dialect, dataSource);
        this.converter = new RowConverter(table, path, stage, key, catalog.columns(), live.columns(table), childColumns, dialect, extractedAt,
                arrays, ddl);
        this.mergeSwap = new MergeSwap(table, stage, key, childKind, dialect, live, children);
        this.writes = new StagingWrites(table, stage, dialect, converter, children, childKind, childColumns, childrenReady,
                new EmbeddedChildren(dialect, dataSource, live, mergeSwap::refreshing), ddl);
        this.tableSwap = new TableSwap(table, stage, childKind, dialect, dataSource, live, converter, children);
        ddl.add(Sql.of("DROP TABLE IF EXISTS " + dialect.quote(stage)));
        if (childKind != null) {
            ddl.add(Sql.of("DROP TABLE IF EXISTS " + dialect.quote(childStage(childKind))));
            ddl.add(Sql.of("CREATE TABLE " + dialect.quote(childStage(childKind)) + " ("
                    + dialect.quote("incident_id") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                    + dialect.quote("id") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                    + dialect.quote("record") + " " + dialect.type(ColumnType.TEXT, false) + ", "
                    + "PRIMARY KEY (" + dialect.quote("incident_id") + ", " + dialect.quote("id") + "))"
                    + dialect.tableOptions()));
        }
    }

    /**
     * Makes this load replace only the live rows its own rows name by {@code scope} (columns of the key),
     * with their child rows, in one transaction; the other live rows stay.
     */
    public void mergeBy(List<String> scope) {
        mergeSwap.mergeBy(scope);
    }

    /** True when this load replaces only the rows it read ({@link #mergeBy}). */
    public boolean merging() {
        return mergeSwap.merging();
    }

    /** The newest {@code updated_at} among the records read, or null when none had one. */
    public Instant newestUpdate() {
        return newestUpdate;
    }

    /** The table's primary key columns. */
    public List<String> key() {
        return key;
    }

    public String table() {
        return table;
    }

    /** The statements that prepare the load (dropping what an earlier failed run left), before any row. */
    public List<Sql> setup() {
        List<Sql> out = new ArrayList<>(ddl);
        ddl.clear();
        return out;
    }

    /** Adds one record to the current batch; a field never seen before gets a new column. */
    public void add(ObjectNode record) {
        pageRecords++;
        countRecord();
        requireKey(record);
        JsonNode updated = record.get("updated_at");
        if (updated != null && updated.isTextual()) {
            try {
                Instant at = OffsetDateTime.parse(updated.asText()).toInstant();
                if (newestUpdate == null || at.isAfter(newestUpdate)) {
                    newestUpdate = at;
                }
            } catch (DateTimeParseException notATime) {
                // not a time: no cursor from it
            }
        }
        writes.add(converter.convert(record), record);
    }

    /** True when the rows waiting make a statement of their own, even before the page ends. */
    public boolean isBatchFull() {
        return writes.isBatchFull();
    }

    /**
     * A row cannot be stored without its primary key: the table fails, before the record reaches the
     * database, with a line saying where the record is, not what it holds.
     */
    private void requireKey(ObjectNode record) {
        for (String column : key) {
            JsonNode value = record.get(column);
            if (value == null || value.isNull()) {
                throw new SyncException("record " + pageRecords + " of page " + (pages() + 1) + " of GET " + path
                        + " has no " + column + ", a primary key column; a row cannot be stored without it, so the"
                        + " table keeps its previous rows");
            }
        }
    }

    /**
     * Ends a page: the statements that write it (see {@link #writes()}), a page's worth, built now so
     * that they can be written while the next page is converted. Spooled rows are not among them: once
     * the child listings are complete, {@link #isDraining()} says so and {@link #drain()} writes them.
     */
    public List<Sql> endPage() {
        countPage();
        pageRecords = 0;
        List<Sql> out = new ArrayList<>();
        writes.writes(false).forEachRemaining(out::add);
        writes.pageEnded();
        return out;
    }

    /** True when rows wait on disk and can now be written: the route then calls {@link #drain()}. */
    public boolean isDraining() {
        return writes.isDraining();
    }

    /** The spooled rows' statements, read back a batch at a time as the route asks for them. */
    public Iterator<Sql> drain() throws Exception {
        awaitWrites();
        return writes();
    }

    /** The listing is complete: what is left, the spooled rows included, goes to the staging table. */
    public Iterator<Sql> endListing() throws Exception {
        awaitWrites();
        writes.listingEnded();
        return writes();
    }

    /** Before a page's write is handed on: waits for the one before, whose failure becomes this table's. */
    public void beforeWrite() throws Exception {
        gate.beforeWrite();
    }

    /** The page's write has ended, with this failure or none. */
    public void afterWrite(Exception failure) {
        gate.afterWrite(failure);
    }

    /** Waits for the page write in flight, if any; its failure becomes this table's. */
    public void awaitWrites() throws Exception {
        gate.awaitWrites();
    }

    /** Like {@link #awaitWrites()}, for a table already failing: never throws, waits 30 s at most. */
    public void awaitWritesQuietly() {
        gate.awaitWritesQuietly();
    }

    /**
     * The statements that write what waits, in order: the staging table's creation (with the first
     * rows, so the fields the spec leaves untyped get their types from those rows' values), any new or
     * widened column, then the rows, a statement per page (or per {@link StagingWrites#MAX_BATCH} rows). Spooled rows
     * are read back a batch at a time as the route asks for the next statement, so they never all sit in
     * memory.
     */
    public Iterator<Sql> writes() {
        return writes.writes(true);
    }

    /**
     * H2 renames a table whose new rows hold more than this many characters of text, rather than copying
     * them (incident.h2.copy-swap-max-mb); 0 renames every table it may.
     */
    public void renameAbove(long chars) {
        tableSwap.renameAbove(chars);
    }

    /**
     * The statements that make the staging table the live table, to be sent once the listing's rows are
     * written. PostgreSQL replaces the rows in one transaction, keeping the table's grants and dependent
     * views; no reader ever notices. So does H2 for a table of up to {@link #renameAbove} characters of
     * text, or when anything refers to the live table. A larger H2 table is renamed into place while
     * other connections are paused: H2's DDL cannot join a transaction, and a transaction copying
     * hundreds of megabytes takes minutes and gigabytes of heap (20,000 incidents: 46 s, against
     * nothing for the rename). The rename's price: a query that H2 compiles in the instant between
     * the two renames fails with "table not found" (the pause holds statements back from running, not
     * from being compiled); run again, it reads the new table.
     */
    public List<Sql> swap() throws SQLException {
        swapping = true;
        rows = live.count(stage);
        // the parent and its child tables are one swap: a reader never sees a parent of one sync with
        // children of another
        List<SwapTarget> targets = tableSwap.targets();
        if (mergeSwap.merging()) {
            return mergeSwap.statements(targets).statements();
        }
        return tableSwap.statements(targets);
    }

    /**
     * A merge's statements: {@code prepare} (tables created, columns added), {@code copies} (the deletes and
     * inserts that must commit as one transaction), {@code cleanup} (staging tables dropped). A sync sends
     * them as they are; a webhook refresh joins the copies of all its tables into one transaction.
     */
    public record Merge(List<Sql> prepare, List<String> copies, List<Sql> cleanup) {
        /** Several tables' merges as one: their copies become one statement text, one transaction. */
        public static Merge join(List<Merge> merges) {
            List<Sql> prepare = new ArrayList<>();
            List<String> copies = new ArrayList<>();
            List<Sql> cleanup = new ArrayList<>();
            for (Merge merge : merges) {
                prepare.addAll(merge.prepare());
                copies.addAll(merge.copies());
                cleanup.addAll(merge.cleanup());
            }
            return new Merge(prepare, copies, cleanup);
        }

        /** What changes the live tables: the preparations, then every copy in one transaction. */
        public List<Sql> apply() {
            List<Sql> out = new ArrayList<>(prepare);
            if (!copies.isEmpty()) {
                out.add(Sql.of(String.join("; ", copies)));
            }
            return out;
        }

        List<Sql> statements() {
            List<Sql> out = apply();
            out.addAll(cleanup);
            return out;
        }
    }

    /** The merge of this load ({@link #mergeBy}), for a webhook refresh to apply with the others'. */
    public Merge merge() throws SQLException {
        swapping = true;
        rows = live.count(stage);
        return mergeSwap.statements(tableSwap.targets());
    }

    /**
     * Makes this load a webhook refresh of these incidents: it replaces every live row (and child row)
     * of them, by {@code scope} ({@code id} for incidents, {@code incident_id} for their updates,
     * actions and follow-ups), with what it read, which may be nothing. The ids go into the statement
     * text, so anything but letters, digits, {@code _} and {@code -} is refused.
     */
    public void refreshOnly(String scope, Collection<String> incidentIds) {
        mergeSwap.refreshOnly(scope, incidentIds);
    }

    /** Rows of each child table of this load, once swapped. */
    public Map<String, Long> childRows() {
        return tableSwap.childRows();
    }

    /** The statements that drop what this load wrote; the live table is untouched. Never fail the table. */
    public List<Sql> abort() {
        writes.deleteSpool();
        List<Sql> out = new ArrayList<>();
        out.add(Sql.allowedToFail("DROP TABLE IF EXISTS " + dialect.quote(stage),
                table + ": cannot drop " + stage + "; the next sync drops it"));
        if (children != null) {
            out.addAll(children.abort());
        }
        if (childKind != null) {
            out.add(Sql.allowedToFail("DROP TABLE IF EXISTS " + dialect.quote(childStage(childKind)),
                    table + ": cannot drop " + childStage(childKind) + "; the next sync drops it"));
        }
        return out;
    }

    /** Requests sent ahead of their page (see IncidentSync.fetchAhead), discarded should the table fail. */
    private final Set<CompletableFuture<Exchange>> ahead = ConcurrentHashMap.newKeySet();

    public void ahead(CompletableFuture<Exchange> pending) {
        ahead.add(pending);
        pending.whenComplete((done, error) -> ahead.remove(pending));
    }

    /** The table failed: pages still on their way are closed when they arrive. */
    public void discardAhead() {
        for (var pending : ahead) {
            pending.whenComplete((done, error) -> {
                if (done != null && done.getMessage().getBody() instanceof Page page) {
                    page.close();
                }
            });
        }
    }

    /** True once the swap's statements were built: a failure from here on may be in the middle of it. */
    public boolean swapping() {
        return swapping;
    }

    /** The table's rows after the swap. */
    public long rows() {
        return rows;
    }

    /** Deletes the spool; never throws. */
    public void close() {
        writes.deleteSpool();
    }
}
