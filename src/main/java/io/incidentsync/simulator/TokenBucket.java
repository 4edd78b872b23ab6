package io.incidentsync.simulator;

/** A token bucket: holds up to capacity tokens and refills continuously at capacity per (scaled) minute. */
final class TokenBucket {
    private final int capacity;
    private final double tokensPerNano;
    private double tokens;
    private long last;

    TokenBucket(int perMinute, double timeScale, long nowNanos) {
        this.capacity = perMinute;
        this.tokensPerNano = perMinute / 60e9 * timeScale;
        this.tokens = perMinute;
        this.last = nowNanos;
    }

    int capacity() {
        return capacity;
    }

    /** Refills up to now and tells whether a whole token is there, without taking it. */
    boolean ready(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - last) * tokensPerNano);
        last = nowNanos;
        return tokens >= 1;
    }

    void take() {
        tokens -= 1;
    }

    int remaining() {
        return (int) Math.floor(tokens);
    }

    /** Real nanoseconds until a whole token is back. */
    long nanosUntilToken() {
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / tokensPerNano);
    }
}
