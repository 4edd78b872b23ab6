package io.incidentsync.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a {@link Simulator} serves and how strictly it behaves. Mutable; setters return this. */
public final class SimulatorConfig {
    private long seed = 1;
    private int incidents = 100;
    private final Map<String, Boolean> keys = new LinkedHashMap<>();
    private int keyRatePerMinute = 1200;
    private int incidentsRatePerMinute = 60;
    private boolean rateLimits = true;
    private double timeScale = 1.0;
    private int latencyMillis;

    public SimulatorConfig seed(long seed) {
        this.seed = seed;
        return this;
    }

    public SimulatorConfig incidents(int incidents) {
        if (incidents < 1) {
            throw new IllegalArgumentException("incidents must be at least 1");
        }
        this.incidents = incidents;
        return this;
    }

    /** Accepts this bearer key; privateScope grants "View all incident data, including private incidents". */
    public SimulatorConfig addKey(String key, boolean privateScope) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("an API key must not be blank");
        }
        keys.put(key, privateScope);
        return this;
    }

    public SimulatorConfig keyRatePerMinute(int perMinute) {
        this.keyRatePerMinute = positive(perMinute, "keyRatePerMinute");
        return this;
    }

    public SimulatorConfig incidentsRatePerMinute(int perMinute) {
        this.incidentsRatePerMinute = positive(perMinute, "incidentsRatePerMinute");
        return this;
    }

    public SimulatorConfig rateLimits(boolean enabled) {
        this.rateLimits = enabled;
        return this;
    }

    /** 60 makes the buckets refill sixty times faster: one simulated minute per real second. */
    public SimulatorConfig timeScale(double scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("timeScale must be positive");
        }
        this.timeScale = scale;
        return this;
    }

    public SimulatorConfig latencyMillis(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("latencyMillis must not be negative");
        }
        this.latencyMillis = millis;
        return this;
    }

    public long seed() {
        return seed;
    }

    public int incidents() {
        return incidents;
    }

    /** Key to whether it has the private-incidents scope. */
    public Map<String, Boolean> keys() {
        return Map.copyOf(keys);
    }

    public int keyRatePerMinute() {
        return keyRatePerMinute;
    }

    public int incidentsRatePerMinute() {
        return incidentsRatePerMinute;
    }

    public boolean rateLimits() {
        return rateLimits;
    }

    public double timeScale() {
        return timeScale;
    }

    public int latencyMillis() {
        return latencyMillis;
    }

    private static int positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return value;
    }
}
