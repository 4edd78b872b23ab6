package io.incidentsync.simulator;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The published state of the simulated clock and its changes, swapped whole once per change batch.
 *
 * <p>Records are generated on demand from deep inside the generators (an incident update asks for its incident's
 * facts, an escalation for its incident), so instead of handing a state down every call, a request pins the overlay
 * it started with to its thread: every read during that request sees that one overlay, whatever batches are
 * published meanwhile. A thread that pinned nothing reads the latest.
 */
final class Timeline {
    /** Undoes a pin; closing it restores what the thread had pinned before. */
    interface Pin extends AutoCloseable {
        @Override
        void close();
    }

    private final AtomicReference<Overlay> published;
    private final ThreadLocal<Overlay> pinned = new ThreadLocal<>();

    Timeline(Overlay initial) {
        this.published = new AtomicReference<>(initial);
    }

    /** The overlay this thread pinned, or the latest published one. */
    Overlay current() {
        Overlay overlay = pinned.get();
        return overlay != null ? overlay : published.get();
    }

    Overlay published() {
        return published.get();
    }

    /** Pins the latest published overlay to this thread until the pin is closed. */
    Pin pin() {
        return pin(published.get());
    }

    /** Pins overlay (also one still being built, for the thread building it) until the pin is closed. */
    Pin pin(Overlay overlay) {
        Overlay previous = pinned.get();
        pinned.set(overlay);
        return () -> {
            if (previous == null) {
                pinned.remove();
            } else {
                pinned.set(previous);
            }
        };
    }

    /** Makes next the state every new request sees. Only the thread that builds batches calls this. */
    void publish(Overlay next) {
        published.set(next);
    }
}
