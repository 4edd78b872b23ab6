package io.incidentsync.store;

import java.sql.SQLException;

/** A database error met while building statements (a read), carried through an iterator. */
final class SyncSqlException extends RuntimeException {
    SyncSqlException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
