package io.incidentsync.store;

import org.apache.camel.Exchange;
import org.apache.camel.component.jdbc.JdbcPrepareStatementStrategy;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * How the JDBC endpoint binds a statement's values: from the header {@link #HEADER}, a list in marker
 * order, with SQL NULL for null (Camel's default strategy would take every message header instead, by
 * name or in map order). Bound as the bean {@code incidentSqlParameters}.
 */
public final class SqlParameters implements JdbcPrepareStatementStrategy {

    public static final String HEADER = "incidentSqlParameters";

    @Override
    public String prepareQuery(String query, boolean allowNamedParameters) {
        return query;
    }

    @Override
    public Iterator<?> createPopulateIterator(String query, String preparedQuery, int expectedParams, Exchange exchange,
                                              Object value) {
        List<?> values = exchange.getIn().getHeader(HEADER, List.class);
        return values == null ? Collections.emptyIterator() : values.iterator();
    }

    @Override
    public void populateStatement(PreparedStatement ps, Iterator<?> iterator, int expectedParams) throws SQLException {
        // the row being bound, kept to bind again after a batch (some drivers clear bound values with it)
        Object[] row = new Object[Math.max(expectedParams, 0)];
        int index = 0;
        boolean batched = false;
        while (iterator.hasNext()) {
            if (index == expectedParams && expectedParams > 0) {
                // a further row follows: the one bound so far joins the batch
                ps.addBatch();
                batched = true;
                index = 0;
            }
            Object value = iterator.next();
            if (index < row.length) {
                row[index] = value;
            }
            bind(ps, ++index, value);
        }
        if (index != expectedParams) {
            throw new SQLException("the statement has " + expectedParams + " markers but " + index
                    + " values were given for its last row");
        }
        if (batched) {
            // the rows before the last; the endpoint executes the last in the same transaction
            ps.executeBatch();
            for (int i = 0; i < row.length; i++) {
                bind(ps, i + 1, row[i]);
            }
        }
    }

    private static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.NULL);
        } else {
            ps.setObject(index, value);
        }
    }
}
