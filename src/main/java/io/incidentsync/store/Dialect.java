package io.incidentsync.store;

import io.incidentsync.schema.ColumnType;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
            return new Postgres();
        }
        if (product.toLowerCase(Locale.ROOT).contains("h2")) {
            return new H2();
        }
        if (product.toLowerCase(Locale.ROOT).contains("mariadb") || product.toLowerCase(Locale.ROOT).contains("mysql")) {
            return new MariaDb(product.toLowerCase(Locale.ROOT).contains("mysql"));
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
     * Returns once every committed change is on disk. A PostgreSQL commit already is; H2 commits to
     * memory and writes in the background, so it is asked to write now.
     */
    public void writeThrough(Connection connection) throws SQLException {
    }

    /**
     * The statement text that puts {@code stage} in the place of {@code live} by renaming, with no reader
     * seeing neither; the connection is only read (whether the user may pause other connections).
     */
    public String renameSwap(Connection connection, String stage, String live, String old) throws SQLException {
        return renameSwap(connection, List.<String[]>of(new String[] {stage, live, old}), List.of());
    }

    /**
     * {@link #renameSwap(Connection, String, String, String)} for several tables at once, so that a reader
     * sees all of them replaced or none: each entry is {stage, live, old}, old null for a live table
     * that does not exist yet; {@code empty} are live tables to empty in the same step.
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
    public abstract boolean tryLockDestination(Connection connection) throws SQLException;

    /** Gives back the lock {@link #tryLockDestination} took; the connection stays open. */
    public abstract void unlockDestination(Connection connection) throws SQLException;

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

    public static final class H2 extends Dialect {
        /** One row, locked by the transaction of the sync that is writing. */
        static final String LOCK_TABLE = "_sync_lock";

        /** Tries of one catalogue read that keeps meeting tables being dropped. */
        static final int CATALOGUE_TRIES = 20;

        /** Catalogue reads read again in this process, for the test that provokes them. */
        static final AtomicLong CATALOGUE_RETRIES = new AtomicLong();

        @Override
        protected String storedCase(String identifier) {
            return identifier.toUpperCase(Locale.ROOT);
        }

        /**
         * H2's INFORMATION_SCHEMA (behind DatabaseMetaData too) walks the schema's tables without a lock,
         * and a table that another connection drops at that moment has lost its name: the read fails with
         * H2's "General error" and a NullPointerException inside H2 (seen with the other tables' writers
         * and swaps, one read in some 20,000). The same read a moment later answers, so it is read again;
         * any other error, or the same one {@link #CATALOGUE_TRIES} times, is thrown.
         */
        @Override
        protected <T> T readCatalogue(CatalogueRead<T> read) throws SQLException {
            for (int attempt = 1; ; attempt++) {
                try {
                    return read.read();
                } catch (SQLException e) {
                    if (attempt >= CATALOGUE_TRIES || !metDroppedTable(e)) {
                        throw e;
                    }
                    CATALOGUE_RETRIES.incrementAndGet();
                    try {
                        // at once, then a millisecond more each time: some 170 ms in all
                        Thread.sleep(attempt - 1);
                    } catch (InterruptedException stop) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        /**
         * H2's general error (50000) caused by a NullPointerException inside H2; through H2's server
         * (AUTO_SERVER, a second process) only the message names it.
         */
        static boolean metDroppedTable(SQLException e) {
            return e.getErrorCode() == 50000 && (e.getCause() instanceof NullPointerException
                    || String.valueOf(e.getMessage()).contains("java.lang.NullPointerException"));
        }

        @Override
        public String type(ColumnType type, boolean key) {
            switch (type) {
                case TIMESTAMP: return "TIMESTAMP WITH TIME ZONE";
                case BIGINT: return "BIGINT";
                case DOUBLE: return "DOUBLE PRECISION";
                case BOOLEAN: return "BOOLEAN";
                // H2's CHARACTER VARYING holds values of many megabytes, and unlike its large
                // objects it is stored in the row: several times faster to write
                default: return "CHARACTER VARYING";
            }
        }

        /**
         * Not when anything else refers to the live table or was added to it: a view, a grant, a foreign
         * key, an index of its own. A rename would leave those on the replaced table, to be dropped with
         * it, or (a view, a foreign key) keep that table from being dropped at all.
         */
        @Override
        public boolean mayRename(Connection connection, String live) throws SQLException {
            String sql = "SELECT EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.VIEWS"
                    // H2 keeps a view's query with every table as "SCHEMA"."TABLE"
                    + " WHERE LOCATE('\"' || CURRENT_SCHEMA || '\".\"' || ? || '\"', VIEW_DEFINITION) > 0)"
                    + " OR EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.TABLE_PRIVILEGES"
                    + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME = ?)"
                    + " OR EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS r"
                    + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS k ON k.CONSTRAINT_SCHEMA = r.UNIQUE_CONSTRAINT_SCHEMA"
                    + " AND k.CONSTRAINT_NAME = r.UNIQUE_CONSTRAINT_NAME"
                    + " WHERE k.TABLE_SCHEMA = CURRENT_SCHEMA AND k.TABLE_NAME = ?)"
                    + " OR EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.INDEXES"
                    + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME = ? AND INDEX_TYPE_NAME <> 'PRIMARY KEY')";
            return readCatalogue(() -> {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    for (int i = 1; i <= 4; i++) {
                        ps.setString(i, storedCase(live));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return !rs.getBoolean(1);
                    }
                }
            });
        }

        @Override
        public String widenToText(String table, String column) {
            return "ALTER TABLE " + quote(table) + " ALTER COLUMN " + quote(column) + " SET DATA TYPE " + type(ColumnType.TEXT, false);
        }

        @Override
        public void writeThrough(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("CHECKPOINT");
            }
        }

        /**
         * Renames under H2's exclusive mode, which pauses every other connection's statements until
         * it ends, so no reader looks between the two renames. Without admin rights to enter it the
         * renames still run, back to back. The replaced table is left under the name {@code old}.
         */
        @Override
        public String renameSwap(Connection connection, List<String[]> swaps, List<String> empty) throws SQLException {
            List<String> steps = new ArrayList<>();
            for (String[] swap : swaps) {
                if (swap[2] != null) {
                    steps.add("ALTER TABLE " + quote(swap[1]) + " RENAME TO " + quote(swap[2]));
                }
                steps.add("ALTER TABLE " + quote(swap[0]) + " RENAME TO " + quote(swap[1]));
            }
            empty.forEach(table -> steps.add("DELETE FROM " + quote(table)));
            String renames = String.join("; ", steps);
            return isAdmin(connection) ? "SET EXCLUSIVE 1; " + renames + "; SET EXCLUSIVE 0" : renames;
        }

        private static boolean isAdmin(Connection connection) {
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS WHERE USER_NAME = CURRENT_USER")) {
                return rs.next() && rs.getBoolean(1);
            } catch (SQLException e) {
                return false;
            }
        }

        /**
         * H2 has no advisory locks: the lock is a row lock on the one row of {@code _sync_lock}, held by an
         * open transaction. Connections through AUTO_SERVER reach the same database, so it holds across
         * processes too. It locks nothing the sync writes, and H2's exclusive mode for the swap does not wait
         * for open transactions, so the holder's own swaps go on.
         */
        @Override
        public boolean tryLockDestination(Connection connection) throws SQLException {
            connection.setAutoCommit(true);
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + quote(LOCK_TABLE) + " (" + quote("id") + " INTEGER PRIMARY KEY)");
                try {
                    s.execute("INSERT INTO " + quote(LOCK_TABLE) + " SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM "
                            + quote(LOCK_TABLE) + ")");
                } catch (SQLIntegrityConstraintViolationException anotherSyncInsertedIt) {
                    // the row is there, which is all this needed
                }
                connection.setAutoCommit(false);
                try (ResultSet rs = s.executeQuery("SELECT " + quote("id") + " FROM " + quote(LOCK_TABLE)
                        + " FOR UPDATE SKIP LOCKED")) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
            unlockDestination(connection);
            return false;
        }

        @Override
        public void unlockDestination(Connection connection) throws SQLException {
            connection.rollback();
            connection.setAutoCommit(true);
        }

        @Override
        public String aggregate(String value, String orderBy) {
            return "LISTAGG(" + value + ", ',') WITHIN GROUP (ORDER BY " + orderBy + ")";
        }

        @Override
        public String upsert(String table, List<String> columns, List<ColumnType> types, List<String> key, int rows) {
            return "MERGE INTO " + quote(table) + " (" + list(columns) + ") KEY (" + list(key) + ") VALUES "
                    + valueLists(types, rows);
        }

        @Override
        public boolean prefersBatches() {
            return true;
        }
    }

    static final class Postgres extends Dialect {
        @Override
        protected String storedCase(String identifier) {
            return identifier.toLowerCase(Locale.ROOT);
        }

        @Override
        public String type(ColumnType type, boolean key) {
            switch (type) {
                case TIMESTAMP: return "timestamptz";
                case BIGINT: return "bigint";
                case DOUBLE: return "double precision";
                case BOOLEAN: return "boolean";
                case JSON: return "jsonb";
                default: return "text";
            }
        }

        @Override
        public String marker(ColumnType type) {
            return type == ColumnType.JSON ? "?::jsonb" : "?";
        }

        /** Characters PostgreSQL cannot store become U+FFFD rather than failing the table on every sync. */
        @Override
        public String storable(ColumnType type, String value) {
            return type == ColumnType.JSON ? PostgresText.json(value) : PostgresText.text(value);
        }

        @Override
        public String widenToText(String table, String column) {
            return "ALTER TABLE " + quote(table) + " ALTER COLUMN " + quote(column) + " TYPE text USING " + quote(column) + "::text";
        }

        /**
         * An advisory lock of the session, keyed on the product and the schema (advisory locks are per
         * database already), so syncs into two schemas of one database do not wait for each other.
         */
        private static final String LOCK_KEY = "hashtext('incident-io-sync'), "
                + "coalesce((SELECT oid::int FROM pg_namespace WHERE nspname = current_schema()), 0)";

        @Override
        public boolean tryLockDestination(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
                return rs.next() && rs.getBoolean(1);
            }
        }

        @Override
        public void unlockDestination(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            }
        }

        @Override
        public String aggregate(String value, String orderBy) {
            return "string_agg(" + value + ", ',' ORDER BY " + orderBy + ")";
        }

        @Override
        public String castJson(String expression) {
            return "CAST(" + expression + " AS jsonb)";
        }

        @Override
        public String upsert(String table, List<String> columns, List<ColumnType> types, List<String> key, int rows) {
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table)).append(" (").append(list(columns))
                    .append(") VALUES ").append(valueLists(types, rows));
            sql.append(" ON CONFLICT (").append(list(key)).append(") DO ");
            List<String> rest = columns.stream().filter(c -> !key.contains(c)).collect(Collectors.toList());
            if (rest.isEmpty()) {
                return sql.append("NOTHING").toString();
            }
            sql.append("UPDATE SET ").append(rest.stream().map(c -> quote(c) + " = EXCLUDED." + quote(c))
                    .collect(Collectors.joining(", ")));
            return sql.toString();
        }
    }

    /**
     * MariaDB, and MySQL through the same driver: backquoted lower-case names, JSON columns (MariaDB
     * keeps them as text checked by JSON_VALID, MySQL as its JSON type), UTC timestamps in DATETIME(6),
     * an atomic RENAME TABLE for the swap and a named lock per database.
     */
    static final class MariaDb extends Dialect {
        /**
         * Key columns are indexed, and an index entry takes at most 3,072 bytes: four key columns of 191
         * characters of four bytes each fit. Every other text is LONGTEXT (up to 4 GB).
         */
        static final String KEY_TEXT = "VARCHAR(191)";
        /** Below the server's default max_allowed_packet (16 MB), counting four bytes a character. */
        static final long MAX_STATEMENT_CHARS = 3_000_000L;

        private final boolean mysql;

        MariaDb(boolean mysql) {
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
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setString(1, storedCase(live));
                ps.setString(2, storedCase(live));
                ps.setString(3, storedCase(live));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return !rs.getBoolean(1);
                }
            }
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
        public boolean tryLockDestination(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT GET_LOCK(" + LOCK_NAME + ", 0)")) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }

        @Override
        public void unlockDestination(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("DO RELEASE_LOCK(" + LOCK_NAME + ")");
            }
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
}
