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
    private String webhookUrl;
    private String webhookSecret;
    private java.time.Duration changeEvery;
    private int changeLimit;
    private java.time.Instant now;

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

    /**
     * Every change the simulated clock applies is POSTed to url as a webhook event, signed with secret
     * ({@code whsec_} and base64) the Svix way; see {@link Webhooks}.
     *
     * @throws IllegalArgumentException for a url that is not http(s) or a secret that is not whsec_ and base64
     */
    public SimulatorConfig webhook(String url, String secret) {
        Webhooks.key(secret);
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("a webhook URL must be an http or https URL");
        }
        this.webhookUrl = url;
        this.webhookSecret = secret;
        return this;
    }

    /**
     * Applies one random change (see {@link Changes#random}) every period of real time, after moving the simulated
     * clock on by the same period; null (the default) changes nothing on its own.
     */
    public SimulatorConfig changeEvery(java.time.Duration period) {
        if (period != null && (period.isNegative() || period.isZero())) {
            throw new IllegalArgumentException("changeEvery must be positive");
        }
        this.changeEvery = period;
        return this;
    }

    /** Stops the changes of {@link #changeEvery} after this many; 0 (the default) never stops. */
    public SimulatorConfig changeLimit(int changes) {
        if (changes < 0) {
            throw new IllegalArgumentException("changeLimit must not be negative");
        }
        this.changeLimit = changes;
        return this;
    }

    /**
     * The moment the data set leads up to: its records are spread over the year before it, and its simulated clock
     * starts there. Unset, it is the system property {@code incident.simulator.now} (RFC 3339, as the tests set it
     * so that their data stays the same), else the time the simulator starts.
     */
    public SimulatorConfig now(java.time.Instant now) {
        this.now = now;
        return this;
    }

    /** The moment set by {@link #now(java.time.Instant)} or the system property, else this instant (to the second). */
    public java.time.Instant now() {
        if (now != null) {
            return now;
        }
        String pinned = System.getProperty("incident.simulator.now", "");
        return pinned.isBlank() ? java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                : java.time.Instant.parse(pinned.trim());
    }

    public String webhookUrl() {
        return webhookUrl;
    }

    /** Package-private: the secret is handed to the sender only, never shown. */
    String webhookSecret() {
        return webhookSecret;
    }

    public java.time.Duration changeEvery() {
        return changeEvery;
    }

    public int changeLimit() {
        return changeLimit;
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
