package io.incidentsync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Loads one table atomically. Records go, a page per batch, into a staging table
 * ({@code _sdc_stage_<table>}) upserted by primary key; when the listing is complete, one transaction
 * replaces the live table's rows with the staging rows, so readers see the previous complete table
 * until the commit and the new complete table after it. A failure anywhere drops the staging table
 * and leaves the live table exactly as it was.
 */
public final class TableLoad implements ApiClient.Meter {

    private static final Logger LOG = LoggerFactory.getLogger(TableLoad.class);

    public static final String EXTRACTED_AT = "_sdc_extracted_at";
    /** The latest complete listing of a child kind, for incidents to embed: {@code _sdc_children_updates}. */
    static String childrenTable(String kind) {
        return "_sdc_children_" + kind;
    }
    /** Rows buffered before a batch is sent even within one page, for unpaged listings of any size. */
    private static final int MAX_BATCH = 500;

    private final String table;
    /** The endpoint listed, to say where a record came from. */
    private final String path;
    private final String stage;
    private final List<String> key;
    private final Dialect dialect;
    private final Connection connection;
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
    private RowSpool spool;
    private final Map<String, Boolean> childTables = new HashMap<>();
    private PreparedStatement childUpsert;
    private final RecordFlattener flattener;
    private final List<Object[]> batch = new ArrayList<>();
    /** Each column's place in a converted row, and its type by place. */
    private final Map<String, Integer> positions = new HashMap<>();
    private final List<ColumnType> types = new ArrayList<>();
    private final List<String[]> childBatch = new ArrayList<>();
    private PreparedStatement upsert;
    private ExecutorService writer;
    private Future<Void> pending;
    private boolean created;
    private static final Object DDL = new Object();
    private final long startedNanos = System.nanoTime();

    private long pages;
    /** Records added since the current page began. */
    private int pageRecords;
    private long requests;
    private long retries;
    private long rows;

    TableLoad(String table, String path, List<String> key, List<Catalog.Column> catalog, Map<String, String> childColumns,
              BooleanSupplier childrenReady, Dialect dialect, Connection connection, OffsetDateTime extractedAt,
              String childKind)
            throws SQLException {
        this.table = table;
        this.path = path;
        this.stage = "_sdc_stage_" + table;
        this.key = key;
        this.extractedAt = extractedAt;
        this.childKind = childKind;
        this.dialect = dialect;
        this.connection = connection;
        // a column widened to text by an earlier sync stays text, so its values keep one form
        Map<String, String> live = dialect.columns(connection, table);
        live.forEach((name, type) -> {
            if (dialect.isText(type)) {
                liveText.add(name);
            }
        });
        Set<String> json = new HashSet<>();
        for (Catalog.Column c : catalog) {
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
        // one commit per page, not per row
        connection.setAutoCommit(false);
        ddl("DROP TABLE IF EXISTS " + dialect.quote(stage));
        if (childKind != null) {
            ddl("DROP TABLE IF EXISTS " + dialect.quote(childStage()));
            ddl("CREATE TABLE " + dialect.quote(childStage()) + " ("
                    + dialect.quote("incident_id") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                    + dialect.quote("id") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                    + dialect.quote("record") + " " + dialect.type(ColumnType.TEXT, false) + ", "
                    + "PRIMARY KEY (" + dialect.quote("incident_id") + ", " + dialect.quote("id") + "))");
        }
    }

    private String childStage() {
        return "_sdc_stage_children_" + childKind;
    }

    public String table() {
        return table;
    }

    private String createTable(String name, boolean withChildColumns) {
        Map<String, ColumnType> all = new LinkedHashMap<>(columns);
        if (withChildColumns) {
            childColumns.keySet().forEach(c -> all.put(c, ColumnType.JSON));
        }
        String body = all.entrySet().stream()
                .map(e -> dialect.quote(e.getKey()) + " " + dialect.type(e.getValue(), key.contains(e.getKey()))
                        + (key.contains(e.getKey()) ? " NOT NULL" : ""))
                .collect(Collectors.joining(", "));
        return "CREATE TABLE " + dialect.quote(name) + " (" + body + ", PRIMARY KEY ("
                + key.stream().map(dialect::quote).collect(Collectors.joining(", ")) + "))";
    }

    /** Adds one record to the current batch; a field never seen before gets a new column. */
    public void add(ObjectNode record) throws SQLException {
        pageRecords++;
        requireKey(record);
        Object[] row = convert(record);
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
        if (batch.size() >= MAX_BATCH) {
            flush();
        }
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
     * The record's column values, converted to their JDBC values and placed by column position
     * (positions never change: columns are only ever added at the end).
     */
    private Object[] convert(ObjectNode record) throws SQLException {
        RowBuilder row = new RowBuilder(record);
        flattener.walk(record, row);
        return row.finish();
    }

    /** Places each column of one record as the flattener hands it over, adding columns never seen before. */
    private final class RowBuilder implements RecordFlattener.Sink {
        private final ObjectNode record;
        private Object[] values = new Object[positions.size()];
        private SQLException failed;

        RowBuilder(ObjectNode record) {
            this.record = record;
        }

        @Override
        public void accept(String column, JsonNode value) {
            Integer position = positions.get(column);
            if (position == null) {
                if (value.isNull() || failed != null) {
                    return;
                }
                try {
                    position = addColumn(column, ColumnType.ofValue(value));
                } catch (SQLException e) {
                    failed = e;
                    return;
                }
                values = Arrays.copyOf(values, positions.size());
            }
            try {
                values[position] = types.get(position).convert(value);
            } catch (ColumnType.DoesNotFit notThisType) {
                if (failed != null) {
                    return;
                }
                try {
                    widen(column, position);
                } catch (SQLException e) {
                    failed = e;
                    return;
                }
                values[position] = ColumnType.TEXT.convert(value);
            }
        }

        Object[] finish() throws SQLException {
            if (failed != null) {
                throw failed;
            }
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
     * without loss. Rows converted before keep their values, as text from the next batch on.
     */
    private void widen(String column, int position) throws SQLException {
        LOG.info("{}: column {} holds a value that is not {}; it becomes text", table, column, types.get(position));
        types.set(position, ColumnType.TEXT);
        columns.put(column, ColumnType.TEXT);
        if (created) {
            ddl(dialect.widenToText(stage, column));
            closeUpsert();
        }
    }

    /** A field never seen before: its column, typed by its first value, goes at the end. */
    private int addColumn(String column, ColumnType type) throws SQLException {
        type = keptType(column, type);
        int position = positions.size();
        columns.put(column, type);
        positions.put(column, position);
        types.add(type);
        if (created) {
            ddl("ALTER TABLE " + dialect.quote(stage) + " ADD COLUMN " + dialect.quote(column) + " "
                    + dialect.type(type, false));
            closeUpsert();
        }
        return position;
    }

    /** Ends a page: its records go to the database in one batch. */
    public void endPage() throws SQLException {
        pages++;
        pageRecords = 0;
        if (spooling && childrenReady.getAsBoolean()) {
            drainSpool();
        }
        flush();
    }

    /** Writes the records that waited, now that their child arrays can be built. */
    private void drainSpool() throws SQLException {
        spooling = false;
        if (spool == null) {
            return;
        }
        try {
            spool.replay(row -> {
                batch.add(row);
                if (batch.size() >= MAX_BATCH) {
                    flush();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteSpool();
        }
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
        // the child listings are complete by now, so whether their table exists no longer changes
        if (incidents.isEmpty() || !childTables.computeIfAbsent(children, this::exists)) {
            return out;
        }
        String sql = "SELECT " + dialect.quote("incident_id") + ", " + dialect.quote("record") + " FROM "
                + dialect.quote(children) + " WHERE " + dialect.quote("incident_id") + " IN ("
                + String.join(", ", Collections.nCopies(incidents.size(), "?")) + ") ORDER BY "
                + dialect.quote("incident_id") + ", " + dialect.quote("id");
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
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
     * Sends the current batch. Its values are converted here, on the route's thread; the database work
     * (the child arrays, the batch statements, the commit) runs on this table's writer thread while the
     * route goes on with the next records. One batch at most is in flight.
     */
    private void flush() throws SQLException {
        awaitWriter();
        createStage();
        if (batch.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(columns.keySet());
        List<ColumnType> allTypes = new ArrayList<>(types);
        int plain = names.size();
        List<String> childNames = new ArrayList<>(childColumns.keySet());
        for (String child : childNames) {
            names.add(child);
            allTypes.add(ColumnType.JSON);
        }
        List<Object[]> values = new ArrayList<>(batch.size());
        List<String> ids = new ArrayList<>(batch.size());
        Integer idPosition = positions.get("id");
        for (Object[] row : batch) {
            // a row converted before a later column appeared has no value for it
            Object[] full = row.length == names.size() ? row : Arrays.copyOf(row, names.size());
            for (int i = 0; i < plain; i++) {
                // converted before its column was widened to text
                if (full[i] != null && !(full[i] instanceof String) && allTypes.get(i) == ColumnType.TEXT) {
                    full[i] = full[i].toString();
                }
            }
            values.add(full);
            ids.add(idPosition == null || row[idPosition] == null ? null : row[idPosition].toString());
        }
        batch.clear();
        List<String[]> children = childBatch.isEmpty() ? List.of() : new ArrayList<>(childBatch);
        childBatch.clear();
        if (upsert == null) {
            upsert = connection.prepareStatement(dialect.upsert(stage, names, allTypes, key));
        }
        if (!children.isEmpty() && childUpsert == null) {
            List<String> cols = List.of("incident_id", "id", "record");
            childUpsert = connection.prepareStatement(dialect.upsert(childStage(), cols,
                    Collections.nCopies(cols.size(), ColumnType.TEXT), List.of("incident_id", "id")));
        }
        PreparedStatement rowsStatement = upsert;
        PreparedStatement childStatement = childUpsert;
        pending = writer().submit(() -> {
            write(rowsStatement, values, allTypes, ids, plain, childNames, childStatement, children);
            return null;
        });
    }

    /**
     * The writer thread's part of a batch. Each text value is bound as the database can store it
     * ({@link Dialect#storable}): the incident ids too, so they match their children's stored ones.
     */
    private void write(PreparedStatement rowsStatement, List<Object[]> values, List<ColumnType> types,
                       List<String> ids, int plain, List<String> childNames, PreparedStatement childStatement,
                       List<String[]> children)
            throws SQLException {
        if (!childNames.isEmpty()) {
            ids.replaceAll(id -> id == null ? null : dialect.storable(ColumnType.TEXT, id));
            List<String> distinct = ids.stream().filter(v -> v != null).distinct().collect(Collectors.toList());
            for (int c = 0; c < childNames.size(); c++) {
                Map<String, String> arrays = childArrays(childColumns.get(childNames.get(c)), distinct);
                for (int r = 0; r < values.size(); r++) {
                    values.get(r)[plain + c] = ids.get(r) == null ? "[]" : arrays.getOrDefault(ids.get(r), "[]");
                }
            }
        }
        for (Object[] row : values) {
            for (int i = 0; i < row.length; i++) {
                if (row[i] == null) {
                    rowsStatement.setNull(i + 1, Types.NULL);
                } else {
                    rowsStatement.setObject(i + 1, row[i] instanceof String
                            ? dialect.storable(types.get(i), (String) row[i]) : row[i]);
                }
            }
            rowsStatement.addBatch();
        }
        rowsStatement.executeBatch();
        if (!children.isEmpty()) {
            for (String[] child : children) {
                childStatement.setString(1, dialect.storable(ColumnType.TEXT, child[0]));
                childStatement.setString(2, dialect.storable(ColumnType.TEXT, child[1]));
                // the record's JSON text, which becomes part of an incidents JSON column
                childStatement.setString(3, dialect.storable(ColumnType.JSON, child[2]));
                childStatement.addBatch();
            }
            childStatement.executeBatch();
        }
        connection.commit();
    }

    private ExecutorService writer() {
        if (writer == null) {
            writer = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "incident-sync-writer-" + table);
                thread.setDaemon(true);
                return thread;
            });
        }
        return writer;
    }

    /**
     * Waits for the batch in flight; its failure becomes this table's. Every use of the connection
     * outside the writer thread comes after this, so the two threads never share it at once.
     */
    void awaitWriter() throws SQLException {
        Future<Void> inFlight = pending;
        if (inFlight == null) {
            return;
        }
        pending = null;
        try {
            inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("interrupted while writing " + table);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException) {
                throw (SQLException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new SyncException("writing " + table + ": " + cause);
        }
    }

    /** Like {@link #awaitWriter()}, for the paths that are already failing or closing. */
    private void awaitWriterQuietly() {
        try {
            awaitWriter();
        } catch (SQLException | RuntimeException ignored) {
            // the failure being handled is the one reported
        }
    }

    /**
     * The staging table becomes the live table. PostgreSQL replaces the rows in one transaction, keeping
     * the table's grants and dependent views. So does H2 when anything refers to the live table; otherwise
     * it renames the tables while other connections are paused (its DDL cannot join a transaction, and one
     * transaction copying a large table needs memory in proportion to it). Returns the rows now live.
     */
    long swap() throws SQLException {
        if (spooling) {
            drainSpool();
        }
        flush();
        awaitWriter();
        rows = count(stage);
        Map<String, String> live = dialect.columns(connection, table);
        String old = "_sdc_old_" + table;
        if (live.isEmpty()) {
            // no previous table for a reader to see: the staging table simply takes the name
            ddl("ALTER TABLE " + dialect.quote(stage) + " RENAME TO " + dialect.quote(table));
        } else if (dialect.mayRename(connection, table)
                && dropLeftover(old, "this sync copies the new rows into " + table + " instead")) {
            synchronized (DDL) {
                dialect.renameSwap(connection, stage, table, old);
                connection.commit();
            }
            // the new rows are live: a replaced table that stays behind is no reason to fail the table
            dropLeftover(old, "the next sync drops it");
        } else {
            copyInto(live);
        }
        keepChildren();
        return rows;
    }

    /** Drops a table a rename swap left; false, with a warning saying what happens instead, when it cannot. */
    private boolean dropLeftover(String old, String instead) {
        try {
            ddl("DROP TABLE IF EXISTS " + dialect.quote(old));
            return true;
        } catch (SQLException e) {
            LOG.warn("{}: cannot drop {} ({}); {}", table, old,
                    e.getMessage().lines().findFirst().orElse("").replaceFirst(";? SQL statement:$", ""), instead);
            return false;
        }
    }

    private void copyInto(Map<String, String> live) throws SQLException {
        Map<String, ColumnType> all = new LinkedHashMap<>(columns);
        childColumns.keySet().forEach(c -> all.put(c, ColumnType.JSON));
        for (Map.Entry<String, ColumnType> c : all.entrySet()) {
            if (!live.containsKey(c.getKey())) {
                ddl("ALTER TABLE " + dialect.quote(table) + " ADD COLUMN " + dialect.quote(c.getKey()) + " "
                        + dialect.type(c.getValue(), false));
            } else if (c.getValue() == ColumnType.TEXT && !dialect.isText(live.get(c.getKey()))) {
                ddl(dialect.widenToText(table, c.getKey()));
            }
        }
        String names = all.keySet().stream().map(dialect::quote).collect(Collectors.joining(", "));
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("DELETE FROM " + dialect.quote(table));
            s.executeUpdate("INSERT INTO " + dialect.quote(table) + " (" + names + ") SELECT " + names
                    + " FROM " + dialect.quote(stage));
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
        ddl("DROP TABLE " + dialect.quote(stage));
    }

    private boolean exists(String name) {
        try {
            return !dialect.columns(connection, name).isEmpty();
        } catch (SQLException e) {
            throw new SyncException("cannot read the database's catalogue for " + name + ": " + e.getMessage());
        }
    }

    private long count(String name) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + dialect.quote(name))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** This complete listing becomes the one incidents embed; the previous one goes. */
    private void keepChildren() throws SQLException {
        if (childKind != null) {
            synchronized (DDL) {
                execute("DROP TABLE IF EXISTS " + dialect.quote(childrenTable(childKind)));
                execute("ALTER TABLE " + dialect.quote(childStage()) + " RENAME TO " + dialect.quote(childrenTable(childKind)));
                connection.commit();
            }
        }
    }

    /** Stops the writer thread and closes the statements and spool, leaving the connection open. */
    void release() {
        awaitWriterQuietly();
        if (writer != null) {
            writer.shutdown();
        }
        deleteSpool();
        closeUpsert();
        if (childUpsert != null) {
            try {
                childUpsert.close();
            } catch (SQLException ignored) {
                // closing the connection closes it too
            }
            childUpsert = null;
        }
    }

    /** Drops what this load wrote; the live table is untouched. Never throws. */
    void abort() {
        awaitWriterQuietly();
        deleteSpool();
        try {
            connection.rollback();
            ddl("DROP TABLE IF EXISTS " + dialect.quote(stage));
            if (childKind != null) {
                ddl("DROP TABLE IF EXISTS " + dialect.quote(childStage()));
            }
        } catch (SQLException | RuntimeException e) {
            // the next run drops the staging table before it starts
        }
    }

    void close() {
        release();
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the pool resets or discards the connection on its return
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the pool replaces a broken connection
        }
    }

    private void closeUpsert() {
        if (upsert != null) {
            try {
                upsert.close();
            } catch (SQLException ignored) {
                // a new statement is prepared on the next batch
            }
            upsert = null;
        }
    }

    /**
     * The staging table is created with the first batch, so the fields the spec leaves untyped get
     * their types from that batch's values in the CREATE itself rather than one ALTER each.
     */
    private void createStage() throws SQLException {
        if (!created) {
            ddl(createTable(stage, true));
            created = true;
        }
    }

    /**
     * Schema changes are made one at a time in this process: H2 takes an exclusive lock on its
     * catalogue for each, and parallel tables would otherwise wait on each other's.
     */
    private void ddl(String sql) throws SQLException {
        awaitWriter();
        synchronized (DDL) {
            execute(sql);
            connection.commit();
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    // counted from the prefetching thread too
    @Override
    public synchronized void request() {
        requests++;
    }

    @Override
    public synchronized void retry() {
        retries++;
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
