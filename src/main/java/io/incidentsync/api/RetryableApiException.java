package io.incidentsync.api;

import io.incidentsync.run.SyncException;

/**
 * One attempt of a request failed in a way another attempt may fix (429, 5xx, a reset, a timeout, a body
 * that is not the promised JSON). The route's redelivery policy retries it; when the retries end,
 * {@link IncidentApi#retryAgain} gives it the one line the user sees.
 */
public final class RetryableApiException extends SyncException {

    private final String problem;
    private final Long waitMillis;
    private final boolean connectFailed;
    private volatile String line;

    RetryableApiException(String problem, Long waitMillis, boolean connectFailed) {
        super(problem);
        this.problem = problem;
        this.waitMillis = waitMillis;
        this.connectFailed = connectFailed;
    }

    /** What went wrong in this attempt, e.g. "HTTP 503". */
    public String problem() {
        return problem;
    }

    /** The wait the API asked for (a 429's Retry-After), or null for the policy's backoff. */
    public Long waitMillis() {
        return waitMillis;
    }

    public boolean connectFailed() {
        return connectFailed;
    }

    void giveUp(String finalLine) {
        this.line = finalLine;
    }

    @Override
    public String getMessage() {
        return line != null ? line : problem;
    }
}
