package io.incidentsync.sync;

/**
 * A failure that retrying will not fix (or that outlasted the retries). Its message is the one line
 * the user sees: cause and fix, never the API key.
 */
public class SyncException extends RuntimeException {

    private final boolean skippable;

    public SyncException(String message) {
        this(message, false);
    }

    public SyncException(String message, boolean skippable) {
        super(message, null, false, false);
        this.skippable = skippable;
    }

    /** True for a 404 on a record that vanished between two calls: skip it, do not fail the table. */
    public boolean skippable() {
        return skippable;
    }
}
