package io.incidentsync.store;

import io.incidentsync.run.SyncException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * What the destination holds now, as one table's load needs to know it: a table's columns, whether it
 * exists, its rows, whether it may be renamed. Only reads: every statement that writes is returned to
 * the routes, never executed here.
 */
final class LiveTables {

    private final Dialect dialect;
    private final DataSource dataSource;

    LiveTables(Dialect dialect, DataSource dataSource) {
        this.dialect = dialect;
        this.dataSource = dataSource;
    }

    /** The table's columns by lower-case name with their type names, or an empty map when it does not exist. */
    Map<String, String> columns(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return dialect.columns(c, name);
        }
    }

    boolean exists(String name) {
        try {
            return !columns(name).isEmpty();
        } catch (SQLException e) {
            throw new SyncException("cannot read the database's catalogue for " + name + ": " + e.getMessage());
        }
    }

    long count(String name) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + dialect.quote(name))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    boolean mayRename(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return dialect.mayRename(c, name);
        }
    }

    /** The tables whose names start with this prefix, in lower case. */
    List<String> tables(String prefix) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return dialect.tables(c, prefix);
        }
    }
}
