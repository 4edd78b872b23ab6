package io.incidentsync.simulator;

import java.util.HashMap;
import java.util.Map;

/** The API's budgets: one bucket per key for every request, one more per key for the endpoints that have their own. */
final class RateLimiter {
    /** Why a request was refused: which budget, its size, and how long until it has a token again. */
    record Denial(String name, int limit, int remaining, long waitNanos) {
    }

    private final boolean enabled;
    private final int keyPerMinute;
    private final int endpointPerMinute;
    private final double timeScale;
    private final Map<String, TokenBucket> keyBuckets = new HashMap<>();
    private final Map<String, TokenBucket> endpointBuckets = new HashMap<>();

    RateLimiter(SimulatorConfig config) {
        this.enabled = config.rateLimits();
        this.keyPerMinute = config.keyRatePerMinute();
        this.endpointPerMinute = config.incidentsRatePerMinute();
        this.timeScale = config.timeScale();
    }

    /** Takes a token from every bucket the request draws on, or from none and says which one is empty. */
    synchronized Denial acquire(String key, String path, boolean ownBucket) {
        if (!enabled) {
            return null;
        }
        long now = System.nanoTime();
        TokenBucket keyBucket = keyBuckets.computeIfAbsent(key, k -> new TokenBucket(keyPerMinute, timeScale, now));
        if (!keyBucket.ready(now)) {
            return new Denial("api_key", keyBucket.capacity(), 0, keyBucket.nanosUntilToken());
        }
        TokenBucket endpointBucket = null;
        if (ownBucket) {
            endpointBucket = endpointBuckets.computeIfAbsent(key + " " + path,
                    k -> new TokenBucket(endpointPerMinute, timeScale, now));
            if (!endpointBucket.ready(now)) {
                return new Denial(path, endpointBucket.capacity(), 0, endpointBucket.nanosUntilToken());
            }
            endpointBucket.take();
        }
        keyBucket.take();
        return null;
    }

    int keyLimit() {
        return keyPerMinute;
    }
}
