package io.incidentsync.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Write throughput of the table writer against a plain JDBC batch insert of the same rows into the
 * same database. Records are read page by page from the API (untimed), so the sample never has to fit
 * in memory at once; only the writer's own calls and the plain inserts are timed.
 */
public final class WriterBenchmark {

    /** Rows written by each path and the seconds each spent writing them. */
    public record Result(long rows, double writerSeconds, double rawSeconds) {
        public double writerRowsPerSecond() {
            return rows / writerSeconds;
        }

        public double rawRowsPerSecond() {
            return rows / rawSeconds;
        }

        Result plus(Result other) {
            return new Result(rows + other.rows, writerSeconds + other.writerSeconds, rawSeconds + other.rawSeconds);
        }
    }

    private record Source(String table, String path, String primaryKey) {
    }

    /** The two largest tables: incidents (widest rows) and incident updates (most rows, plus their copy for incidents). */
    private static final List<Source> SOURCES = List.of(
            new Source("incidents", "/v2/incidents", "id"),
            new Source("incident_updates", "/v2/incident_updates", "id, incident_id"));

    private static final int PAGE_SIZE = 250;
    private static final String PREFIX = "_bench_";

    private WriterBenchmark() {
    }

    /**
     * Writes up to {@code sampleRows} records of each source table through the writer exactly as the routes
     * do (a page per batch, then the swap), and the same rows, read back, through a plain batch insert.
     * {@code settings} names the API, its key (best one the sync did not use, so its budget is full) and
     * the database; the tables written are dropped again.
     */
    public static Result measure(Settings settings, Connection writer, Connection reader, int sampleRows)
            throws SQLException, InterruptedException {
        ApiClient api = new ApiClient(settings, RateBudget.of(settings));
        Dialect dialect = Dialect.of(writer);
        Catalog catalog = Catalog.load();
        Result total = new Result(0, 0, 0);
        for (Source source : SOURCES) {
            String ours = PREFIX + source.table();
            String raw = PREFIX + "raw_" + source.table();
            try {
                double writerSeconds = writeThroughTableLoad(api, dialect, catalog, writer, source, ours, sampleRows);
                Result one = rawInsert(dialect, writer, reader, ours, raw, source.primaryKey(), writerSeconds);
                total = total.plus(one);
            } finally {
                try (Statement s = writer.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + dialect.quote(ours));
                    s.execute("DROP TABLE IF EXISTS " + dialect.quote(raw));
                }
            }
        }
        return total;
    }

    private static double writeThroughTableLoad(ApiClient api, Dialect dialect, Catalog catalog, Connection connection,
                                                Source source, String table, int sampleRows)
            throws SQLException, InterruptedException {
        Catalog.Listing listing = catalog.listing(source.path());
        ApiClient.Meter uncounted = new ApiClient.Meter() {
            @Override
            public void request() {
            }

            @Override
            public void retry() {
            }
        };
        long nanos = 0;
        long start = System.nanoTime();
        TableLoad load = new TableLoad(table, Arrays.asList(source.primaryKey().split("\\s*,\\s*")), listing.columns(),
                Map.of(), () -> true, dialect, connection, OffsetDateTime.now(ZoneOffset.UTC),
                Streams.INCIDENT_CHILDREN.get(source.table()));
        nanos += System.nanoTime() - start;
        try {
            int rows = 0;
            String after = null;
            do {
                List<Map.Entry<String, String>> query = new ArrayList<>();
                query.add(new AbstractMap.SimpleEntry<>("page_size", Integer.toString(PAGE_SIZE)));
                if (after != null) {
                    query.add(new AbstractMap.SimpleEntry<>("after", after));
                }
                try (Page page = api.get(source.path(), query, listing.arrayKey(), uncounted)) {
                    List<ObjectNode> records = new ArrayList<>(page.size());
                    for (ObjectNode record : page) {
                        if (rows + records.size() < sampleRows) {
                            records.add(record);
                        }
                    }
                    start = System.nanoTime();
                    for (ObjectNode record : records) {
                        load.add(record);
                    }
                    load.endPage();
                    nanos += System.nanoTime() - start;
                    rows += records.size();
                    after = page.size() == 0 ? null : page.after();
                }
            } while (after != null && rows < sampleRows);
            start = System.nanoTime();
            load.swap();
            nanos += System.nanoTime() - start;
        } catch (SQLException | RuntimeException | InterruptedException e) {
            load.abort();
            throw e;
        }
        return nanos / 1e9;
    }

    /**
     * Copies the rows the writer left in {@code ours} into a table of the same columns and key with plain
     * batched INSERTs, a commit per page; only binding, executing and committing is timed.
     */
    private static Result rawInsert(Dialect dialect, Connection writer, Connection reader, String ours, String raw,
                                    String primaryKey, double writerSeconds) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute("CREATE TABLE " + dialect.quote(raw) + " AS SELECT * FROM " + dialect.quote(ours) + " WHERE 1 = 0");
            List<String> key = new ArrayList<>();
            for (String k : primaryKey.split("\\s*,\\s*")) {
                key.add(dialect.quote(k));
                s.execute("ALTER TABLE " + dialect.quote(raw) + " ALTER COLUMN " + dialect.quote(k) + " SET NOT NULL");
            }
            s.execute("ALTER TABLE " + dialect.quote(raw) + " ADD PRIMARY KEY (" + String.join(", ", key) + ")");
        }
        boolean readerAutoCommit = reader.getAutoCommit();
        // PostgreSQL streams a result set only inside a transaction
        reader.setAutoCommit(false);
        writer.setAutoCommit(false);
        long rows = 0;
        long nanos = 0;
        try (Statement select = reader.createStatement()) {
            select.setFetchSize(PAGE_SIZE);
            try (ResultSet rs = select.executeQuery("SELECT * FROM " + dialect.quote(ours))) {
                ResultSetMetaData meta = rs.getMetaData();
                int n = meta.getColumnCount();
                Kind[] kinds = new Kind[n];
                StringBuilder sql = new StringBuilder("INSERT INTO ").append(dialect.quote(raw)).append(" (");
                StringBuilder values = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    kinds[i] = Kind.of(meta.getColumnTypeName(i + 1));
                    sql.append(i == 0 ? "" : ", ").append(dialect.quote(meta.getColumnName(i + 1)));
                    values.append(i == 0 ? "" : ", ").append(kinds[i] == Kind.JSON ? dialect.marker(ColumnType.JSON) : "?");
                }
                sql.append(") VALUES (").append(values).append(')');
                try (PreparedStatement insert = writer.prepareStatement(sql.toString())) {
                    Object[][] pageRows = new Object[PAGE_SIZE][];
                    int filled = 0;
                    boolean more = true;
                    while (more) {
                        more = rs.next();
                        if (more) {
                            Object[] row = new Object[n];
                            for (int i = 0; i < n; i++) {
                                row[i] = kinds[i].read(rs, i + 1);
                            }
                            pageRows[filled++] = row;
                        }
                        if (filled == PAGE_SIZE || (!more && filled > 0)) {
                            long start = System.nanoTime();
                            for (int r = 0; r < filled; r++) {
                                for (int i = 0; i < n; i++) {
                                    if (pageRows[r][i] == null) {
                                        insert.setNull(i + 1, Types.NULL);
                                    } else {
                                        insert.setObject(i + 1, pageRows[r][i]);
                                    }
                                }
                                insert.addBatch();
                            }
                            insert.executeBatch();
                            writer.commit();
                            nanos += System.nanoTime() - start;
                            rows += filled;
                            filled = 0;
                        }
                    }
                }
            }
            reader.commit();
        } finally {
            writer.setAutoCommit(true);
            reader.setAutoCommit(readerAutoCommit);
        }
        return new Result(rows, writerSeconds, nanos / 1e9);
    }

    /** How a column's value is read back so that it binds as the same value it was written as. */
    private enum Kind {
        TEXT, TIMESTAMP, JSON, OTHER;

        static Kind of(String typeName) {
            String t = typeName.toLowerCase(Locale.ROOT);
            if (t.contains("json")) {
                return JSON;
            }
            if (t.contains("timestamp")) {
                return TIMESTAMP;
            }
            if (t.contains("char") || t.contains("text") || t.contains("clob")) {
                return TEXT;
            }
            return OTHER;
        }

        Object read(ResultSet rs, int column) throws SQLException {
            switch (this) {
                case TIMESTAMP:
                    return rs.getObject(column, OffsetDateTime.class);
                case TEXT:
                case JSON:
                    return rs.getString(column);
                default:
                    return rs.getObject(column);
            }
        }
    }
}
