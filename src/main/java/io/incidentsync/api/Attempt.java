package io.incidentsync.api;

import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.core5.concurrent.Cancellable;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** One attempt's execution: cut off when its deadline passes or the application stops. */
final class Attempt {
    private final ScheduledExecutorService watchdog;
    private final long readTimeoutMillis;
    private volatile Object runtime;
    private volatile ScheduledFuture<?> timer;
    private volatile boolean expired;
    private volatile boolean cancelled;

    Attempt(ScheduledExecutorService watchdog, long readTimeoutMillis) {
        this.watchdog = watchdog;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /** True when the attempt was cut off at its deadline. */
    boolean expired() {
        return expired;
    }

    synchronized void bind(ExecRuntime execution) {
        runtime = execution;
        if (cancelled) {
            cut(execution);
        }
        if (timer == null && watchdog != null) {
            // the deadline covers the whole attempt, redirects and body included
            timer = watchdog.schedule(() -> {
                expired = true;
                cancel();
            }, readTimeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    synchronized void cancel() {
        cancelled = true;
        if (runtime != null) {
            cut(runtime);
        }
    }

    private void cut(Object execution) {
        if (execution instanceof Cancellable c) {
            c.cancel();
        } else if (execution instanceof ExecRuntime r) {
            r.discardEndpoint();
        }
    }

    void done() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
