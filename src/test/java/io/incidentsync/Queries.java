package io.incidentsync;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The two questions tests ask a destination most: a count, and the first column of every row. */
public final class Queries {

    /** Where a query's connection comes from; it is closed after the query. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private Queries() {
    }

    /** The first column of the first row, as a number (a COUNT, a SUM). */
    public static long count(Connections connections, String sql) throws SQLException {
        try (Connection c = connections.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of every row, in the query's order. */
    public static List<Object> column(Connections connections, String sql) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (Connection c = connections.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getObject(1));
            }
        }
        return out;
    }
}
