package io.incidentsync.run;

/**
 * A failure that retrying will not fix (or that outlasted the retries). Its message is the one line
 * the user sees: cause and fix, never the API key.
 */
public class SyncException extends RuntimeException {

    private final boolean notFound;

    public SyncException(String message) {
        this(message, false);
    }

    public SyncException(String message, boolean notFound) {
        super(message, null, false, false);
        this.notFound = notFound;
    }

    /**
     * True for a 404. Only the first page of one parent's listing may skip it (the parent vanished
     * between two calls); anywhere else it fails the table, since the listing would be incomplete.
     */
    public boolean notFound() {
        return notFound;
    }
}
