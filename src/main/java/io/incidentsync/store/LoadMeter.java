package io.incidentsync.store;

import io.incidentsync.api.IncidentApi;

/**
 * What one table's load has done so far, for its progress line, its {@code _sync_runs} row and the
 * metrics: records and pages read, requests, retries, answers rate limited, time waited for the rate
 * budget, time since it started.
 */
public abstract class LoadMeter implements IncidentApi.ApiMeter {

    private final long startedNanos = System.nanoTime();
    private volatile long pages;
    private long requests;
    private long retries;
    private long rateLimited;
    private long budgetWaitNanos;
    private volatile long recordsRead;

    /** One more record read. */
    void countRecord() {
        recordsRead++;
    }

    /** One more page ended. */
    void countPage() {
        pages++;
    }

    // counted from the attempt's thread
    @Override
    public synchronized void request() {
        requests++;
    }

    @Override
    public synchronized void retry() {
        retries++;
    }

    @Override
    public synchronized void rateLimited() {
        rateLimited++;
    }

    @Override
    public synchronized void waitedForBudget(long nanos) {
        budgetWaitNanos += nanos;
    }

    /** How long this table's requests waited for the shared rate budget, in all. */
    public synchronized double budgetWaitSeconds() {
        return budgetWaitNanos / 1e9;
    }

    /** Records read from the API so far (before the swap; {@link TableLoad#rows()} is the table's rows after it). */
    public long recordsRead() {
        return recordsRead;
    }

    public synchronized long rateLimitedCount() {
        return rateLimited;
    }

    public long pages() {
        return pages;
    }

    public synchronized long requests() {
        return requests;
    }

    public synchronized long retries() {
        return retries;
    }

    public double seconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
