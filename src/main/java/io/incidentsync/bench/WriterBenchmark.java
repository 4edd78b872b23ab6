package io.incidentsync.bench;

import io.incidentsync.api.Page;
import io.incidentsync.run.Streams;
import io.incidentsync.run.TableRun;
import io.incidentsync.run.TableSpec;
import io.incidentsync.run.TableSpecs;
import io.incidentsync.run.SyncException;
import io.incidentsync.schema.Catalog;
import io.incidentsync.schema.ColumnType;
import io.incidentsync.store.ChildTables;
import io.incidentsync.store.Dialect;
import io.incidentsync.store.TableLoad;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Write throughput of the table writer against a plain JDBC batch insert of the same rows into the
 * same database. The writer's path is the sync's own: {@link TableLoad} builds the statements and the
 * route {@code incident-sql} sends them to the JDBC endpoint. Records are read page by page from the
 * API through the route {@code incident-api} (untimed), so the sample never has to fit in memory at
 * once; only the writer's path and the plain inserts are timed.
 */
public final class WriterBenchmark {

    /** The two largest tables: incidents (widest rows) and incident updates (most rows, plus their copy for incidents). */
    private static final List<String> SOURCES = List.of("incidents", "incident_updates");

    private static final int PAGE_SIZE = 250;
    private static final String PREFIX = "_bench_";

    private WriterBenchmark() {
    }

    /** Rounds of each measurement; the median round counts, so one garbage collection does not decide it. */
    static final int ROUNDS = 5;

    /**
     * Writes up to {@code sampleRows} records of each source table through the writer exactly as the routes
     * do (a page per batch, then the swap), and the same rows, read back, through a plain batch insert;
     * {@link #ROUNDS} times each, from pages fetched once, taking the median seconds of each.
     * {@code settings} names the API, its key (best one the sync did not use, so its budget is full) and
     * the database; the tables written are dropped again. The comparison's count is the rows written, "ours"
     * the writer's seconds and "plain" the batch inserts'.
     */
    public static Comparison measure(TableSpecs specs, ProducerTemplate routes, DataSource dataSource, Connection writer,
                                 Connection reader, int sampleRows) throws Exception {
        Dialect dialect = Dialect.of(writer);
        Catalog catalog = Catalog.load();
        Comparison total = new Comparison(0, 0, 0);
        for (String table : SOURCES) {
            TableSpec source = specs.get(table);
            String ours = PREFIX + source.table();
            String raw = PREFIX + "raw_" + source.table();
            List<Page> pages = fetch(routes, source, sampleRows);
            try {
                double[] writerSeconds = new double[ROUNDS];
                double[] rawSeconds = new double[ROUNDS];
                long rows = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    dropQuietly(writer, dialect, ours, raw, null);
                    // each timed part starts with nothing left to write from the part before
                    dialect.writeThrough(writer);
                    writerSeconds[round] = writeThroughTableLoad(routes, dataSource, dialect, catalog, writer, source, ours,
                            pages, sampleRows);
                    Comparison one = rawInsert(dialect, writer, reader, ours, raw, String.join(", ", source.primaryKey()),
                            writerSeconds[round]);
                    // the child tables the writer made of the records' arrays, copied the same way
                    for (String child : dialect.tables(writer, ours + "__")) {
                        List<String> childKey = new ArrayList<>();
                        for (String column : dialect.columns(writer, child).keySet()) {
                            if (column.startsWith(ChildTables.SOURCE_KEY) || column.matches("_sdc_level_\\d+_id")) {
                                childKey.add(column);
                            }
                        }
                        Comparison copied = rawInsert(dialect, writer, reader, child, rawChild(child),
                                String.join(", ", childKey), 0);
                        one = new Comparison(one.count() + copied.count(), one.oursSeconds(),
                                one.plainSeconds() + copied.plainSeconds());
                    }
                    rawSeconds[round] = one.plainSeconds();
                    rows = one.count();
                }
                total = total.plus(new Comparison(rows, median(writerSeconds), median(rawSeconds)));
            } catch (Exception e) {
                dropQuietly(writer, dialect, ours, raw, e);
                throw e;
            } finally {
                pages.forEach(Page::close);
            }
            dropQuietly(writer, dialect, ours, raw, null);
        }
        return total;
    }

    /** The JSON reading comparison ({@link JsonReadBenchmark}) over the first {@code sampleRows} incidents. */
    public static Comparison measureJson(TableSpecs specs, ProducerTemplate routes, int sampleRows)
            throws Exception {
        List<Page> pages = fetch(routes, specs.get(SOURCES.get(0)), sampleRows);
        try {
            return JsonReadBenchmark.measure(routes.getCamelContext(), pages);
        } finally {
            pages.forEach(Page::close);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The pages that hold the first {@code sampleRows} records of the listing (untimed). */
    private static List<Page> fetch(ProducerTemplate routes, TableSpec source, int sampleRows) {
        List<Page> pages = new ArrayList<>();
        int rows = 0;
        String after = null;
        try {
            do {
                String cursor = after;
                Exchange answer = routes.send("direct:incident-api", exchange -> exchange.setProperty(TableRun.PROPERTY,
                        TableRun.page(source.path(), source.pageSize(), cursor)));
                if (answer.getException() != null) {
                    throw new SyncException("the bench could not read " + source.path() + ": " + answer.getException().getMessage());
                }
                Page page = answer.getMessage().getBody(Page.class);
                pages.add(page);
                rows += page.size();
                after = page.size() == 0 ? null : page.after();
            } while (after != null && rows < sampleRows);
        } catch (RuntimeException e) {
            pages.forEach(Page::close);
            throw e;
        }
        return pages;
    }

    /** The plain inserts' copy of one of the writer's child tables. */
    private static String rawChild(String child) {
        return TableLoad.derivedName("_raw", child);
    }

    /**
     * Drops the two tables and their child tables; a failure here is added to {@code failing}, or thrown
     * when nothing else failed.
     */
    private static void dropQuietly(Connection writer, Dialect dialect, String ours, String raw, Exception failing)
            throws SQLException {
        try (Statement s = writer.createStatement()) {
            for (String child : dialect.tables(writer, ours + "__")) {
                s.execute("DROP TABLE IF EXISTS " + dialect.quote(child));
                s.execute("DROP TABLE IF EXISTS " + dialect.quote(rawChild(child)));
            }
            s.execute("DROP TABLE IF EXISTS " + dialect.quote(ours));
            s.execute("DROP TABLE IF EXISTS " + dialect.quote(raw));
        } catch (SQLException e) {
            if (failing == null) {
                throw e;
            }
            failing.addSuppressed(e);
        }
    }

    /** Records read ahead of the clock at a time: a few pages, so the sample never has to fit in memory. */
    private static final int CHUNK_ROWS = 500;

    /** Adds a chunk's pages as the routes do, a page at a time, each page's statements sent as the route sends them. */
    private static long writeChunk(ProducerTemplate routes, TableLoad load, List<List<ObjectNode>> chunk) {
        long start = System.nanoTime();
        for (List<ObjectNode> page : chunk) {
            for (ObjectNode record : page) {
                load.add(record);
            }
            routes.sendBody("direct:incident-sql", load.endPage());
        }
        return System.nanoTime() - start;
    }

    /**
     * The seconds the writer takes for the sample, to rows on disk: creating the load, adding the
     * records and sending each page's statement to the JDBC endpoint, the swap, and writing through.
     * Reading the records from the pages is not counted, as the plain inserts are not charged for
     * reading theirs; the records are read a chunk of pages ahead of the clock.
     */
    private static double writeThroughTableLoad(ProducerTemplate routes, DataSource dataSource, Dialect dialect,
                                                Catalog catalog, Connection connection, TableSpec source, String table,
                                                List<Page> pages, int sampleRows)
            throws Exception {
        Catalog.Listing listing = catalog.listing(source.path());
        long nanos = 0;
        long start = System.nanoTime();
        TableLoad load = new TableLoad(table, source.path(), source.primaryKey(), listing,
                Map.of(), () -> true, dialect, dataSource, OffsetDateTime.now(ZoneOffset.UTC),
                Streams.INCIDENT_CHILDREN.get(source.table()));
        try {
            routes.sendBody("direct:incident-sql", load.setup());
            nanos += System.nanoTime() - start;
            int rows = 0;
            List<List<ObjectNode>> chunk = new ArrayList<>();
            int chunkRows = 0;
            for (int p = 0; p < pages.size() && rows < sampleRows; p++) {
                List<ObjectNode> records = new ArrayList<>();
                for (ObjectNode record : pages.get(p)) {
                    if (rows < sampleRows) {
                        records.add(record);
                        rows++;
                    }
                }
                chunk.add(records);
                chunkRows += records.size();
                if (chunkRows >= CHUNK_ROWS || p == pages.size() - 1 || rows >= sampleRows) {
                    nanos += writeChunk(routes, load, chunk);
                    chunk.clear();
                    chunkRows = 0;
                }
            }
            start = System.nanoTime();
            routes.sendBody("direct:incident-sql", load.endListing());
            routes.sendBody("direct:incident-sql", load.swap());
            dialect.writeThrough(connection);
            nanos += System.nanoTime() - start;
        } catch (Exception e) {
            routes.sendBody("direct:incident-sql", load.abort());
            throw e;
        } finally {
            load.close();
        }
        return nanos / 1e9;
    }

    /**
     * Copies the rows the writer left in {@code ours} into a table of the same columns and key with plain
     * batched INSERTs, a commit per page; only binding, executing and committing is timed. The rows are
     * read a page at a time in key order, so no more than one page is ever in memory.
     */
    private static Comparison rawInsert(Dialect dialect, Connection writer, Connection reader, String ours, String raw,
                                    String primaryKey, double writerSeconds) throws SQLException {
        List<String> key = new ArrayList<>();
        try (Statement s = writer.createStatement()) {
            s.execute("CREATE TABLE " + dialect.quote(raw) + " AS SELECT * FROM " + dialect.quote(ours) + " WHERE 1 = 0");
            for (String k : primaryKey.split("\\s*,\\s*")) {
                key.add(dialect.quote(k));
                s.execute("ALTER TABLE " + dialect.quote(raw) + " ALTER COLUMN " + dialect.quote(k) + " SET NOT NULL");
            }
            s.execute("ALTER TABLE " + dialect.quote(raw) + " ADD PRIMARY KEY (" + String.join(", ", key) + ")");
        }
        dialect.writeThrough(writer);
        String keys = String.join(", ", key);
        String firstPage = "SELECT * FROM " + dialect.quote(ours) + " ORDER BY " + keys + " LIMIT " + PAGE_SIZE;
        String nextPage = "SELECT * FROM " + dialect.quote(ours) + " WHERE (" + keys + ") > ("
                + String.join(", ", Collections.nCopies(key.size(), "?")) + ") ORDER BY " + keys + " LIMIT " + PAGE_SIZE;
        writer.setAutoCommit(false);
        long rows = 0;
        long nanos = 0;
        PreparedStatement insert = null;
        try (PreparedStatement first = reader.prepareStatement(firstPage);
             PreparedStatement next = reader.prepareStatement(nextPage)) {
            Object[] last = null;
            while (true) {
                PreparedStatement select = last == null ? first : next;
                for (int k = 0; last != null && k < key.size(); k++) {
                    select.setObject(k + 1, last[k]);
                }
                List<Object[]> page = new ArrayList<>(PAGE_SIZE);
                Kind[] kinds;
                int[] keyColumns = new int[key.size()];
                try (ResultSet rs = select.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    int n = meta.getColumnCount();
                    kinds = new Kind[n];
                    for (int i = 0; i < n; i++) {
                        kinds[i] = Kind.of(meta.getColumnTypeName(i + 1));
                        int k = key.indexOf(dialect.quote(meta.getColumnName(i + 1).toLowerCase(Locale.ROOT)));
                        if (k >= 0) {
                            keyColumns[k] = i;
                        }
                    }
                    if (insert == null) {
                        insert = writer.prepareStatement(insertSql(dialect, raw, meta, kinds));
                    }
                    while (rs.next()) {
                        Object[] row = new Object[n];
                        for (int i = 0; i < n; i++) {
                            row[i] = kinds[i].read(rs, i + 1);
                        }
                        page.add(row);
                    }
                }
                if (page.isEmpty()) {
                    break;
                }
                long start = System.nanoTime();
                for (Object[] row : page) {
                    WriteFloor.bind(insert, row);
                    insert.addBatch();
                }
                insert.executeBatch();
                writer.commit();
                nanos += System.nanoTime() - start;
                rows += page.size();
                Object[] tail = page.get(page.size() - 1);
                last = new Object[key.size()];
                for (int k = 0; k < key.size(); k++) {
                    last[k] = tail[keyColumns[k]];
                }
            }
            // written means on disk, for the plain inserts as for the writer
            long start = System.nanoTime();
            dialect.writeThrough(writer);
            nanos += System.nanoTime() - start;
        } finally {
            if (insert != null) {
                insert.close();
            }
            writer.setAutoCommit(true);
        }
        return new Comparison(rows, writerSeconds, nanos / 1e9);
    }

    private static String insertSql(Dialect dialect, String raw, ResultSetMetaData meta, Kind[] kinds)
            throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(dialect.quote(raw)).append(" (");
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < kinds.length; i++) {
            sql.append(i == 0 ? "" : ", ").append(dialect.quote(meta.getColumnName(i + 1)));
            values.append(i == 0 ? "" : ", ").append(kinds[i] == Kind.JSON ? dialect.marker(ColumnType.JSON) : "?");
        }
        return sql.append(") VALUES (").append(values).append(')').toString();
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
