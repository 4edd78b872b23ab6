package io.incidentsync.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One sync at a time per destination (a PostgreSQL schema, an H2 database), whichever process or
 * application runs it: every sync writes the same staging tables, so a second one would drop or fill the
 * first one's. Held for a whole run on a connection of its own; when the process dies, the database
 * ends that connection and the lock with it.
 */
public final class DestinationLock {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationLock.class);

    private final Connection connection;
    private final Dialect dialect;
    private final AtomicBoolean held = new AtomicBoolean(true);

    private DestinationLock(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /** The lock, or null at once when another sync holds it. */
    public static DestinationLock tryAcquire(DataSource dataSource, Dialect dialect) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            if (dialect.tryLockDestination(connection)) {
                return new DestinationLock(connection, dialect);
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.close();
        return null;
    }

    /** Gives the lock back and the connection to its pool; later calls do nothing. */
    public void release() {
        if (!held.compareAndSet(true, false)) {
            return;
        }
        try {
            dialect.unlockDestination(connection);
            connection.close();
        } catch (SQLException e) {
            LOG.warn("could not release the destination lock ({}); closing its connection, which releases it",
                    e.getMessage());
            // a pooled connection that still held the lock would keep every other sync out
            try {
                connection.abort(Runnable::run);
            } catch (SQLException ignored) {
                // already closed, which released the lock too
            }
        }
    }
}
