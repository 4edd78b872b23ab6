package io.incidentsync.store;

import io.incidentsync.schema.ColumnType;
import java.sql.Connection;
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
 * MariaDB, and MySQL through the same driver: backquoted lower-case names, JSON columns (MariaDB
 * keeps them as text checked by JSON_VALID, MySQL as its JSON type), UTC timestamps in DATETIME(6),
 * an atomic RENAME TABLE for the swap and a named lock per database.
 */
final class MariaDbDialect extends Dialect {
    /**
     * Key columns are indexed, and an index entry takes at most 3,072 bytes: four key columns of 191
     * characters of four bytes each fit. Every other text is LONGTEXT (up to 4 GB).
     */
    static final String KEY_TEXT = "VARCHAR(191)";
    /** Below the server's default max_allowed_packet (16 MB), counting four bytes a character. */
    static final long MAX_STATEMENT_CHARS = 3_000_000L;

    private final boolean mysql;

    MariaDbDialect(boolean mysql) {
        this.mysql = mysql;
    }

    @Override
    public String quote(String identifier) {
        return '`' + storedCase(identifier).replace("`", "``") + '`';
    }

    @Override
    protected String storedCase(String identifier) {
        return identifier.toLowerCase(Locale.ROOT);
    }

    @Override
    public void check(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
            if (!rs.next() || rs.getString(1) == null) {
                throw new SQLException("the JDBC URL names no database; add one after the host in incident.db.url"
                        + " (INCIDENT_DB_URL), e.g. jdbc:mariadb://127.0.0.1:3306/incident");
            }
        }
        try (Statement s = connection.createStatement()) {
            s.execute("DO 1; DO 2");
        } catch (SQLException e) {
            throw new SQLException("the connection does not run several statements in one, which the swap"
                    + " needs; add allowMultiQueries=true to the JDBC URL (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String commentOn(String table, String tableComment, java.util.Map<String, String> columns) {
        return null;
    }

    @Override
    public String inlineComment(String text) {
        // MariaDB keeps 1,024 characters of a column's comment, 2,048 of a table's
        return " COMMENT " + io.incidentsync.schema.Comments.literal(text.length() > 1024 ? text.substring(0, 1024) : text);
    }

    @Override
    public String inlineTableComment(String text) {
        return " COMMENT=" + io.incidentsync.schema.Comments.literal(text.length() > 2048 ? text.substring(0, 2048) : text);
    }

    @Override
    public String tableOptions() {
        // binary collation: keys compare as the API's ids do, case and accents included
        return " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    }

    /** DATETIME keeps no offset: timestamps are stored as their UTC wall-clock time. */
    @Override
    public Object bindable(Object value) {
        return value instanceof java.time.OffsetDateTime t
                ? t.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime() : value;
    }

    @Override
    public long maxStatementChars() {
        return MAX_STATEMENT_CHARS;
    }

    /** Lone surrogates become U+FFFD rather than the driver's {@code ?} or a JSON_VALID failure; NUL is kept. */
    @Override
    public String storable(ColumnType type, String value) {
        return type == ColumnType.JSON ? PostgresText.jsonKeepingNul(value) : PostgresText.textKeepingNul(value);
    }

    @Override
    public String type(ColumnType type, boolean key) {
        switch (type) {
            case TIMESTAMP: return "DATETIME(6)";
            case BIGINT: return "BIGINT";
            case DOUBLE: return "DOUBLE";
            case BOOLEAN: return "BOOLEAN";
            case JSON: return "JSON";
            default: return key ? KEY_TEXT : "LONGTEXT";
        }
    }

    @Override
    public boolean isText(String typeName) {
        String t = typeName.toLowerCase(Locale.ROOT);
        return t.equals("longtext") || t.equals("mediumtext") || t.equals("text") || t.equals("varchar");
    }

    @Override
    public String widenToText(String table, String column) {
        return "ALTER TABLE " + quote(table) + " MODIFY COLUMN " + quote(column) + " LONGTEXT";
    }

    /** A BOOLEAN column is a number here: its values become true and false, as in the other databases. */
    @Override
    public String widenToText(String table, String column, ColumnType from) {
        String widen = widenToText(table, column);
        return from != ColumnType.BOOLEAN ? widen : widen + "; UPDATE " + quote(table) + " SET " + quote(column)
                + " = IF(" + quote(column) + " = '0', 'false', 'true') WHERE " + quote(column) + " IS NOT NULL";
    }

    @Override
    ColumnType typeOf(String typeName) {
        String t = typeName.toLowerCase(Locale.ROOT);
        return t.equals("tinyint") || t.equals("boolean") ? ColumnType.BOOLEAN : null;
    }

    private static final java.util.regex.Pattern JSON_CHECK = java.util.regex.Pattern.compile("json_valid\\(`([^`]+)`\\)");

    /**
     * The columns from the database's catalogue; a MariaDB JSON column (text checked by JSON_VALID)
     * is reported as {@code json}, as MySQL reports its own.
     */
    @Override
    public Map<String, String> columns(Connection connection, String table) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, storedCase(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
                }
            }
        }
        if (mysql || out.isEmpty()) {
            // MySQL has no CHECK_CONSTRAINTS.TABLE_NAME; its JSON columns say so themselves
            return out;
        }
        // MariaDB's JSON is LONGTEXT with a json_valid check. The checks are read once per table: asked
        // for each column (a subquery), information_schema opened the schema's tables every time, which
        // took seconds once a schema held a hundred tables
        try (PreparedStatement ps = connection.prepareStatement("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
            ps.setString(1, storedCase(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.util.regex.Matcher json = JSON_CHECK.matcher(rs.getString(1));
                    if (json.matches() && out.containsKey(json.group(1).toLowerCase(Locale.ROOT))) {
                        out.put(json.group(1).toLowerCase(Locale.ROOT), "json");
                    }
                }
            }
        }
        return out;
    }

    /**
     * RENAME TABLE swaps both names in one atomic step: a reader's query waits for it and then reads
     * the new table. Views and grants name tables, so they apply to the new one. Not when a foreign
     * key refers to the live table, or a trigger or an index of the user's is on it: those would move
     * with it to the replaced table.
     */
    @Override
    public boolean renamesAtomically() {
        return true;
    }

    @Override
    public boolean mayRename(Connection connection, String live) throws SQLException {
        String sql = "SELECT EXISTS (SELECT 1 FROM information_schema.REFERENTIAL_CONSTRAINTS"
                + " WHERE UNIQUE_CONSTRAINT_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME = ?)"
                + " OR EXISTS (SELECT 1 FROM information_schema.TRIGGERS"
                + " WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = ?)"
                + " OR EXISTS (SELECT 1 FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY')";
        return nothingRefersTo(connection, live, sql);
    }

    @Override
    public String renameSwap(Connection connection, List<String[]> swaps, List<String> empty) {
        List<String> pairs = new ArrayList<>();
        for (String[] swap : swaps) {
            if (swap[2] != null) {
                pairs.add(quote(swap[1]) + " TO " + quote(swap[2]));
            }
            pairs.add(quote(swap[0]) + " TO " + quote(swap[1]));
        }
        // one RENAME TABLE of every pair is atomic; emptying a table no record had any more follows it
        StringBuilder sql = new StringBuilder("RENAME TABLE " + String.join(", ", pairs));
        empty.forEach(table -> sql.append("; DELETE FROM ").append(quote(table)));
        return sql.toString();
    }

    @Override
    public List<String> tables(Connection connection, String prefix) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM information_schema.TABLES"
                     + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")) {
            while (rs.next()) {
                String name = rs.getString(1).toLowerCase(Locale.ROOT);
                if (name.startsWith(prefix)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /**
     * A named lock of the session, per database (lock names are per server; at most 64 characters,
     * so the database's name is hashed).
     */
    private static final String LOCK_NAME = "CONCAT('incident-io-sync:', SHA1(DATABASE()))";

    @Override
    protected String lockQuery(boolean take) {
        return (take ? "SELECT GET_LOCK(" + LOCK_NAME + ", 0)" : "DO RELEASE_LOCK(" + LOCK_NAME + ")");
    }

    @Override
    public String aggregate(String value, String orderBy) {
        return "GROUP_CONCAT(" + value + " ORDER BY " + orderBy + " SEPARATOR ',')";
    }

    @Override
    public String castJson(String expression) {
        return mysql ? "CAST(" + expression + " AS JSON)" : expression;
    }

    /** VALUES(column) is the row that would have been inserted: MariaDB's form, which MySQL still takes. */
    @Override
    public String upsert(String table, List<String> columns, List<ColumnType> types, List<String> key, int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table)).append(" (").append(list(columns))
                .append(") VALUES ").append(valueLists(types, rows)).append(" ON DUPLICATE KEY UPDATE ");
        List<String> rest = columns.stream().filter(c -> !key.contains(c)).collect(Collectors.toList());
        List<String> set = rest.isEmpty() ? key.subList(0, 1) : rest;
        sql.append(set.stream().map(c -> quote(c) + " = VALUES(" + quote(c) + ")").collect(Collectors.joining(", ")));
        return sql.toString();
    }
}
