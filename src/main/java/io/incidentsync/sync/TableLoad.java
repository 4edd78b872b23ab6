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
    static final String CHILDREN = "_sdc_incident_children";
    /** Rows buffered before a batch is sent even within one page, for unpaged listings of any size. */
    private static final int MAX_BATCH = 500;

    private final String table;
    private final String stage;
    private final List<String> key;
    private final Dialect dialect;
    private final Connection connection;
    private final OffsetDateTime extractedAt;
    private final String runId;
    private final String childKind;
    private final Map<String, ColumnType> columns = new LinkedHashMap<>();
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

    TableLoad(String table, List<String> key, List<Catalog.Column> catalog, Map<String, ColumnType> extraColumns,
              Dialect dialect, Connection connection, OffsetDateTime extractedAt, String runId, String childKind)
            throws SQLException {
        this.table = table;
        this.stage = "_sdc_stage_" + table;
        this.key = key;
        this.dialect = dialect;
        this.connection = connection;
        this.extractedAt = extractedAt;
        this.runId = runId;
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
        columns.putAll(extraColumns);
        columns.put(EXTRACTED_AT, ColumnType.TIMESTAMP);
        this.flattener = new RecordFlattener(json);
        connection.setAutoCommit(true);
        ddl("DROP TABLE IF EXISTS " + dialect.quote(stage));
        if (childKind != null) {
            synchronized (DDL) {
                ensureChildrenTable(dialect, connection);
            }
        }
    }

    static void ensureChildrenTable(Dialect dialect, Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + dialect.quote(CHILDREN) + " ("
                    + dialect.quote("run_id") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                    + dialect.quote("kind") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                    + dialect.quote("incident_id") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                    + dialect.quote("id") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                    + dialect.quote("record") + " " + dialect.type(ColumnType.TEXT, false) + ", "
                    + "PRIMARY KEY (" + dialect.quote("run_id") + ", " + dialect.quote("kind") + ", "
                    + dialect.quote("incident_id") + ", " + dialect.quote("id") + "))");
        }
    }

    public String table() {
        return table;
    }

    private String createTable(String name) {
        String body = columns.entrySet().stream()
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
            childBatch.add(new String[] {record.path("incident_id").asText(), record.path("id").asText(), record.toString()});
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
        if (upsert == null) {
            List<ColumnType> types = names.stream().map(columns::get).collect(Collectors.toList());
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
                        value = columns.get(column).convert(row.get(column));
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
            List<String> cols = List.of("run_id", "kind", "incident_id", "id", "record");
            List<ColumnType> types = List.of(ColumnType.TEXT, ColumnType.TEXT, ColumnType.TEXT, ColumnType.TEXT, ColumnType.TEXT);
            try (PreparedStatement ps = connection.prepareStatement(
                    dialect.upsert(CHILDREN, cols, types, List.of("run_id", "kind", "incident_id", "id")))) {
                for (String[] child : childBatch) {
                    ps.setString(1, runId);
                    ps.setString(2, childKind);
                    ps.setString(3, child[0]);
                    ps.setString(4, child[1]);
                    ps.setString(5, child[2]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            childBatch.clear();
        }
    }

    /**
     * Fills a JSON-array column of the staging table (incidents.updates, incidents.actions) from the
     * child records of the latest complete listing, one incident at a time.
     */
    void fillChildren(String column, String kind) throws SQLException {
        flush();
        execute("UPDATE " + dialect.quote(stage) + " SET " + dialect.quote(column) + " = '[]'");
        String select = "SELECT " + dialect.quote("incident_id") + ", " + dialect.quote("record") + " FROM "
                + dialect.quote(CHILDREN) + " WHERE " + dialect.quote("kind") + " = ? ORDER BY "
                + dialect.quote("incident_id") + ", " + dialect.quote("id");
        String update = "UPDATE " + dialect.quote(stage) + " SET " + dialect.quote(column) + " = "
                + dialect.marker(ColumnType.JSON) + " WHERE " + dialect.quote("id") + " = ?";
        synchronized (DDL) {
            ensureChildrenTable(dialect, connection);
        }
        try (PreparedStatement read = connection.prepareStatement(select);
             PreparedStatement write = connection.prepareStatement(update)) {
            read.setString(1, kind);
            read.setFetchSize(500);
            String current = null;
            StringBuilder array = new StringBuilder();
            int pending = 0;
            boolean autoCommit = connection.getAutoCommit();
            // PostgreSQL streams a result set only inside a transaction
            connection.setAutoCommit(false);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    String incident = rs.getString(1);
                    if (!incident.equals(current)) {
                        if (current != null) {
                            pending += addArray(write, current, array);
                        }
                        current = incident;
                        array.setLength(0);
                    }
                    array.append(array.length() == 0 ? "[" : ",").append(rs.getString(2));
                    if (pending >= MAX_BATCH) {
                        write.executeBatch();
                        pending = 0;
                    }
                }
                if (current != null) {
                    addArray(write, current, array);
                }
                write.executeBatch();
                connection.commit();
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private static int addArray(PreparedStatement write, String incident, StringBuilder array) throws SQLException {
        write.setString(1, array.append(']').toString());
        write.setString(2, incident);
        write.addBatch();
        return 1;
    }

    /** The staging table becomes the live table in one transaction. Returns the rows now live. */
    long swap() throws SQLException {
        flush();
        Map<String, String> live = dialect.columns(connection, table);
        if (live.isEmpty()) {
            ddl(createTable(table));
        } else {
            for (Map.Entry<String, ColumnType> c : columns.entrySet()) {
                if (!live.containsKey(c.getKey())) {
                    ddl("ALTER TABLE " + dialect.quote(table) + " ADD COLUMN " + dialect.quote(c.getKey()) + " "
                            + dialect.type(c.getValue(), false));
                }
            }
        }
        String names = columns.keySet().stream().map(dialect::quote).collect(Collectors.joining(", "));
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("DELETE FROM " + dialect.quote(table));
            rows = s.executeUpdate("INSERT INTO " + dialect.quote(table) + " (" + names + ") SELECT " + names
                    + " FROM " + dialect.quote(stage));
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        ddl("DROP TABLE IF EXISTS " + dialect.quote(stage));
        if (childKind != null) {
            // only the latest complete listing of this kind is kept for incidents to embed
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + dialect.quote(CHILDREN)
                    + " WHERE " + dialect.quote("kind") + " = ? AND " + dialect.quote("run_id") + " <> ?")) {
                ps.setString(1, childKind);
                ps.setString(2, runId);
                ps.executeUpdate();
            }
        }
        return rows;
    }

    /** Drops what this load wrote; the live table is untouched. Never throws. */
    void abort() {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            ddl("DROP TABLE IF EXISTS " + dialect.quote(stage));
            if (childKind != null) {
                try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + dialect.quote(CHILDREN)
                        + " WHERE " + dialect.quote("kind") + " = ? AND " + dialect.quote("run_id") + " = ?")) {
                    ps.setString(1, childKind);
                    ps.setString(2, runId);
                    ps.executeUpdate();
                }
            }
        } catch (SQLException | RuntimeException e) {
            // the next run drops the staging table before it starts
        }
    }

    void close() {
        closeUpsert();
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
            ddl(createTable(stage));
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
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void request() {
        requests++;
    }

    @Override
    public void retry() {
        retries++;
    }

    public long pages() {
        return pages;
    }

    public long requests() {
        return requests;
    }

    public long retries() {
        return retries;
    }

    public long rows() {
        return rows;
    }

    public double seconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
