package io.incidentsync.store;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * On H2, statements that change the schema (CREATE, ALTER, DROP, TRUNCATE) take turns within this process: one at
 * a time per database file.
 *
 * <p>H2 2.3 takes its two schema locks in opposite orders: {@code CREATE TABLE} takes the schema table's lock
 * ({@code SYS}) and then the database's monitor, while an {@code ALTER TABLE} that copies its table (adding or
 * changing a column) holds the monitor and then asks for {@code SYS}. When a table's staging DDL met another
 * table's column change on another connection, each waited for the other until the lock timeout, and one table
 * failed with {@code Timeout trying to lock table "SYS"}. Taking turns removes the deadlock instead of waiting it
 * out. A schema statement commits when it ends, so its locks are gone when its turn is. Connections from another
 * process (through AUTO_SERVER) do not take these turns.
 */
public final class H2SchemaTurns {

    /** A statement text that holds a schema change: the first word of any of its statements. */
    private static final Pattern SCHEMA_CHANGE = Pattern.compile("(?is)(^|;)\\s*(CREATE|ALTER|DROP|TRUNCATE)\\b");
    /** By database (the URL up to its settings): the turn. */
    private static final Map<String, ReentrantLock> TURNS = new ConcurrentHashMap<>();

    private H2SchemaTurns() {
    }

    /** A data source whose connections' schema statements take turns with every other such connection to the database. */
    public static DataSource wrap(DataSource h2, String url) {
        ReentrantLock turn = TURNS.computeIfAbsent(url.split(";", 2)[0], k -> new ReentrantLock());
        return (DataSource) Proxy.newProxyInstance(H2SchemaTurns.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(h2, method, args);
                    return result instanceof Connection c ? connection(c, turn) : result;
                });
    }

    /** Whether a statement text changes the schema. */
    static boolean changesSchema(String sql) {
        return sql != null && SCHEMA_CHANGE.matcher(sql).find();
    }

    private static Connection connection(Connection connection, ReentrantLock turn) {
        return (Connection) Proxy.newProxyInstance(H2SchemaTurns.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(connection, method, args);
                    if (result instanceof Statement s && !method.getName().equals("unwrap")) {
                        // a prepared statement's text is known now: one that changes no schema (the writers' batches,
                        // each value set on it) is the driver's own; a plain one's text is known when it is executed
                        boolean prepared = args != null && args.length > 0 && args[0] instanceof String;
                        if (prepared && !changesSchema((String) args[0])) {
                            return result;
                        }
                        return statement(s, turn, prepared);
                    }
                    return result;
                });
    }

    private static Statement statement(Statement statement, ReentrantLock turn, boolean preparedChangesSchema) {
        Class<?>[] types = statement instanceof java.sql.CallableStatement ? new Class<?>[] {java.sql.CallableStatement.class}
                : statement instanceof java.sql.PreparedStatement ? new Class<?>[] {java.sql.PreparedStatement.class}
                : new Class<?>[] {Statement.class};
        boolean[] batchChangesSchema = {false};
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("addBatch") && args != null && args.length == 1 && args[0] instanceof String sql) {
                batchChangesSchema[0] |= changesSchema(sql);
            }
            if (name.equals("clearBatch")) {
                batchChangesSchema[0] = false;
            }
            boolean executes = name.startsWith("execute");
            boolean schema = executes && (preparedChangesSchema || name.equals("executeBatch") && batchChangesSchema[0]
                    || args != null && args.length > 0 && args[0] instanceof String sql && changesSchema(sql));
            if (!schema) {
                return invoke(statement, method, args);
            }
            turn.lockInterruptibly();
            try {
                return invoke(statement, method, args);
            } finally {
                turn.unlock();
            }
        };
        return (Statement) Proxy.newProxyInstance(H2SchemaTurns.class.getClassLoader(), types, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
