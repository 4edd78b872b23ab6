package io.incidentsync.store;

import io.incidentsync.schema.Comments;

import io.incidentsync.schema.ColumnType;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What differs between the destination databases: identifier case, column types and the upsert
 * statement. H2 keeps unquoted names in upper case and PostgreSQL in lower case, so names are quoted
 * in each database's own case and users can query them unquoted.
 */
public abstract class Dialect {

    /** The dialect of the database behind a connection, whoever configured its DataSource. */
    public static Dialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        if (product.toLowerCase(Locale.ROOT).contains("postgres")) {
            return new PostgresDialect();
        }
        if (product.toLowerCase(Locale.ROOT).contains("h2")) {
            return new H2Dialect();
        }
        if (product.toLowerCase(Locale.ROOT).contains("mariadb") || product.toLowerCase(Locale.ROOT).contains("mysql")) {
            return new MariaDbDialect(product.toLowerCase(Locale.ROOT).contains("mysql"));
        }
        throw new SQLException("unsupported destination database '" + product + "': use H2, PostgreSQL, MariaDB or MySQL");
    }

    /** A quoted identifier in the case the database stores unquoted names in. */
    public String quote(String identifier) {
        return '"' + storedCase(identifier) + '"';
    }

    /**
     * Checks, once a run, that the connection can take what the sync sends; throws with the cause and
     * the fix when not.
     */
    public void check(Connection connection) throws SQLException {
    }

    /** What follows the column list of every {@code CREATE TABLE}: a character set, for one. */
    /**
     * The statement that puts the comments on a table and its columns (H2 and PostgreSQL: {@code COMMENT ON}), or
     * null where they are written into {@code CREATE TABLE} ({@link #inlineComment}).
     */
    public String commentOn(String table, String tableComment, Map<String, String> columns) {
        List<String> out = new ArrayList<>();
        out.add("COMMENT ON TABLE " + quote(table) + " IS " + Comments.literal(tableComment));
        columns.forEach((column, text) -> out.add("COMMENT ON COLUMN " + quote(table) + "." + quote(column) + " IS "
                + Comments.literal(text)));
        return String.join("; ", out);
    }

    /** A column's comment as written in {@code CREATE TABLE}; none by default ({@link #commentOn} does it). */
    public String inlineComment(String text) {
        return "";
    }

    /** A table's comment as written after {@code CREATE TABLE (...)}; none by default. */
    public String inlineTableComment(String text) {
        return "";
    }

    public String tableOptions() {
        return "";
    }

    /** A value as it is bound: a timestamp as the column type stores it. */
    public Object bindable(Object value) {
        return value;
    }

    /**
     * Characters of text in one statement at most, beyond the bound-value limit: a database that takes a
     * statement as one packet of limited size needs it. A row larger than this is a statement of its own.
     */
    public long maxStatementChars() {
        return Long.MAX_VALUE;
    }

    /**
     * True when {@link #renameSwap} replaces the live table in one atomic step, so it is taken whenever
     * {@link #mayRename} allows, whatever the table's size.
     */
    public boolean renamesAtomically() {
        return false;
    }

    /** The SQL type of a column; key columns need a type that can be indexed. */
    public abstract String type(ColumnType type, boolean key);

    /** Whether a column type name, as the database's catalogue reports it, is this dialect's text type. */
    public boolean isText(String typeName) {
        return type(ColumnType.TEXT, false).equalsIgnoreCase(typeName);
    }

    /** Changes a column's type to text, keeping its values as their text. */
    public abstract String widenToText(String table, String column);

    /**
     * {@link #widenToText(String, String)} for a column of type {@code from} (null when not known), so
     * that every database keeps a value as the same text.
     */
    public String widenToText(String table, String column, ColumnType from) {
        return widenToText(table, column);
    }

    /**
     * The column type of a live column by the type name the catalogue reports ({@code int8}, {@code DATETIME},
     * {@code CHARACTER VARYING}), or null when it is none of ours.
     */
    ColumnType liveType(String typeName) {
        String name = typeName.toLowerCase(Locale.ROOT);
        for (ColumnType t : List.of(ColumnType.TIMESTAMP, ColumnType.BIGINT, ColumnType.DOUBLE, ColumnType.BOOLEAN,
                ColumnType.JSON, ColumnType.TEXT)) {
            String ours = type(t, false).toLowerCase(Locale.ROOT);
            if (ours.equals(name) || ours.startsWith(name + "(")) {
                return t;
            }
        }
        return switch (name) {
            case "int8" -> ColumnType.BIGINT;
            case "float8" -> ColumnType.DOUBLE;
            case "bool", "tinyint", "bit" -> ColumnType.BOOLEAN;
            case "timestamptz" -> ColumnType.TIMESTAMP;
            default -> isText(typeName) ? ColumnType.TEXT : null;
        };
    }

    /**
     * The type a declared column of no declared type that no record had a value for is added with: the live
     * table's (so that the swap never widens a live column for want of values), text for a new one; null to
     * leave it out (a live type that is none of ours).
     */
    ColumnType unseen(String column, Map<String, String> live) {
        String typeName = live.get(column);
        return typeName == null ? ColumnType.TEXT : liveType(typeName);
    }

    /** The column type whose text widening differs for a type name the catalogue reports, or null. */
    ColumnType typeOf(String typeName) {
        return null;
    }

    /** The bind marker for a value of this type. */
    public String marker(ColumnType type) {
        return "?";
    }

    /**
     * A text value (a JSON value's text, for a JSON column) as this database can store it. H2 stores any
     * Java string as it is.
     */
    public String storable(ColumnType type, String value) {
        return value;
    }

    /** Joins a group's text values with commas, in the order of another column. */
    public abstract String aggregate(String value, String orderBy);

    /** A text expression as a value of a JSON column. */
    public String castJson(String expression) {
        return expression;
    }

    /**
     * Whether {@link #renameSwap} may replace this live table, rather than a copy of the rows in one
     * transaction (which keeps the table itself, and so whatever refers to it).
     */
    public boolean mayRename(Connection connection, String live) throws SQLException {
        return false;
    }

    /**
     * Whether a catalogue query that asks "does anything refer to this table", every parameter the live
     * table's name, finds nothing.
     */
    protected boolean nothingRefersTo(Connection connection, String live, String sql) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            long parameters = sql.chars().filter(c -> c == '?').count();
            for (int i = 1; i <= parameters; i++) {
                ps.setString(i, storedCase(live));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return !rs.getBoolean(1);
            }
        }
    }

    /**
     * Returns once every committed change is on disk. A PostgreSQL commit already is; H2 commits to
     * memory and writes in the background, so it is asked to write now.
     */
    public void writeThrough(Connection connection) throws SQLException {
    }

    /**
     * The statement text that puts each staging table in the place of its live table by renaming, with
     * no reader seeing neither, for several tables at once, so that a reader sees all of them replaced or
     * none: each entry is {stage, live, old}, old null for a live table that does not exist yet;
     * {@code empty} are live tables to empty in the same step. The connection is only read (whether the
     * user may pause other connections).
     */
    public String renameSwap(Connection connection, List<String[]> swaps, List<String> empty) throws SQLException {
        throw new UnsupportedOperationException();
    }

    /** The tables of the current schema whose names start with this prefix, in lower case. */
    public List<String> tables(Connection connection, String prefix) throws SQLException {
        return readCatalogue(() -> tablesOnce(connection, prefix));
    }

    private List<String> tablesOnce(Connection connection, String prefix) throws SQLException {
        List<String> out = new ArrayList<>();
        String current = currentSchema(connection);
        try (ResultSet rs = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                if (schema != null && !schema.equalsIgnoreCase(current)) {
                    continue;
                }
                String name = rs.getString("TABLE_NAME");
                // H2 may answer a row without a name for a table another connection drops at that moment
                if (name != null && name.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    out.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /**
     * Takes the lock that lets one sync at a time write to this destination, held by this connection until
     * {@link #unlockDestination} or until the connection ends (a crashed process's connection ends with it);
     * false, at once, when another connection holds it.
     */
    public boolean tryLockDestination(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(lockQuery(true))) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Gives back the lock {@link #tryLockDestination} took; the connection stays open. */
    public void unlockDestination(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(lockQuery(false));
        }
    }

    /**
     * The database's own lock of the session: with {@code take}, the query whose one value says whether it
     * took the lock; without, the statement that gives it back. A database without such locks overrides
     * {@link #tryLockDestination} and {@link #unlockDestination} instead.
     */
    protected String lockQuery(boolean take) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " locks the destination its own way");
    }

    /**
     * Insert-or-replace of {@code rows} rows by primary key, so a record repeated across pages is stored
     * once; the rows' keys must differ within one statement.
     */
    public abstract String upsert(String table, List<String> columns, List<ColumnType> types, List<String> key, int rows);

    /** A plain insert of {@code rows} rows (child tables: their rows are new to the staging table). */
    public String insert(String table, List<String> columns, List<ColumnType> types, int rows) {
        return "INSERT INTO " + quote(table) + " (" + list(columns) + ") VALUES " + valueLists(types, rows);
    }

    /**
     * True when many rows go faster as a JDBC batch of a one-row statement than as one statement of
     * many value lists: H2, which runs in this process and so pays no round trip per row, but parses
     * every distinct statement text.
     */
    public boolean prefersBatches() {
        return false;
    }

    /** {@code rows} value lists of the columns' markers: {@code (?, ?), (?, ?)}. */
    protected String valueLists(List<ColumnType> types, int rows) {
        StringBuilder one = new StringBuilder("(");
        for (int i = 0; i < types.size(); i++) {
            one.append(i == 0 ? "" : ", ").append(marker(types.get(i)));
        }
        one.append(')');
        StringBuilder all = new StringBuilder(one.length() * rows + rows * 2);
        for (int r = 0; r < rows; r++) {
            all.append(r == 0 ? "" : ", ").append(one);
        }
        return all.toString();
    }

    protected String list(List<String> names) {
        return names.stream().map(this::quote).collect(Collectors.joining(", "));
    }

    protected abstract String storedCase(String identifier);

    /** The table's columns by lower-case name with their JDBC type names, or an empty map when it does not exist. */
    public Map<String, String> columns(Connection connection, String table) throws SQLException {
        return readCatalogue(() -> columnsOnce(connection, table));
    }

    private Map<String, String> columnsOnce(Connection connection, String table) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        DatabaseMetaData meta = connection.getMetaData();
        try (ResultSet rs = meta.getColumns(null, null, storedCase(table), null)) {
            while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                if (schema != null && !schema.equalsIgnoreCase(currentSchema(connection))) {
                    continue;
                }
                String column = rs.getString("COLUMN_NAME");
                if (column != null) {
                    out.put(column.toLowerCase(Locale.ROOT), rs.getString("TYPE_NAME"));
                }
            }
        }
        return out;
    }

    /** A read of the database's catalogue (its tables, columns, views, grants). */
    protected interface CatalogueRead<T> {
        T read() throws SQLException;
    }

    /** Runs a catalogue read; a dialect whose catalogue can fail under other connections' DDL retries it. */
    protected <T> T readCatalogue(CatalogueRead<T> read) throws SQLException {
        return read.read();
    }

    protected String currentSchema(Connection connection) throws SQLException {
        String schema = connection.getSchema();
        return schema == null ? "" : schema;
    }
}
