package io.incidentsync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads one table atomically. Records go, a page per batch, into a staging table
 * ({@code _sdc_stage_<table>}) upserted by primary key; when the listing is complete, one transaction
 * replaces the live table's rows with the staging rows, so readers see the previous complete table
 * until the commit and the new complete table after it. A failure anywhere drops the staging table
 * and leaves the live table exactly as it was.
 */
public final class TableLoad implements ApiClient.Meter {

    public static final String EXTRACTED_AT = "_sdc_extracted_at";
    /** The latest complete listing of a child kind, for incidents to embed: {@code _sdc_children_updates}. */
    static String childrenTable(String kind) {
        return "_sdc_children_" + kind;
    }
    /** Rows buffered before a batch is sent even within one page, for unpaged listings of any size. */
    private static final int MAX_BATCH = 500;

    private final String table;
    private final String stage;
    private final List<String> key;
    private final Dialect dialect;
    private final Connection connection;
    private final OffsetDateTime extractedAt;
    private final String childKind;
    private final Map<String, ColumnType> columns = new LinkedHashMap<>();
    /** Columns of the live table built at the swap from child listings: column name to child kind. */
    private final Map<String, String> childColumns;
    private PreparedStatement childUpsert;
    private final RecordFlattener flattener;
    private final List<Map<String, JsonNode>> batch = new ArrayList<>();
    private final List<String[]> childBatch = new ArrayList<>();
    private PreparedStatement upsert;
    private boolean created;
    private static final Object DDL = new Object();
    private final long startedNanos = System.nanoTime();

    private long pages;
    private long requests;
    private long retries;
    private long rows;

    TableLoad(String table, List<String> key, List<Catalog.Column> catalog, Map<String, String> childColumns,
              Dialect dialect, Connection connection, OffsetDateTime extractedAt, String childKind)
            throws SQLException {
        this.table = table;
        this.stage = "_sdc_stage_" + table;
        this.key = key;
        this.dialect = dialect;
        this.connection = connection;
        this.extractedAt = extractedAt;
        this.childKind = childKind;
        Set<String> json = new HashSet<>();
        for (Catalog.Column c : catalog) {
            if (c.type() == ColumnType.JSON) {
                json.add(c.name());
            }
            if (c.type() != null) {
                columns.put(RecordFlattener.fit(c.name()), c.type());
            }
        }
        for (String k : key) {
            columns.putIfAbsent(k, ColumnType.TEXT);
        }
        this.childColumns = childColumns;
        columns.put(EXTRACTED_AT, ColumnType.TIMESTAMP);
        this.flattener = new RecordFlattener(json);
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
        Map<String, JsonNode> row = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : flattener.flatten(record).entrySet()) {
            String column = RecordFlattener.fit(e.getKey());
            row.put(column, e.getValue());
            if (!columns.containsKey(column) && !e.getValue().isNull()) {
                ColumnType type = ColumnType.ofValue(e.getValue());
                columns.put(column, type);
                if (created) {
                    ddl("ALTER TABLE " + dialect.quote(stage) + " ADD COLUMN " + dialect.quote(column) + " "
                            + dialect.type(type, false));
                    closeUpsert();
                }
            }
        }
        batch.add(row);
        if (childKind != null) {
            childBatch.add(new String[] {record.path("incident_id").asText(), record.path("id").asText(), Page.json(record)});
        }
        if (batch.size() >= MAX_BATCH) {
            flush();
        }
    }

    /** Ends a page: its records go to the database in one batch. */
    public void endPage() throws SQLException {
        pages++;
        flush();
    }

    private void flush() throws SQLException {
        createStage();
        if (batch.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(columns.keySet());
        List<ColumnType> types = names.stream().map(columns::get).collect(Collectors.toList());
        if (upsert == null) {
            upsert = connection.prepareStatement(dialect.upsert(stage, names, types, key));
        }
        for (Map<String, JsonNode> row : batch) {
            for (int i = 0; i < names.size(); i++) {
                String column = names.get(i);
                Object value;
                if (column.equals(EXTRACTED_AT)) {
                    value = extractedAt;
                } else {
                    try {
                        value = types.get(i).convert(row.get(column));
                    } catch (RuntimeException e) {
                        throw new SyncException("column " + column + " of record " + row.get("id") + ": "
                                + e.getMessage() + " (the column was typed from an earlier value)");
                    }
                }
                if (value == null) {
                    upsert.setNull(i + 1, Types.NULL);
                } else {
                    upsert.setObject(i + 1, value);
                }
            }
            upsert.addBatch();
        }
        upsert.executeBatch();
        batch.clear();
        if (!childBatch.isEmpty()) {
            if (childUpsert == null) {
                List<String> cols = List.of("incident_id", "id", "record");
                childUpsert = connection.prepareStatement(dialect.upsert(childStage(), cols,
                        Collections.nCopies(cols.size(), ColumnType.TEXT), List.of("incident_id", "id")));
            }
            for (String[] child : childBatch) {
                childUpsert.setString(1, child[0]);
                childUpsert.setString(2, child[1]);
                childUpsert.setString(3, child[2]);
                childUpsert.addBatch();
            }
            childUpsert.executeBatch();
            childBatch.clear();
        }
        connection.commit();
    }

    /**
     * The staging table becomes the live table. Columns built from child listings (incidents.updates,
     * incidents.actions) are filled in the staging table first, a few hundred rows per transaction.
     * Then H2 renames the tables while other connections are paused (its DDL cannot join a
     * transaction, and one transaction copying a large table needs memory in proportion to it);
     * PostgreSQL replaces the rows in one transaction, keeping the table's grants and dependent views.
     * Returns the rows now live.
     */
    long swap() throws SQLException {
        flush();
        if (!childColumns.isEmpty()) {
            fillChildColumns();
        }
        rows = count(stage);
        Map<String, String> live = dialect.columns(connection, table);
        if (live.isEmpty()) {
            // no previous table for a reader to see: the staging table simply takes the name
            ddl("ALTER TABLE " + dialect.quote(stage) + " RENAME TO " + dialect.quote(table));
        } else if (dialect.swapsByRename()) {
            synchronized (DDL) {
                dialect.renameSwap(connection, stage, table, "_sdc_old_" + table);
                connection.commit();
            }
        } else {
            copyInto(live);
        }
        keepChildren();
        return rows;
    }

    private void copyInto(Map<String, String> live) throws SQLException {
        Map<String, ColumnType> all = new LinkedHashMap<>(columns);
        childColumns.keySet().forEach(c -> all.put(c, ColumnType.JSON));
        for (Map.Entry<String, ColumnType> c : all.entrySet()) {
            if (!live.containsKey(c.getKey())) {
                ddl("ALTER TABLE " + dialect.quote(table) + " ADD COLUMN " + dialect.quote(c.getKey()) + " "
                        + dialect.type(c.getValue(), false));
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

    /** Fills incidents.updates and incidents.actions in the staging table, one slice of ids per transaction. */
    private void fillChildColumns() throws SQLException {
        List<String> sets = new ArrayList<>();
        for (Map.Entry<String, String> child : childColumns.entrySet()) {
            String children = childrenTable(child.getValue());
            String array = "'[]'";
            if (!dialect.columns(connection, children).isEmpty()) {
                // an index range per incident: incident_id leads the children's primary key
                array = "COALESCE((SELECT '[' || " + dialect.aggregate("c." + dialect.quote("record"), "c." + dialect.quote("id"))
                        + " || ']' FROM " + dialect.quote(children) + " c WHERE c." + dialect.quote("incident_id")
                        + " = s." + dialect.quote("id") + "), '[]')";
            }
            sets.add(dialect.quote(child.getKey()) + " = " + dialect.castJson(array));
        }
        String id = dialect.quote("id");
        String next = "SELECT MAX(" + id + ") FROM (SELECT " + id + " FROM " + dialect.quote(stage) + " WHERE " + id
                + " > ? ORDER BY " + id + " LIMIT " + MAX_BATCH + ") slice";
        String update = "UPDATE " + dialect.quote(stage) + " s SET " + String.join(", ", sets) + " WHERE s." + id
                + " > ? AND s." + id + " <= ?";
        try (PreparedStatement bound = connection.prepareStatement(next);
             PreparedStatement fill = connection.prepareStatement(update)) {
            String from = "";
            while (true) {
                bound.setString(1, from);
                String to;
                try (ResultSet rs = bound.executeQuery()) {
                    rs.next();
                    to = rs.getString(1);
                }
                if (to == null) {
                    break;
                }
                fill.setString(1, from);
                fill.setString(2, to);
                fill.executeUpdate();
                connection.commit();
                from = to;
            }
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

    /** Drops what this load wrote; the live table is untouched. Never throws. */
    void abort() {
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
        closeUpsert();
        if (childUpsert != null) {
            try {
                childUpsert.close();
            } catch (SQLException ignored) {
                // closing the connection closes it too
            }
        }
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
