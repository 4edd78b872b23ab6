package io.incidentsync.config;

import io.incidentsync.run.Streams;
import io.incidentsync.webhooks.WebhookReceiver;
import io.incidentsync.run.IncidentSync;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The product's configuration keys, their defaults and their checks. Values come from a lookup
 * (Camel's properties, which read {@code application.properties} and let the environment variable
 * named after each key override it); {@link #validate()} reports every problem before a table is touched.
 */
public final class Settings {

    /** Every key, in the order docs/configuration.md documents them, with its default (null: no default). */
    public static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("incident.api.url", "https://api.incident.io");
        DEFAULTS.put("incident.api.key", null);
        DEFAULTS.put("incident.db.url", "jdbc:h2:file:./data/incident");
        DEFAULTS.put("incident.db.user", "");
        DEFAULTS.put("incident.db.password", "");
        DEFAULTS.put("incident.streams", String.join(",", Streams.ALL));
        DEFAULTS.put("incident.schedule", "0 0 * * * ?");
        DEFAULTS.put("incident.sync.concurrency", "4");
        DEFAULTS.put("incident.http.max-attempts", "8");
        DEFAULTS.put("incident.http.max-wait-seconds", "120");
        DEFAULTS.put("incident.http.initial-backoff-millis", "500");
        DEFAULTS.put("incident.http.connect-timeout-seconds", "10");
        DEFAULTS.put("incident.http.read-timeout-seconds", "60");
        DEFAULTS.put("incident.rate.per-minute", "1200");
        DEFAULTS.put("incident.rate.incidents-per-minute", "60");
        DEFAULTS.put("incident.rate.window-seconds", "60");
        DEFAULTS.put("incident.cluster.enabled", "false");
        DEFAULTS.put("incident.cluster.checkin-millis", "5000");
        DEFAULTS.put("incident.h2.copy-swap-max-mb", "32");
        DEFAULTS.put("incident.server.port", "8080");
        DEFAULTS.put("incident.log.progress-seconds", "10");
        DEFAULTS.put("incident.arrays", "tables,json");
        DEFAULTS.put("incident.schedule-entries.window", "30,30");
        DEFAULTS.put("incident.incremental.lookback", "1d");
        DEFAULTS.put("incident.full-refresh.schedule", "0 0 3 * * ?");
        DEFAULTS.put("incident.sync.full", "false");
        DEFAULTS.put("incident.webhook.secret", null);
        DEFAULTS.put("incident.destinations", "");
        DEFAULTS.put("incident.routes.extra", "");
        DEFAULTS.put("incident.columns.exclude", "");
    }

    private final Function<String, String> lookup;

    public Settings(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /** The environment variable that overrides a key: upper case, dots and dashes as underscores. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String get(String key) {
        String value = lookup.apply(key);
        if (value == null || value.isBlank()) {
            value = DEFAULTS.get(key);
        }
        return value == null ? null : value.trim();
    }

    public String apiUrl() {
        String url = get("incident.api.url");
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public String apiKey() {
        return get("incident.api.key");
    }

    public String dbUrl() {
        return get("incident.db.url");
    }

    public String dbUser() {
        return get("incident.db.user");
    }

    public String dbPassword() {
        return get("incident.db.password");
    }

    public List<String> streams() {
        return list("incident.streams");
    }

    /**
     * The columns left out everywhere besides {@code alert_sources.secret_token}: {@code table.column} entries, a
     * table's or a child table's, comma-separated.
     */
    public List<String> columnsExclude() {
        return list("incident.columns.exclude");
    }

    /** The comma-separated entries of a key, trimmed, blank ones left out. */
    private List<String> list(String key) {
        List<String> out = new ArrayList<>();
        for (String entry : get(key).split(",")) {
            if (!entry.isBlank()) {
                out.add(entry.trim());
            }
        }
        return out;
    }

    public int concurrency() {
        return intValue("incident.sync.concurrency");
    }

    public int maxAttempts() {
        return intValue("incident.http.max-attempts");
    }

    public long maxWaitMillis() {
        return intValue("incident.http.max-wait-seconds") * 1000L;
    }

    public long initialBackoffMillis() {
        return intValue("incident.http.initial-backoff-millis");
    }

    public int connectTimeoutSeconds() {
        return intValue("incident.http.connect-timeout-seconds");
    }

    public int readTimeoutSeconds() {
        return intValue("incident.http.read-timeout-seconds");
    }

    public double ratePerMinute() {
        return Double.parseDouble(get("incident.rate.per-minute"));
    }

    public double incidentsRatePerMinute() {
        return Double.parseDouble(get("incident.rate.incidents-per-minute"));
    }

    /** The window the API counts its limits over: a budget sends at most a window's worth at once. */
    public double rateWindowSeconds() {
        return Double.parseDouble(get("incident.rate.window-seconds"));
    }

    /**
     * Camel endpoint URIs every record of every table is sent to, besides the SQL tables. Split at every
     * comma: a comma inside a URI's option is written {@code %2C}, which Camel decodes.
     */
    public List<String> destinations() {
        return list("incident.destinations");
    }

    /**
     * H2 only: the most text (in millions of characters) a table's new rows may hold and still replace
     * the live rows by a copy in one transaction; a larger table is renamed into place instead.
     */
    public long h2CopySwapMaxChars() {
        return intValue("incident.h2.copy-swap-max-mb") * 1_000_000L;
    }

    /** How often a table that runs longer logs its progress (incident.log.progress-seconds). */
    public long progressSeconds() {
        return intValue("incident.log.progress-seconds");
    }

    /** run mode's HTTP port for health and metrics (incident.server.port); 0 turns it off. */
    public int serverPort() {
        return intValue("incident.server.port");
    }

    /** What becomes of a record's arrays (incident.arrays): child tables, JSON columns, or both. */
    public record ArrayMode(boolean tables, boolean json) {
        public static final ArrayMode BOTH = new ArrayMode(true, true);
    }

    public ArrayMode arrays() {
        List<String> parts = new ArrayList<>();
        for (String part : get("incident.arrays").split(",")) {
            if (!part.isBlank()) {
                parts.add(part.trim().toLowerCase(Locale.ROOT));
            }
        }
        return new ArrayMode(parts.contains("tables"), parts.contains("json"));
    }

    /**
     * The window a windowed listing is read over, such as schedule entries' (incident.schedule-entries.window,
     * {@code BACK,AHEAD} in days): from midnight UTC of today less BACK days to midnight UTC of today plus AHEAD days, so that
     * every sync of one day reads the same window.
     */
    public java.time.Instant[] window(String key, java.time.Instant now) {
        String[] parts = get(key).split(",");
        java.time.Instant today = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        return new java.time.Instant[] {
                today.minus(java.time.Duration.ofDays(Integer.parseInt(parts[0].trim()))),
                today.plus(java.time.Duration.ofDays(Integer.parseInt(parts[1].trim())))};
    }

    /**
     * How far before the last cursor an incremental read starts (incident.incremental.lookback): the API
     * filters {@code updated_at} by date, so the day of the cursor is read again; {@code 1d}, {@code 12h},
     * {@code 30m} or an ISO-8601 duration such as {@code P2D}.
     */
    public java.time.Duration incrementalLookback() {
        return duration(get("incident.incremental.lookback"));
    }

    private static java.time.Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d{1,6}[dhm]")) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 'd' -> java.time.Duration.ofDays(n);
                case 'h' -> java.time.Duration.ofHours(n);
                default -> java.time.Duration.ofMinutes(n);
            };
        }
        java.time.Duration d = java.time.Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        if (d.isNegative()) {
            throw new java.time.format.DateTimeParseException("negative", text, 0);
        }
        return d;
    }

    /**
     * When a full refresh is due (incident.full-refresh.schedule, a Quartz cron in UTC): the next time the
     * cron fires after the last full refresh. A run at or after it reads every record again.
     */
    public java.time.Instant fullRefreshAfter(java.time.Instant lastFull) {
        try {
            org.quartz.CronExpression cron = new org.quartz.CronExpression(get("incident.full-refresh.schedule"));
            cron.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
            java.util.Date next = cron.getTimeAfter(java.util.Date.from(lastFull));
            return next == null ? java.time.Instant.MAX : next.toInstant();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when this run must read every table in full (sync --full, incident.sync.full). */
    /** The webhook signing secret (whsec_...), or null when webhooks are off. Never logged. */
    public String webhookSecret() {
        return get("incident.webhook.secret");
    }

    public boolean forceFull() {
        return Boolean.parseBoolean(get("incident.sync.full").trim());
    }

    private int intValue(String key) {
        return Integer.parseInt(get(key));
    }

    /**
     * Every configuration problem, each as one line that names the cause and the fix. Empty when
     * the configuration can run. Never includes the API key or the database password.
     */
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        String key = apiKey();
        if (key == null || key.isBlank()) {
            problems.add("no API key: set INCIDENT_API_KEY (or incident.api.key in application.properties) "
                    + "to a key made at https://app.incident.io/settings/api-keys");
        }
        if (key != null && !key.isBlank()) {
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (c < 0x21 || c > 0x7E) {
                    // the key itself is never printed, only where it went wrong
                    problems.add("the API key in incident.api.key (INCIDENT_API_KEY) holds "
                            + (c == '\n' || c == '\r' ? "a line break" : Character.isWhitespace(c) ? "a space"
                            : "a character that is not printable ASCII") + " at position " + (i + 1)
                            + ": copy the key again, whole and alone, from https://app.incident.io/settings/api-keys");
                    break;
                }
            }
        }
        String url = get("incident.api.url");
        URI uri = null;
        try {
            uri = new URI(url);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (Exception e) {
            uri = null;
            problems.add("malformed API URL '" + url + "' in incident.api.url (INCIDENT_API_URL): "
                    + "give an http(s) URL such as https://api.incident.io");
        }
        if (uri != null && (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null)) {
            // paths are appended to it, so a query or fragment would swallow them; user info would be sent as a second secret
            problems.add("the API URL in incident.api.url (INCIDENT_API_URL) carries "
                    + (uri.getRawUserInfo() != null ? "user information" : uri.getRawQuery() != null ? "a query string" : "a fragment")
                    + ": give only the API's root, such as https://api.incident.io");
        }
        String db = dbUrl();
        String cluster = get("incident.cluster.enabled");
        if (!cluster.equals("true") && !cluster.equals("false")) {
            problems.add("'" + cluster + "' is neither true nor false for incident.cluster.enabled (INCIDENT_CLUSTER_ENABLED)");
        } else if (cluster.equals("true") && !db.startsWith("jdbc:postgresql:")) {
            problems.add("incident.cluster.enabled needs a PostgreSQL destination that every instance shares: "
                    + "set incident.db.url (INCIDENT_DB_URL) to jdbc:postgresql://...");
        }
        if (!db.startsWith("jdbc:h2:") && !db.startsWith("jdbc:postgresql:") && !db.startsWith("jdbc:mariadb:")
                && !db.startsWith("jdbc:mysql:")) {
            problems.add("unsupported database URL '" + IncidentSync.redact(db) + "' in incident.db.url (INCIDENT_DB_URL): "
                    + "give an H2, PostgreSQL, MariaDB or MySQL JDBC URL, e.g. jdbc:h2:file:./data/incident, "
                    + "jdbc:postgresql://host:5432/db or jdbc:mariadb://host:3306/db");
        }
        List<String> unknown = new ArrayList<>(streams());
        unknown.removeAll(Streams.ALL);
        if (!unknown.isEmpty()) {
            problems.add("unknown stream name(s) " + unknown + " in incident.streams (INCIDENT_STREAMS): "
                    + "choose from " + String.join(",", Streams.ALL));
        }
        for (String entry : columnsExclude()) {
            int dot = entry.indexOf('.');
            if (!entry.matches("[a-z0-9_]+\\.[a-z0-9_]+")) {
                problems.add("'" + entry + "' in incident.columns.exclude (INCIDENT_COLUMNS_EXCLUDE) is not table.column: "
                        + "write, e.g., incidents.creator__user__email or incidents__incident_role_assignments.assignee__email");
            } else if (io.incidentsync.api.LeftOut.rootOf(entry.substring(0, dot), Streams.ALL) == null) {
                problems.add("'" + entry + "' in incident.columns.exclude (INCIDENT_COLUMNS_EXCLUDE) names no table of ours: "
                        + "the table must be one of " + String.join(",", Streams.ALL) + " or one of their child tables");
            }
        }
        if (streams().isEmpty()) {
            problems.add("no stream enabled: incident.streams (INCIDENT_STREAMS) is empty; "
                    + "leave it unset for every table");
        }
        for (String k : Arrays.asList("incident.sync.concurrency", "incident.http.max-attempts",
                "incident.http.max-wait-seconds", "incident.http.initial-backoff-millis",
                "incident.http.connect-timeout-seconds", "incident.http.read-timeout-seconds",
                "incident.cluster.checkin-millis", "incident.log.progress-seconds")) {
            try {
                if (intValue(k) < 1) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add("'" + get(k) + "' is not a positive whole number for " + k + " (" + envName(k) + ")");
            }
        }
        List<String> arrayParts = new ArrayList<>(Arrays.asList(get("incident.arrays").toLowerCase(Locale.ROOT).split("\\s*,\\s*")));
        arrayParts.removeAll(List.of("tables", "json"));
        if (!arrayParts.isEmpty() || !(arrays().tables() || arrays().json())) {
            problems.add("'" + get("incident.arrays") + "' is not a choice for incident.arrays (INCIDENT_ARRAYS): give"
                    + " tables,json (child tables and JSON columns), tables or json");
        }
        String window = get("incident.schedule-entries.window");
        if (!window.matches("\\s*\\d{1,4}\\s*,\\s*\\d{1,4}\\s*")) {
            problems.add("'" + window + "' is not a window for incident.schedule-entries.window"
                    + " (INCIDENT_SCHEDULE_ENTRIES_WINDOW): give days back and days ahead, such as 30,30");
        }
        try {
            incrementalLookback();
        } catch (RuntimeException e) {
            problems.add("'" + get("incident.incremental.lookback") + "' is not a duration for incident.incremental.lookback"
                    + " (INCIDENT_INCREMENTAL_LOOKBACK): give days, hours or minutes such as 1d, 12h or 30m");
        }
        if (!org.quartz.CronExpression.isValidExpression(get("incident.full-refresh.schedule"))) {
            problems.add("'" + get("incident.full-refresh.schedule") + "' is not a Quartz cron expression for"
                    + " incident.full-refresh.schedule (INCIDENT_FULL_REFRESH_SCHEDULE): such as 0 0 3 * * ? (daily at 03:00 UTC)");
        }
        String full = get("incident.sync.full").trim();
        if (!full.equals("true") && !full.equals("false")) {
            problems.add("'" + full + "' is neither true nor false for incident.sync.full (INCIDENT_SYNC_FULL)");
        }
        String secretProblem = WebhookReceiver.problem(webhookSecret());
        if (secretProblem != null) {
            problems.add(secretProblem);
        }
        String extra = get("incident.routes.extra");
        if (!extra.isEmpty() && !java.nio.file.Files.isDirectory(java.nio.file.Path.of(extra))) {
            problems.add("incident.routes.extra (INCIDENT_ROUTES_EXTRA) names '" + extra + "', which is not a directory;"
                    + " point it at the directory holding your *.camel.yaml files");
        }
        try {
            if (intValue("incident.h2.copy-swap-max-mb") < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            problems.add("'" + get("incident.h2.copy-swap-max-mb") + "' is not a whole number of at least 0 for"
                    + " incident.h2.copy-swap-max-mb (INCIDENT_H2_COPY_SWAP_MAX_MB)");
        }
        try {
            int port = intValue("incident.server.port");
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            problems.add("'" + get("incident.server.port") + "' is not a port (0 to 65535; 0 turns the HTTP port off) for"
                    + " incident.server.port (INCIDENT_SERVER_PORT)");
        }
        for (String k : Arrays.asList("incident.rate.per-minute", "incident.rate.incidents-per-minute",
                "incident.rate.window-seconds")) {
            try {
                if (Double.parseDouble(get(k)) <= 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add("'" + get(k) + "' is not a positive number for " + k + " (" + envName(k) + ")");
            }
        }
        return problems;
    }
}
