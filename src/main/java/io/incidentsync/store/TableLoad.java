package io.incidentsync.store;

import io.incidentsync.api.IncidentApi;
import io.incidentsync.api.Page;
import io.incidentsync.config.Settings;
import io.incidentsync.run.SyncException;
import io.incidentsync.schema.Catalog;
import io.incidentsync.schema.ColumnType;
import io.incidentsync.schema.RecordFlattener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Loads one table atomically, as statements for the routes to send to the JDBC endpoint. Records go, a
 * page per statement, into a staging table ({@code _sdc_stage_<table>}) upserted by primary key; when
 * the listing is complete, the swap replaces the live table's rows with the staging rows in one
 * transaction, so readers see the previous complete table until the commit and the new complete table
 * after it. A failure anywhere drops the staging table and leaves the live table exactly as it was.
 * This class only reads the database (the live table's columns, the staging table's count, child
 * arrays); every statement that writes is returned, never executed here.
 */
public final class TableLoad implements IncidentApi.ApiMeter {

    private static final Logger LOG = LoggerFactory.getLogger(TableLoad.class);

    public static final String EXTRACTED_AT = "_sdc_extracted_at";
    /** The latest complete listing of a child kind, for incidents to embed: {@code _sdc_children_updates}. */
    static String childrenTable(String kind) {
        return derivedName("_sdc_children_", kind);
    }

    /** Identifiers at most this long fit every destination: PostgreSQL keeps 63 bytes, MariaDB and MySQL 64. */
    static final int MAX_IDENTIFIER = 63;

    /**
     * A name the sync makes from a table's: the prefix and the name, or, when that would be longer than
     * {@link #MAX_IDENTIFIER} (PostgreSQL would cut it, MariaDB refuse it), its start and a hash of it.
     */
    public static String derivedName(String prefix, String name) {
        String full = prefix + name;
        if (full.length() <= MAX_IDENTIFIER) {
            return full;
        }
        String hash = String.format("%08x", full.hashCode());
        return full.substring(0, MAX_IDENTIFIER - hash.length() - 1) + "_" + hash;
    }
    /** Rows buffered before a statement is sent even within one page, for unpaged listings of any size. */
    static final int MAX_BATCH = 500;
    /**
     * Bound values in one statement at most: PostgreSQL takes 65,535; a page of 250 incidents of 100
     * columns is 25,000, so a page is one statement, and only an unusually wide one is split.
     */
    static final int MAX_PARAMETERS = 30_000;
    /**
     * Rows one child table may gather before the page's end writes them: a page's arrays (a page of
     * 250 incidents holds some 8,000 custom field options) wait for the page's one write.
     */
    static final int MAX_CHILD_BATCH = 20_000;

    private final String table;
    /** The endpoint listed, to say where a record came from. */
    private final String path;
    private final String stage;
    private final List<String> key;
    private final Dialect dialect;
    private final DataSource dataSource;
    private final OffsetDateTime extractedAt;
    private final String childKind;
    private final Map<String, ColumnType> columns = new LinkedHashMap<>();
    /** Columns the live table already holds as text (by lower-case name). */
    private final Set<String> liveText = new HashSet<>();
    /** Columns of the live table built at the swap from child listings: column name to child kind. */
    private final Map<String, String> childColumns;
    /** True once the child listings the columns above are built from are complete. */
    private final BooleanSupplier childrenReady;
    /**
     * While the child listings are still running, converted rows wait on disk instead of being
     * written without their child arrays and rewritten later.
     */
    private boolean spooling;
    /** The spool is being written to the staging table, a batch at a time. */
    private boolean draining;
    private RowSpool spool;
    private final Map<String, Boolean> childTables = new HashMap<>();
    private final RecordFlattener flattener;
    /** Arrays are kept as JSON columns (incident.arrays holds json). */
    private final boolean arraysAsJson;
    /** The arrays' child tables (incident.arrays holds tables), else null. */
    private final ChildTables children;
    private final List<Object[]> batch = new ArrayList<>();
    /** Statements that change the staging table's shape, sent before the next rows. */
    private final Deque<Sql> ddl = new ArrayDeque<>();
    /** Each column's place in a converted row, and its type by place. */
    private final Map<String, Integer> positions = new HashMap<>();
    private final List<ColumnType> types = new ArrayList<>();
    private final List<String[]> childBatch = new ArrayList<>();
    private boolean created;
    private volatile boolean swapping;
    private final long startedNanos = System.nanoTime();

    private volatile long pages;
    /** Records added since the current page began. */
    private int pageRecords;
    private long requests;
    private long retries;
    private long rateLimited;
    private long budgetWaitNanos;
    private volatile long recordsRead;
    private long rows;
    /** Characters of text in the rows converted so far: what a copy at the swap would have to write. */
    private long stagedChars;
    /** Above this many staged characters, a dialect that may rename does (see {@link #swap()}). */
    private long renameAbove = 32_000_000L;

    public TableLoad(String table, String path, List<String> key, List<Catalog.Column> catalog, Map<String, String> childColumns,
              BooleanSupplier childrenReady, Dialect dialect, DataSource dataSource, OffsetDateTime extractedAt,
              String childKind)
            throws SQLException {
        this(table, path, key, catalog, childColumns, childrenReady, dialect, dataSource, extractedAt, childKind,
                Settings.ArrayMode.BOTH);
    }

    public TableLoad(String table, String path, List<String> key, List<Catalog.Column> catalog, Map<String, String> childColumns,
              BooleanSupplier childrenReady, Dialect dialect, DataSource dataSource, OffsetDateTime extractedAt,
              String childKind, Settings.ArrayMode arrays)
            throws SQLException {
        this.table = table;
        this.arraysAsJson = arrays.json();
        this.children = arrays.tables() ? new ChildTables(table, key, dialect, dataSource, arrays.json()) : null;
        this.path = path;
        this.stage = derivedName("_sdc_stage_", table);
        this.key = key;
        this.extractedAt = extractedAt;
        this.childKind = childKind;
        this.dialect = dialect;
        this.dataSource = dataSource;
        // a column widened to text by an earlier sync stays text, so its values keep one form
        Map<String, String> live = liveColumns(table);
        live.forEach((name, type) -> {
            if (dialect.isText(type)) {
                liveText.add(name);
            }
        });
        Set<String> json = new HashSet<>();
        for (Catalog.Column c : catalog) {
            if (c.array() && !arraysAsJson) {
                continue;
            }
            if (c.type() == ColumnType.JSON) {
                json.add(c.name());
            }
            if (c.type() != null) {
                // the catalog's names are already the flattener's (CatalogGenerator names columns with it)
                columns.put(c.name(), keptType(c.name(), c.type()));
            }
        }
        for (String k : key) {
            columns.putIfAbsent(k, ColumnType.TEXT);
        }
        this.childColumns = childColumns;
        this.childrenReady = childrenReady;
        this.spooling = !childColumns.isEmpty();
        columns.put(EXTRACTED_AT, ColumnType.TIMESTAMP);
        columns.forEach((name, type) -> {
            positions.put(name, positions.size());
            types.add(type);
        });
        Set<String> reserved = new HashSet<>(childColumns.keySet());
        reserved.add(EXTRACTED_AT);
        this.flattener = new RecordFlattener(json, reserved);
        ddl.add(Sql.of("DROP TABLE IF EXISTS " + dialect.quote(stage)));
        if (childKind != null) {
            ddl.add(Sql.of("DROP TABLE IF EXISTS " + dialect.quote(childStage())));
            ddl.add(Sql.of("CREATE TABLE " + dialect.quote(childStage()) + " ("
                    + dialect.quote("incident_id") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                    + dialect.quote("id") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                    + dialect.quote("record") + " " + dialect.type(ColumnType.TEXT, false) + ", "
                    + "PRIMARY KEY (" + dialect.quote("incident_id") + ", " + dialect.quote("id") + "))"
                    + dialect.tableOptions()));
        }
    }

    private Map<String, String> liveColumns(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return dialect.columns(c, name);
        }
    }

    private String childStage() {
        return derivedName("_sdc_stage_children_", childKind);
    }

    /**
     * Columns whose values name the live rows this load replaces, instead of the whole table: the key
     * for an incremental read, {@code incident_id} for the updates of changed incidents; null for a full load.
     */
    private List<String> mergeScope;
    /** The newest {@code updated_at} of the records read (incremental tables' cursor), or null. */
    private java.time.Instant newestUpdate;

    /**
     * Makes this load replace only the live rows its own rows name by {@code scope} (columns of the key),
     * with their child rows, in one transaction; the other live rows stay.
     */
    public void mergeBy(List<String> scope) {
        this.mergeScope = List.copyOf(scope);
    }

    /** True when this load replaces only the rows it read ({@link #mergeBy}). */
    public boolean merging() {
        return mergeScope != null;
    }

    /** The newest {@code updated_at} among the records read, or null when none had one. */
    public java.time.Instant newestUpdate() {
        return newestUpdate;
    }

    /** The table's primary key columns. */
    public List<String> key() {
        return key;
    }

    public String table() {
        return table;
    }

    private String createTable(String name, boolean withChildColumns) {
        Map<String, ColumnType> all = new LinkedHashMap<>(columns);
        if (withChildColumns) {
            childColumns.keySet().forEach(c -> all.put(c, ColumnType.JSON));
        }
        return createTable(dialect, name, all, key);
    }

    /** The CREATE TABLE of a staging table with these columns and primary key. */
    static String createTable(Dialect dialect, String name, Map<String, ColumnType> columns, List<String> key) {
        String body = columns.entrySet().stream()
                .map(e -> dialect.quote(e.getKey()) + " " + dialect.type(e.getValue(), key.contains(e.getKey()))
                        + (key.contains(e.getKey()) ? " NOT NULL" : ""))
                .collect(Collectors.joining(", "));
        return "CREATE TABLE " + dialect.quote(name) + " (" + body + ", PRIMARY KEY ("
                + key.stream().map(dialect::quote).collect(Collectors.joining(", ")) + "))" + dialect.tableOptions();
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
        recordsRead++;
        requireKey(record);
        JsonNode updated = record.get("updated_at");
        if (updated != null && updated.isTextual()) {
            try {
                java.time.Instant at = java.time.OffsetDateTime.parse(updated.asText()).toInstant();
                if (newestUpdate == null || at.isAfter(newestUpdate)) {
                    newestUpdate = at;
                }
            } catch (java.time.format.DateTimeParseException notATime) {
                // not a time: no cursor from it
            }
        }
        RowBuilder builder = new RowBuilder();
        flattener.walk(record, builder);
        Object[] row = builder.finish();
        if (children != null) {
            Object[] parentKey = new Object[key.size()];
            for (int i = 0; i < parentKey.length; i++) {
                parentKey[i] = row[positions.get(key.get(i))];
            }
            children.startParent(parentKey);
            try {
                for (Map.Entry<String, JsonNode> array : builder.arrays == null ? List.<Map.Entry<String, JsonNode>>of() : builder.arrays) {
                    children.add(array.getKey(), parentKey, array.getValue());
                }
            } catch (SQLException e) {
                throw new SyncSqlException(e);
            }
        }
        if (childKind != null) {
            childBatch.add(new String[] {record.path("incident_id").asText(), record.path("id").asText(), Page.json(record)});
        }
        if (spooling) {
            try {
                if (spool == null) {
                    spool = new RowSpool(table);
                }
                spool.write(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        batch.add(row);
    }

    /** True when the rows waiting make a statement of their own, even before the page ends. */
    public boolean isBatchFull() {
        return batch.size() >= MAX_BATCH || childBatch.size() >= MAX_BATCH
                || (children != null && children.waiting() >= MAX_CHILD_BATCH);
    }

    /**
     * A row cannot be stored without its primary key: the table fails, before the record reaches the
     * database, with a line saying where the record is, not what it holds.
     */
    private void requireKey(ObjectNode record) {
        for (String column : key) {
            JsonNode value = record.get(column);
            if (value == null || value.isNull()) {
                throw new SyncException("record " + pageRecords + " of page " + (pages + 1) + " of GET " + path
                        + " has no " + column + ", a primary key column; a row cannot be stored without it, so the"
                        + " table keeps its previous rows");
            }
        }
    }

    /**
     * Places each column of one record as the flattener hands it over, converted to its JDBC value, by
     * column position (positions never change: columns are only ever added at the end), adding columns
     * never seen before; keeps the record's arrays aside for their child tables.
     */
    private final class RowBuilder implements RecordFlattener.Sink {
        private Object[] values = new Object[positions.size()];
        private List<Map.Entry<String, JsonNode>> arrays;

        @Override
        public void accept(List<String> path, String column, JsonNode value) {
            if (value.isObject() && children != null) {
                // kept whole as JSON: its arrays still get child tables
                if (arrays == null) {
                    arrays = new ArrayList<>(4);
                }
                ChildTables.arraysInside(path, value, arrays);
            }
            accept(column, value);
        }

        @Override
        public void accept(String column, JsonNode value) {
            if (value.isArray() && !childColumns.containsKey(column)) {
                if (children != null) {
                    if (arrays == null) {
                        arrays = new ArrayList<>(4);
                    }
                    arrays.add(Map.entry(column, value));
                }
                if (!arraysAsJson) {
                    return;
                }
            }
            Integer position = positions.get(column);
            if (position == null) {
                if (value.isNull()) {
                    return;
                }
                position = addColumn(column, ColumnType.ofValue(value));
                values = Arrays.copyOf(values, positions.size());
            }
            try {
                values[position] = types.get(position).convert(value);
            } catch (ColumnType.DoesNotFit notThisType) {
                widen(column, position);
                values[position] = ColumnType.TEXT.convert(value);
            }
            if (values[position] instanceof String text) {
                stagedChars += text.length();
            }
        }

        Object[] finish() {
            values[positions.get(EXTRACTED_AT)] = extractedAt;
            return values;
        }
    }

    /** The type a column is created with: text when the live table already holds it as text. */
    private ColumnType keptType(String column, ColumnType type) {
        return type != ColumnType.JSON && liveText.contains(column) ? ColumnType.TEXT : type;
    }

    /**
     * A value its column's type cannot hold exactly: the column becomes text, which holds every value
     * without loss. Rows converted before keep their values, as text from the next statement on.
     */
    private void widen(String column, int position) {
        ColumnType from = types.get(position);
        LOG.info("{}: column {} holds a value that is not {}; it becomes text", table, column, from);
        types.set(position, ColumnType.TEXT);
        columns.put(column, ColumnType.TEXT);
        if (created) {
            ddl.add(Sql.of(dialect.widenToText(stage, column, from)));
        }
    }

    /** A field never seen before: its column, typed by its first value, goes at the end. */
    private int addColumn(String column, ColumnType type) {
        type = keptType(column, type);
        int position = positions.size();
        columns.put(column, type);
        positions.put(column, position);
        types.add(type);
        if (created) {
            ddl.add(Sql.of("ALTER TABLE " + dialect.quote(stage) + " ADD COLUMN " + dialect.quote(column) + " "
                    + dialect.type(type, false)));
        }
        return position;
    }

    /**
     * Ends a page: the statements that write it (see {@link #writes()}), a page's worth, built now so
     * that they can be written while the next page is converted. Spooled rows are not among them: once
     * the child listings are complete, {@link #isDraining()} says so and {@link #drain()} writes them.
     */
    public List<Sql> endPage() {
        pages++;
        pageRecords = 0;
        List<Sql> out = new ArrayList<>();
        writes(false).forEachRemaining(out::add);
        if (spooling && childrenReady.getAsBoolean()) {
            startDraining();
        }
        return out;
    }

    /** True when rows wait on disk and can now be written: the route then calls {@link #drain()}. */
    public boolean isDraining() {
        return draining;
    }

    /** The spooled rows' statements, read back a batch at a time as the route asks for them. */
    public Iterator<Sql> drain() throws Exception {
        awaitWrites();
        return writes();
    }

    /** The listing is complete: what is left, the spooled rows included, goes to the staging table. */
    public Iterator<Sql> endListing() throws Exception {
        awaitWrites();
        if (spooling) {
            startDraining();
        }
        return writes();
    }

    // One page's write may be in flight (route write-page, on the writers' pool) while the next page is
    // converted; every other write, and the swap, waits for it first.
    private final java.util.concurrent.Semaphore writing = new java.util.concurrent.Semaphore(1);
    private volatile Exception writeFailure;

    /** Before a page's write is handed on: waits for the one before, whose failure becomes this table's. */
    public void beforeWrite() throws Exception {
        writing.acquire();
        if (writeFailure != null) {
            writing.release();
            throw writeFailure;
        }
    }

    /** The page's write has ended, with this failure or none. */
    public void afterWrite(Exception failure) {
        if (failure != null && writeFailure == null) {
            writeFailure = failure;
        }
        writing.release();
    }

    /** Waits for the page write in flight, if any; its failure becomes this table's. */
    public void awaitWrites() throws Exception {
        writing.acquire();
        writing.release();
        if (writeFailure != null) {
            throw writeFailure;
        }
    }

    /** Like {@link #awaitWrites()}, for a table already failing: never throws, waits 30 s at most. */
    public void awaitWritesQuietly() {
        try {
            if (writing.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS)) {
                writing.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void startDraining() {
        spooling = false;
        draining = spool != null;
    }

    /**
     * The statements that write what waits, in order: the staging table's creation (with the first
     * rows, so the fields the spec leaves untyped get their types from those rows' values), any new or
     * widened column, then the rows, a statement per page (or per {@link #MAX_BATCH} rows). Spooled rows
     * are read back a batch at a time as the route asks for the next statement, so they never all sit in
     * memory.
     */
    public Iterator<Sql> writes() {
        return writes(true);
    }

    /** {@link #writes()}, with or without the spooled rows that may be draining. */
    private Iterator<Sql> writes(boolean withSpool) {
        return new Iterator<>() {
            private final Deque<Sql> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                try {
                    fill();
                } catch (SQLException e) {
                    throw new SyncSqlException(e);
                }
                return !ready.isEmpty();
            }

            @Override
            public Sql next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }

            private void fill() throws SQLException {
                while (ready.isEmpty()) {
                    if (!ddl.isEmpty()) {
                        ready.addAll(ddl);
                        ddl.clear();
                    } else if (!created) {
                        ready.add(Sql.of(createTable(stage, true)));
                        created = true;
                    } else if (!batch.isEmpty() || !childBatch.isEmpty() || (children != null && children.pending())) {
                        ready.addAll(rowStatements());
                    } else if (!withSpool || !draining || !readSpool()) {
                        return;
                    }
                }
            }
        };
    }

    /** Moves up to a batch of spooled rows into the batch; false once the spool is empty. */
    private boolean readSpool() throws SQLException {
        try {
            Object[] row;
            while (batch.size() < MAX_BATCH && (row = spool.next()) != null) {
                batch.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (batch.isEmpty()) {
            draining = false;
            deleteSpool();
            return false;
        }
        return true;
    }

    private void deleteSpool() {
        if (spool != null) {
            spool.close();
            spool = null;
        }
    }

    /** Each incident's child records, as JSON array text, for the incidents of one batch. */
    private Map<String, String> childArrays(String kind, List<String> incidents) throws SQLException {
        Map<String, String> out = new HashMap<>();
        String children = childrenTable(kind);
        // a webhook refresh embeds what it read of its incidents' updates and actions, not yet merged
        String staged = derivedName("_sdc_stage_children_", kind);
        if (refreshIds != null && childTables.computeIfAbsent(staged, this::exists)) {
            children = staged;
        }
        // the child listings are complete by now, so whether their table exists no longer changes
        if (incidents.isEmpty() || !childTables.computeIfAbsent(children, this::exists)) {
            return out;
        }
        String sql = "SELECT " + dialect.quote("incident_id") + ", " + dialect.quote("record") + " FROM "
                + dialect.quote(children) + " WHERE " + dialect.quote("incident_id") + " IN ("
                + String.join(", ", Collections.nCopies(incidents.size(), "?")) + ") ORDER BY "
                + dialect.quote("incident_id") + ", " + dialect.quote("id");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < incidents.size(); i++) {
                ps.setString(i + 1, incidents.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                Map<String, StringBuilder> arrays = new HashMap<>();
                while (rs.next()) {
                    StringBuilder array = arrays.computeIfAbsent(rs.getString(1), k -> new StringBuilder("["));
                    array.append(array.length() == 1 ? "" : ",").append(rs.getString(2));
                }
                arrays.forEach((incident, array) -> out.put(incident, array.append(']').toString()));
            }
        }
        return out;
    }

    /**
     * The statements for the rows waiting: one multi-row upsert of the rows (two or more only when the
     * rows hold more than {@link #MAX_PARAMETERS} values), and one of the child records. A record listed
     * twice in them is written once, its last version. Each text value is bound as the database can
     * store it ({@link Dialect#storable}): the incident ids too, so they match their children's stored ones.
     */
    private List<Sql> rowStatements() throws SQLException {
        List<Sql> out = new ArrayList<>();
        if (!batch.isEmpty()) {
            List<String> names = new ArrayList<>(columns.keySet());
            List<ColumnType> allTypes = new ArrayList<>(types);
            int plain = names.size();
            List<String> childNames = new ArrayList<>(childColumns.keySet());
            for (String child : childNames) {
                names.add(child);
                allTypes.add(ColumnType.JSON);
            }
            List<Object[]> values = new ArrayList<>(batch.size());
            for (Object[] row : batch) {
                Object[] full = bindable(dialect, row, plain, allTypes);
                values.add(full.length == names.size() ? full : Arrays.copyOf(full, names.size()));
            }
            batch.clear();
            if (!childNames.isEmpty()) {
                Integer idPosition = positions.get("id");
                List<String> ids = new ArrayList<>(values.size());
                for (Object[] row : values) {
                    ids.add(idPosition == null || row[idPosition] == null ? null : row[idPosition].toString());
                }
                List<String> distinct = ids.stream().filter(v -> v != null).distinct().collect(Collectors.toList());
                for (int c = 0; c < childNames.size(); c++) {
                    Map<String, String> arrays = childArrays(childColumns.get(childNames.get(c)), distinct);
                    for (int r = 0; r < values.size(); r++) {
                        String array = ids.get(r) == null ? "[]" : arrays.getOrDefault(ids.get(r), "[]");
                        values.get(r)[plain + c] = dialect.storable(ColumnType.JSON, array);
                    }
                }
            }
            out.addAll(upserts(dialect, stage, names, allTypes, key, values));
        }
        if (!childBatch.isEmpty()) {
            List<String> cols = List.of("incident_id", "id", "record");
            List<Object[]> values = new ArrayList<>(childBatch.size());
            for (String[] child : childBatch) {
                values.add(new Object[] {dialect.storable(ColumnType.TEXT, child[0]), dialect.storable(ColumnType.TEXT, child[1]),
                        // the record's JSON text, which becomes part of an incidents JSON column
                        dialect.storable(ColumnType.JSON, child[2])});
            }
            childBatch.clear();
            out.addAll(upserts(dialect, childStage(), cols, Collections.nCopies(cols.size(), ColumnType.TEXT),
                    List.of("incident_id", "id"), values));
        }
        if (children != null) {
            out.addAll(children.statements());
        }
        return out;
    }

    /**
     * A converted row's values as the database binds them, {@code width} of them: a row converted
     * before a later column appeared has none for it; a value converted before its column was widened
     * becomes text; text is made storable ({@link Dialect#storable}).
     */
    static Object[] bindable(Dialect dialect, Object[] row, int width, List<ColumnType> types) {
        Object[] full = row.length >= width ? row : Arrays.copyOf(row, width);
        for (int i = 0; i < width; i++) {
            Object v = full[i];
            if (v != null && !(v instanceof String) && types.get(i) == ColumnType.TEXT) {
                v = v.toString();
            }
            full[i] = v instanceof String text ? dialect.storable(types.get(i), text) : dialect.bindable(v);
        }
        return full;
    }

    private static long textLength(Object[] row) {
        long n = 0;
        for (Object v : row) {
            if (v instanceof String text) {
                n += text.length();
            }
        }
        return n;
    }

    /** Multi-row upserts of {@code rows}, the last version of each key only, within the bound-value limit. */
    static List<Sql> upserts(Dialect dialect, String into, List<String> names, List<ColumnType> allTypes, List<String> keyColumns,
                              List<Object[]> rows) {
        int[] keyAt = keyColumns.stream().mapToInt(names::indexOf).toArray();
        Map<List<Object>, Object[]> last = new LinkedHashMap<>();
        for (Object[] row : rows) {
            List<Object> k = new ArrayList<>(keyAt.length);
            for (int i : keyAt) {
                k.add(row[i]);
            }
            last.remove(k);
            last.put(k, row);
        }
        List<Sql> out = new ArrayList<>();
        for (List<Object[]> part : statementsOf(dialect, names.size(), new ArrayList<>(last.values()))) {
            out.add(Sql.of(dialect.upsert(into, names, allTypes, keyColumns, part.size()), flatten(part)));
        }
        return out;
    }

    /**
     * Plain inserts of {@code rows}, whose keys are new to the table (a child table's staging table): one
     * JDBC batch where the database prefers it ({@link Dialect#prefersBatches}), else multi-row inserts
     * within the bound-value limit.
     */
    static List<Sql> inserts(Dialect dialect, String into, List<String> names, List<ColumnType> allTypes, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        if (dialect.prefersBatches()) {
            return List.of(Sql.batch(dialect.insert(into, names, allTypes, 1), flatten(rows)));
        }
        List<Sql> out = new ArrayList<>();
        for (List<Object[]> part : statementsOf(dialect, names.size(), rows)) {
            out.add(Sql.of(dialect.insert(into, names, allTypes, part.size()), flatten(part)));
        }
        return out;
    }

    private static List<Object> flatten(List<Object[]> rows) {
        List<Object> parameters = new ArrayList<>(rows.isEmpty() ? 0 : rows.size() * rows.get(0).length);
        for (Object[] row : rows) {
            parameters.addAll(Arrays.asList(row));
        }
        return parameters;
    }

    /** {@code rows} cut into statements: up to the bound-value limit, and within the dialect's text limit (a large row goes alone). */
    private static List<List<Object[]>> statementsOf(Dialect dialect, int width, List<Object[]> rows) {
        int perStatement = Math.max(1, MAX_PARAMETERS / width);
        long maxChars = dialect.maxStatementChars();
        List<List<Object[]>> out = new ArrayList<>();
        int from = 0;
        while (from < rows.size()) {
            int to = from;
            long chars = 0;
            while (to < rows.size() && to - from < perStatement) {
                long rowChars = maxChars == Long.MAX_VALUE ? 0 : textLength(rows.get(to));
                if (to > from && chars + rowChars > maxChars) {
                    break;
                }
                chars += rowChars;
                to++;
            }
            out.add(rows.subList(from, to));
            from = to;
        }
        return out;
    }

    /**
     * H2 renames a table whose new rows hold more than this many characters of text, rather than copying
     * them (incident.h2.copy-swap-max-mb); 0 renames every table it may.
     */
    public void renameAbove(long chars) {
        this.renameAbove = chars;
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
        List<Sql> out = new ArrayList<>();
        rows = count(stage);
        // the parent and its child tables are one swap: a reader never sees a parent of one sync with
        // children of another
        List<Target> targets = targets();
        List<String> vanished = children == null ? List.of() : children.vanished();
        long chars = stagedChars;
        if (children != null) {
            for (ChildTables.Child child : children.all()) {
                chars += child.stagedChars;
            }
        }
        if (mergeScope != null) {
            return mergeSwap(targets).statements();
        }
        boolean rename = dialect.renamesAtomically() || chars > renameAbove;
        for (Target t : targets) {
            if (!rename) {
                break;
            }
            rename = t.live.isEmpty() || (mayRename(t.name) && !exists(t.old()));
        }
        if (rename && targets.stream().anyMatch(t -> !t.live.isEmpty())) {
            List<String[]> swaps = new ArrayList<>();
            for (Target t : targets) {
                swaps.add(new String[] {t.stage, t.name, t.live.isEmpty() ? null : t.old()});
            }
            try (Connection c = dataSource.getConnection()) {
                out.add(Sql.of(dialect.renameSwap(c, swaps, vanished)));
            }
            for (Target t : targets) {
                if (!t.live.isEmpty()) {
                    // the new rows are live: a replaced table that stays behind is no reason to fail the table
                    out.add(Sql.allowedToFail("DROP TABLE IF EXISTS " + dialect.quote(t.old()),
                            table + ": cannot drop " + t.old() + "; the next sync copies the new rows into " + t.name
                                    + " instead"));
                }
            }
        } else {
            // one statement text, so one transaction: readers see the old rows of every table or the new ones
            List<String> copies = new ArrayList<>();
            for (Target t : targets) {
                if (!t.live.isEmpty()) {
                    out.addAll(alterToFit(t.name, t.columns, t.live));
                    String names = t.columns.keySet().stream().map(dialect::quote).collect(Collectors.joining(", "));
                    copies.add("DELETE FROM " + dialect.quote(t.name) + "; INSERT INTO " + dialect.quote(t.name) + " ("
                            + names + ") SELECT " + names + " FROM " + dialect.quote(t.stage));
                }
            }
            vanished.forEach(name -> copies.add("DELETE FROM " + dialect.quote(name)));
            if (!copies.isEmpty()) {
                out.add(Sql.of(String.join("; ", copies)));
            }
            for (Target t : targets) {
                if (!t.live.isEmpty()) {
                    out.add(Sql.of("DROP TABLE " + dialect.quote(t.stage)));
                    if (exists(t.old())) {
                        out.add(Sql.allowedToFail("DROP TABLE IF EXISTS " + dialect.quote(t.old()),
                                table + ": cannot drop " + t.old() + " (left by an earlier sync)"));
                    }
                }
            }
            // no previous table for a reader to see: the staging table simply takes the name
            for (Target t : targets) {
                if (t.live.isEmpty()) {
                    out.add(Sql.of("ALTER TABLE " + dialect.quote(t.stage) + " RENAME TO " + dialect.quote(t.name)));
                }
            }
        }
        if (childKind != null) {
            // this complete listing becomes the one incidents embed; the previous one goes
            out.add(Sql.of("DROP TABLE IF EXISTS " + dialect.quote(childrenTable(childKind)) + "; ALTER TABLE "
                    + dialect.quote(childStage()) + " RENAME TO " + dialect.quote(childrenTable(childKind))));
        }
        return out;
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
        rows = count(stage);
        return mergeSwap(targets());
    }

    /**
     * The swap of an incremental load: in one transaction, the live rows (and child rows) that this
     * load's rows name by the merge scope are deleted and this load's rows inserted; every other live
     * row stays. A child table new in this run is created empty first. A webhook refresh
     * ({@link #refreshOnly}) deletes the rows of the incidents it refreshes instead, so a record gone
     * from the API goes from the table too.
     */
    private Merge mergeSwap(List<Target> targets) throws SQLException {
        List<Sql> prepare = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        List<String> inserts = new ArrayList<>();
        List<Sql> cleanup = new ArrayList<>();
        for (Target t : targets) {
            boolean parent = t.name.equals(table);
            if (t.live.isEmpty()) {
                prepare.add(Sql.of(createTable(dialect, t.name, t.columns, keyOf(t, parent))));
            } else {
                prepare.addAll(alterToFit(t.name, t.columns, t.live));
            }
            // child rows go before their parents (a refresh's deletes read no staging table, but keep one order)
            deletes.add(parent ? deletes.size() : 0, deleteScoped(t.name, parent));
            String names = t.columns.keySet().stream().map(dialect::quote).collect(Collectors.joining(", "));
            inserts.add("INSERT INTO " + dialect.quote(t.name) + " (" + names + ") SELECT " + names + " FROM "
                    + dialect.quote(t.stage));
        }
        Set<String> staged = targets.stream().map(Target::name).collect(Collectors.toSet());
        if (children != null) {
            // a live child table this run wrote nothing to still loses the changed parents' rows
            try (Connection c = dataSource.getConnection()) {
                for (String name : dialect.tables(c, table + "__")) {
                    if (!staged.contains(name)) {
                        deletes.add(0, deleteScoped(name, false));
                    }
                }
            }
        }
        List<String> copies = new ArrayList<>(deletes);
        copies.addAll(inserts);
        if (childKind != null) {
            String children = dialect.quote(childrenTable(childKind));
            String scoped = dialect.quote(childStage());
            if (exists(childrenTable(childKind))) {
                copies.add(refreshIds != null
                        ? "DELETE FROM " + children + " WHERE " + dialect.quote("incident_id") + " IN (" + refreshIds + ")"
                        : "DELETE FROM " + children + " WHERE EXISTS (SELECT 1 FROM " + scoped + " s WHERE s."
                        + dialect.quote("incident_id") + " = " + children + "." + dialect.quote("incident_id") + ")");
                copies.add("INSERT INTO " + children + " SELECT * FROM " + scoped);
            } else {
                prepare.add(Sql.of("ALTER TABLE " + scoped + " RENAME TO " + children));
            }
        }
        for (Target t : targets) {
            cleanup.add(Sql.of("DROP TABLE " + dialect.quote(t.stage)));
        }
        if (childKind != null && exists(childrenTable(childKind))) {
            cleanup.add(Sql.of("DROP TABLE IF EXISTS " + dialect.quote(childStage())));
        }
        return new Merge(prepare, copies, cleanup);
    }

    /** For a webhook refresh: the incidents' ids as SQL text ({@link #refreshOnly}), else null. */
    private String refreshIds;

    /**
     * Makes this load a webhook refresh of these incidents: it replaces every live row (and child row)
     * of them, by {@code scope} ({@code id} for incidents, {@code incident_id} for their updates,
     * actions and follow-ups), with what it read, which may be nothing. The ids go into the statement
     * text, so anything but letters, digits, {@code _} and {@code -} is refused.
     */
    public void refreshOnly(String scope, java.util.Collection<String> incidentIds) {
        for (String id : incidentIds) {
            if (!SAFE_ID.matcher(id).matches()) {
                throw new SyncException("the incident id '" + id.replaceAll("\\p{Cc}", "?")
                        + "' is not letters, digits, _ and -; it is not refreshed");
            }
        }
        mergeBy(List.of(scope));
        refreshIds = incidentIds.isEmpty() ? "''" : incidentIds.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
    }

    private static final java.util.regex.Pattern SAFE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,128}");

    /** Deletes the live rows of {@code name} that the parent's staging rows name by the merge scope. */
    private String deleteScoped(String name, boolean parent) {
        String live = dialect.quote(name);
        if (refreshIds != null) {
            String column = mergeScope.get(0);
            return "DELETE FROM " + live + " WHERE " + dialect.quote(parent ? column : ChildTables.SOURCE_KEY + column)
                    + " IN (" + refreshIds + ")";
        }
        String condition = mergeScope.stream()
                .map(c -> "s." + dialect.quote(c) + " = " + live + "." + dialect.quote(parent ? c : ChildTables.SOURCE_KEY + c))
                .collect(Collectors.joining(" AND "));
        return "DELETE FROM " + live + " WHERE EXISTS (SELECT 1 FROM " + dialect.quote(stage) + " s WHERE " + condition + ")";
    }

    private List<String> keyOf(Target t, boolean parent) {
        if (parent) {
            return key;
        }
        for (ChildTables.Child child : children.all()) {
            if (child.name.equals(t.name)) {
                return child.key;
            }
        }
        throw new IllegalStateException("no child table " + t.name);
    }

    /** The parent's and each child table's staging and live tables; counts each child table's rows. */
    private List<Target> targets() throws SQLException {
        Map<String, ColumnType> parentColumns = new LinkedHashMap<>(columns);
        childColumns.keySet().forEach(c -> parentColumns.put(c, ColumnType.JSON));
        List<Target> targets = new ArrayList<>();
        targets.add(new Target(stage, table, parentColumns, liveColumns(table)));
        if (children != null) {
            for (ChildTables.Child child : children.all()) {
                targets.add(new Target(child.stage, child.name, child.columns, liveColumns(child.name)));
                childRows.put(child.name, count(child.stage));
            }
        }
        return targets;
    }

    /** One table of a swap: its staging table, its live name, its columns and the live table's (empty if none). */
    private record Target(String stage, String name, Map<String, ColumnType> columns, Map<String, String> live) {
        String old() {
            return derivedName("_sdc_old_", name);
        }
    }

    /** Rows of each child table after the swap. */
    private final Map<String, Long> childRows = new LinkedHashMap<>();

    /** Rows of each child table of this load, once swapped. */
    public Map<String, Long> childRows() {
        return childRows;
    }

    private boolean mayRename(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return dialect.mayRename(c, name);
        }
    }

    /** The statements that give a live table the new columns, and widen those that became text, before a copy. */
    private List<Sql> alterToFit(String name, Map<String, ColumnType> all, Map<String, String> live) {
        List<Sql> out = new ArrayList<>();
        for (Map.Entry<String, ColumnType> c : all.entrySet()) {
            if (!live.containsKey(c.getKey())) {
                out.add(Sql.of("ALTER TABLE " + dialect.quote(name) + " ADD COLUMN " + dialect.quote(c.getKey()) + " "
                        + dialect.type(c.getValue(), false)));
            } else if (c.getValue() == ColumnType.TEXT && !dialect.isText(live.get(c.getKey()))) {
                out.add(Sql.of(dialect.widenToText(name, c.getKey(), dialect.typeOf(live.get(c.getKey())))));
            }
        }
        return out;
    }

    private boolean exists(String name) {
        try {
            return !liveColumns(name).isEmpty();
        } catch (SQLException e) {
            throw new SyncException("cannot read the database's catalogue for " + name + ": " + e.getMessage());
        }
    }

    private long count(String name) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + dialect.quote(name))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The statements that drop what this load wrote; the live table is untouched. Never fail the table. */
    public List<Sql> abort() {
        deleteSpool();
        List<Sql> out = new ArrayList<>();
        out.add(Sql.allowedToFail("DROP TABLE IF EXISTS " + dialect.quote(stage),
                table + ": cannot drop " + stage + "; the next sync drops it"));
        if (children != null) {
            out.addAll(children.abort());
        }
        if (childKind != null) {
            out.add(Sql.allowedToFail("DROP TABLE IF EXISTS " + dialect.quote(childStage()),
                    table + ": cannot drop " + childStage() + "; the next sync drops it"));
        }
        return out;
    }

    /** Requests sent ahead of their page (see IncidentSync.fetchAhead), discarded should the table fail. */
    private final java.util.Set<java.util.concurrent.CompletableFuture<org.apache.camel.Exchange>> ahead =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    public void ahead(java.util.concurrent.CompletableFuture<org.apache.camel.Exchange> pending) {
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

    /** Deletes the spool; never throws. */
    public void close() {
        deleteSpool();
    }

    /** A database error met while building statements (a read), carried through an iterator. */
    static final class SyncSqlException extends RuntimeException {
        SyncSqlException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    // counted from the attempt's thread
    @Override
    public synchronized void request() {
        requests++;
    }

    @Override
    public synchronized void retry() {
        retries++;
    }

    @Override
    public synchronized void rateLimited() {
        rateLimited++;
    }

    @Override
    public synchronized void waitedForBudget(long nanos) {
        budgetWaitNanos += nanos;
    }

    /** How long this table's requests waited for the shared rate budget, in all. */
    public synchronized double budgetWaitSeconds() {
        return budgetWaitNanos / 1e9;
    }

    /** Records read from the API so far (before the swap; {@link #rows()} is the table's rows after it). */
    public long recordsRead() {
        return recordsRead;
    }

    public synchronized long rateLimitedCount() {
        return rateLimited;
    }

    public long pages() {
        return pages;
    }

    public synchronized long requests() {
        return requests;
    }

    public synchronized long retries() {
        return retries;
    }

    public long rows() {
        return rows;
    }

    public double seconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
