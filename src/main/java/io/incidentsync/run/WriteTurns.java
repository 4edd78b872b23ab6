package io.incidentsync.run;

import java.util.concurrent.TimeUnit;

/** A sync and a webhook refresh in this process never write at once: each waits for the other's turn to end. */
final class WriteTurns {

    private int syncsWriting;
    private boolean refreshing;

    /** A sync begins: it waits for a refresh in this process (a second or so) rather than fail, up to a minute. */
    synchronized void syncBegins() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (refreshing && System.nanoTime() < deadline) {
            wait(100);
        }
        syncsWriting++;
    }

    synchronized void syncEnds() {
        syncsWriting--;
        notifyAll();
    }

    /** A refresh begins once no sync of this process writes; false when the context stopped while it waited. */
    synchronized boolean refreshBegins(org.apache.camel.CamelContext context) throws InterruptedException {
        while (syncsWriting > 0 || refreshing) {
            if (!context.getStatus().isStarted()) {
                return false;
            }
            wait(200);
        }
        refreshing = true;
        return true;
    }

    synchronized void refreshEnds() {
        refreshing = false;
        notifyAll();
    }
}
