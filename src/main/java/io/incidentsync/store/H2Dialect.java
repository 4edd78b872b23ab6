package io.incidentsync.store;

import io.incidentsync.schema.ColumnType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * H2: names in upper case, text as CHARACTER VARYING, upserts by MERGE ... KEY, the destination lock as
 * a row lock, and a large swap renamed under exclusive mode.
 */
public final class H2Dialect extends Dialect {
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
        return readCatalogue(() -> nothingRefersTo(connection, live, sql));
    }

    @Override
    public String inlineComment(String text) {
        return " COMMENT " + io.incidentsync.schema.Comments.literal(text);
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
