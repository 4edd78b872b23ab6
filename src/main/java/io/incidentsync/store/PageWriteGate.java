package io.incidentsync.store;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One page's write may be in flight (route write-page, on the writers' pool) while the next page is
 * converted; every other write, and the swap, waits for it first. A failed write fails the table at
 * its next wait.
 */
final class PageWriteGate {

    private final Semaphore writing = new Semaphore(1);
    private volatile Exception writeFailure;

    /** Before a page's write is handed on: waits for the one before, whose failure becomes this table's. */
    void beforeWrite() throws Exception {
        writing.acquire();
        if (writeFailure != null) {
            writing.release();
            throw writeFailure;
        }
    }

    /** The page's write has ended, with this failure or none. */
    void afterWrite(Exception failure) {
        if (failure != null && writeFailure == null) {
            writeFailure = failure;
        }
        writing.release();
    }

    /** Waits for the page write in flight, if any; its failure becomes this table's. */
    void awaitWrites() throws Exception {
        writing.acquire();
        writing.release();
        if (writeFailure != null) {
            throw writeFailure;
        }
    }

    /** Like {@link #awaitWrites()}, for a table already failing: never throws, waits 30 s at most. */
    void awaitWritesQuietly() {
        try {
            if (writing.tryAcquire(30, TimeUnit.SECONDS)) {
                writing.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
