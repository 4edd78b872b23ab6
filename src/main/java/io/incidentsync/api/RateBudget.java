package io.incidentsync.api;

import io.incidentsync.config.Settings;
import java.util.Map;

/**
 * Our side of incident.io's rate limits: one token bucket for the key and one per rate-limited
 * endpoint, shared by every stream of the process, so that a sync at the defaults never meets a 429.
 * A bucket holds a window's worth of requests (the API counts a minute), less a sixtieth (a second's
 * refill), and refills continuously, as the API's does.
 */
public final class RateBudget {

    private final Bucket key;
    private final Map<String, Bucket> endpoints;

    public RateBudget(double perMinute, Map<String, Double> endpointPerMinute) {
        this(perMinute, endpointPerMinute, 60);
    }

    public RateBudget(double perMinute, Map<String, Double> endpointPerMinute, double windowSeconds) {
        this.key = new Bucket(perMinute, windowSeconds);
        this.endpoints = new java.util.HashMap<>();
        endpointPerMinute.forEach((path, rate) -> endpoints.put(path, new Bucket(rate, windowSeconds)));
    }

    public static RateBudget of(Settings settings) {
        return new RateBudget(settings.ratePerMinute(),
                Map.of("/v2/incidents", settings.incidentsRatePerMinute()), settings.rateWindowSeconds());
    }

    /**
     * {@link #acquire(String)} for the exchange's table, which is told how long it waited (the
     * progress lines say so).
     */
    public void acquire(org.apache.camel.Exchange exchange, String path) throws InterruptedException {
        long started = System.nanoTime();
        acquire(path);
        long waited = System.nanoTime() - started;
        IncidentApi.ApiMeter meter = ApiRequest.meterOf(exchange);
        if (meter != null && waited > 1_000_000) {
            meter.waitedForBudget(waited);
        }
    }

    /** Blocks until both the key and the endpoint may send one more request, then spends a token of each. */
    public void acquire(String path) throws InterruptedException {
        Bucket endpoint = endpoints.get(path);
        while (true) {
            long waitNanos;
            synchronized (this) {
                long now = System.nanoTime();
                key.refill(now);
                if (endpoint != null) {
                    endpoint.refill(now);
                }
                if (key.tokens >= 1 && (endpoint == null || endpoint.tokens >= 1)) {
                    key.tokens -= 1;
                    if (endpoint != null) {
                        endpoint.tokens -= 1;
                    }
                    return;
                }
                waitNanos = Math.max(key.nanosUntilToken(), endpoint == null ? 0 : endpoint.nanosUntilToken());
            }
            Thread.sleep(Math.max(1, (waitNanos + 999_999) / 1_000_000));
        }
    }

    private static final class Bucket {
        final double capacity;
        final double perNano;
        double tokens;
        long last = System.nanoTime();

        Bucket(double perMinute, double windowSeconds) {
            // A sixtieth of the window held back (a second's refill, on the API's minute): requests reach the API
            // up to that much later or sooner than they left here, and without it a stream at the edge of an
            // empty bucket meets a 429 on every such jitter.
            this.capacity = Math.max(1, perMinute * windowSeconds / 60 * 59 / 60);
            this.perNano = perMinute / 60e9;
            this.tokens = capacity;
        }

        void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
        }

        long nanosUntilToken() {
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
        }
    }
}
