package io.incidentsync.bench;

import io.incidentsync.store.Dialect;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How long the destination takes to store what a sync left there, with plain JDBC batch inserts and
 * nothing else to do. Every row of the synced tables and their child tables (not the sync's own
 * bookkeeping, whose names start with {@code _}) is read into memory first, untimed; then, timed, the
 * rows are inserted again with plain JDBC batches of {@value #BATCH} and a commit each into empty
 * tables of the same columns and primary key, in a schema of their own ({@value #SCHEMA} and a random
 * suffix, dropped again afterwards, also when the measurement fails), a table per thread, the largest
 * tables first, until they are on disk. No network, no parsing, no flattening, no swap: a connector
 * that writes these tables into this database on this machine with plain JDBC batches cannot take less.
 */
public final class WriteFloor {

    /** The start of the name of the schema the copies are written into. */
    public static final String SCHEMA = "write_floor_";
    static final int BATCH = 250;

    private WriteFloor() {
    }

    /** How to open a connection to the database the sync wrote. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** What was copied and what it took: wall seconds, and the CPU seconds of the whole process meanwhile. */
    public record Result(int tables, long rows, double seconds, double cpuSeconds) {
    }

    private record Table(String name, List<String> key, int columns, List<Object[]> rows) {
    }

    /** Copies every table of the connection's current schema as described above, {@code threads} at once. */
    public static Result measure(Connector connector, int threads) throws Exception {
        List<Table> tables = new ArrayList<>();
        String schema = SCHEMA + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = connector.open()) {
            for (String name : tableNames(c)) {
                tables.add(read(c, name));
            }
            try {
                return copy(connector, c, schema, tables, threads);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            }
        }
    }

    private static Result copy(Connector connector, Connection c, String schema, List<Table> tables, int threads)
            throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            for (Table t : tables) {
                create(s, schema, t);
            }
        }
        Dialect dialect = Dialect.of(c);
        // the copies start with nothing of the sync's left to write
        dialect.writeThrough(c);
        tables.sort(Comparator.comparingInt((Table t) -> t.rows().size()).reversed());
        ConcurrentLinkedQueue<Table> queue = new ConcurrentLinkedQueue<>(tables);
        AtomicReference<Exception> failed = new AtomicReference<>();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(() -> {
                try (Connection w = connector.open()) {
                    for (Table t = queue.poll(); t != null && failed.get() == null; t = queue.poll()) {
                        insert(w, schema, t);
                    }
                } catch (Exception e) {
                    failed.compareAndSet(null, e);
                }
            }, "write-floor-" + i);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        dialect.writeThrough(c);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
        long rows = tables.stream().mapToLong(t -> t.rows().size()).sum();
        return new Result(tables.size(), rows, seconds, cpuSeconds);
    }

    private static List<String> tableNames(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                if (!name.startsWith("_")) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    private static Table read(Connection c, String name) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        List<String[]> key = new ArrayList<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, c.getSchema(), name)) {
            while (rs.next()) {
                key.add(new String[] {String.format(Locale.ROOT, "%05d", rs.getInt("KEY_SEQ")), rs.getString("COLUMN_NAME")});
            }
        }
        key.sort(Comparator.comparing((String[] k) -> k[0]));
        List<Object[]> rows = new ArrayList<>();
        int columns;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + quote(name))) {
            columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                rows.add(row);
            }
        }
        return new Table(name, key.stream().map(k -> k[1]).toList(), columns, rows);
    }

    private static void create(Statement s, String schema, Table t) throws SQLException {
        String copy = schema + "." + quote(t.name());
        s.execute("CREATE TABLE " + copy + " AS SELECT * FROM " + quote(t.name()) + " WHERE 1 = 0");
        if (!t.key().isEmpty()) {
            for (String k : t.key()) {
                s.execute("ALTER TABLE " + copy + " ALTER COLUMN " + quote(k) + " SET NOT NULL");
            }
            s.execute("ALTER TABLE " + copy + " ADD PRIMARY KEY ("
                    + String.join(", ", t.key().stream().map(WriteFloor::quote).toList()) + ")");
        }
    }

    private static void insert(Connection w, String schema, Table t) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(schema).append('.').append(quote(t.name()))
                .append(" VALUES (");
        for (int i = 0; i < t.columns(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        w.setAutoCommit(false);
        try (PreparedStatement insert = w.prepareStatement(sql.append(')').toString())) {
            int pending = 0;
            for (Object[] row : t.rows()) {
                bind(insert, row);
                insert.addBatch();
                if (++pending == BATCH) {
                    insert.executeBatch();
                    w.commit();
                    pending = 0;
                }
            }
            if (pending > 0) {
                insert.executeBatch();
                w.commit();
            }
        } finally {
            w.setAutoCommit(true);
        }
    }

    /** Binds a row read back from the database as the values it was read as, a null as an untyped null. */
    static void bind(PreparedStatement insert, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            if (row[i] == null) {
                insert.setNull(i + 1, Types.NULL);
            } else {
                insert.setObject(i + 1, row[i]);
            }
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
