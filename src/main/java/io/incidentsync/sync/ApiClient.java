package io.incidentsync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one page of a listing from the incident.io API: spends the rate budget, sends the bearer key,
 * retries what a retry can fix (429 after the time the API asks for; 5xx, resets, timeouts and bodies
 * that are not the promised JSON with exponential backoff and jitter), and turns what it cannot fix into
 * one line naming the cause and the fix. The key is only ever placed in the Authorization header.
 */
public final class ApiClient {

    private static final Logger LOG = LoggerFactory.getLogger(ApiClient.class);
    /** Bodies above this size are kept in a temporary file rather than in memory. */
    private static final int MEMORY_LIMIT = 4 * 1024 * 1024;
    private static final Pattern SCOPE_IN_MESSAGE = Pattern.compile("scope:\\s*['\"]?(.+?)['\"]?\\.?\\s*$");
    private static final DateTimeFormatter RFC_1123_ANY_ZONE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss zzz", Locale.US);

    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)\\S+");
    /**
     * The JDK's HttpClient logs request headers verbatim when the JVM runs with
     * {@code -Djdk.httpclient.HttpClient.log=headers} (or {@code all}), through this java.util.logging logger;
     * its filter masks the bearer key before any handler sees a record. Held here so it is never collected.
     */
    private static final java.util.logging.Logger JDK_HTTP_LOG = java.util.logging.Logger.getLogger("jdk.httpclient.HttpClient");

    static {
        JDK_HTTP_LOG.setFilter(record -> {
            record.setMessage(maskBearer(record.getMessage()));
            Object[] parameters = record.getParameters();
            if (parameters != null) {
                Object[] masked = parameters.clone();
                for (int i = 0; i < masked.length; i++) {
                    if (masked[i] != null) {
                        masked[i] = maskBearer(String.valueOf(masked[i]));
                    }
                }
                record.setParameters(masked);
            }
            return true;
        });
    }

    private final String baseUrl;
    /** Set when connecting failed through every attempt: why the API cannot be reached in this run. */
    private volatile String unreachable;
    private final String authorization;
    private final RateBudget budget;
    private final HttpClient http;
    private final Duration readTimeout;
    private final int maxAttempts;
    private final long maxWaitMillis;
    private final long initialBackoffMillis;
    /** scheme://host:port of incident.api.url: the only place the key is sent. */
    private final String origin;
    /** Closes a response body whose deadline has passed, so a trickling or endless body cannot hang a table. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "incident-sync-http-deadline");
        thread.setDaemon(true);
        return thread;
    });
    private static final int MAX_REDIRECTS = 5;
    private static final String STOPPED = "stopped: the process is shutting down; the table keeps its previous rows";
    /** Set once the application stops: requests in flight are abandoned and no new one is sent. */
    private volatile boolean stopping;
    /** What {@link #stop()} closes: requests awaiting their headers and bodies being read. */
    private final Set<Closeable> inFlight = ConcurrentHashMap.newKeySet();
    private final Object pause = new Object();
    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}(\\.\\d*)?");

    public ApiClient(Settings settings, RateBudget budget) {
        this.baseUrl = settings.apiUrl();
        this.authorization = "Bearer " + settings.apiKey();
        this.budget = budget;
        this.readTimeout = Duration.ofSeconds(settings.readTimeoutSeconds());
        this.maxAttempts = settings.maxAttempts();
        this.maxWaitMillis = settings.maxWaitMillis();
        this.initialBackoffMillis = settings.initialBackoffMillis();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(settings.connectTimeoutSeconds()))
                // redirects are followed by hand, and only on the configured host: the key goes nowhere else
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.origin = origin(URI.create(baseUrl));
    }

    /** Counts what a table's requests cost, for the log and {@code _sync_runs}. */
    public interface Meter {
        void request();

        void retry();
    }

    /**
     * GETs {@code path} with the query parameters and returns the checked page. A 404 throws a
     * {@link SyncException} that is {@link SyncException#notFound() notFound}: only the caller knows
     * whether a vanished record may be skipped there.
     */
    public Page get(String path, List<Map.Entry<String, String>> query, String arrayKey, Meter meter)
            throws InterruptedException {
        URI uri = URI.create(baseUrl + path + queryString(query));
        String what = describe(path, query);
        String lastProblem = "";
        boolean connectFailed = false;
        for (int attempt = 1; ; attempt++) {
            if (stopping) {
                throw new SyncException(STOPPED);
            }
            String down = unreachable;
            if (down != null) {
                // the same words for every table stopped here, so they share one line
                throw new SyncException("stopped: " + down);
            }
            long waitMillis;
            connectFailed = false;
            budget.acquire(path);
            meter.request();
            try {
                Answer answer = send(uri, path);
                int status = answer.status;
                Page.Body body = answer.body;
                if (status == 200) {
                    try {
                        return Page.parse(body, arrayKey);
                    } catch (Page.MalformedBodyException e) {
                        lastProblem = "a body that is not the JSON " + path + " promises (" + e.getMessage()
                                + "); it began: " + answer.head();
                        body.delete();
                        waitMillis = backoff(attempt);
                    }
                } else if (status == 429) {
                    lastProblem = "429 Too Many Requests";
                    waitMillis = retryAfter(answer.response, body).orElse(backoff(attempt));
                    body.delete();
                } else if (status >= 500) {
                    lastProblem = "HTTP " + status;
                    body.delete();
                    waitMillis = backoff(attempt);
                } else {
                    throw permanent(status, path, what, body);
                }
            } catch (HttpTimeoutException e) {
                lastProblem = "no complete answer within " + readTimeout.toSeconds() + " s (incident.http.read-timeout-seconds)";
                waitMillis = backoff(attempt);
            } catch (ConnectException e) {
                lastProblem = "cannot connect to " + baseUrl + " (check incident.api.url and the network)";
                connectFailed = true;
                waitMillis = backoff(attempt);
            } catch (IOException e) {
                lastProblem = "the connection was reset or closed before a complete answer ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
                waitMillis = backoff(attempt);
            }
            if (stopping) {
                throw new SyncException(STOPPED);
            }
            if (attempt >= maxAttempts) {
                if (connectFailed) {
                    // the host is down for every table: the others fail at once rather than each retrying
                    unreachable = "the API at " + baseUrl + " could not be reached in " + attempts(attempt)
                            + "; check incident.api.url (INCIDENT_API_URL) and the network";
                }
                throw new SyncException(what + " failed after " + attempts(attempt) + ", last with " + lastProblem
                        + "; if the trouble is passing, run again or raise incident.http.max-attempts");
            }
            meter.retry();
            LOG.debug("{}: {}; retrying in {} ms (attempt {} of {})", what, lastProblem, waitMillis, attempt + 1, maxAttempts);
            pause(Math.min(waitMillis, maxWaitMillis));
        }
    }

    /** Waits between two attempts, or until the application stops. */
    private void pause(long millis) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        synchronized (pause) {
            for (long left = millis; !stopping && left > 0; left = until - System.currentTimeMillis()) {
                pause.wait(left);
            }
        }
    }

    /**
     * Abandons every request in flight and refuses new ones, so that a stopping application (SIGTERM)
     * ends its tables at once, each keeping its previous rows, instead of waiting out read timeouts.
     */
    public void stop() {
        stopping = true;
        for (Closeable request : inFlight) {
            try {
                request.close();
            } catch (IOException ignored) {
                // it is being abandoned either way
            }
        }
        synchronized (pause) {
            pause.notifyAll();
        }
    }

    /** A response whose body has been read in full. */
    private static final class Answer {
        final HttpResponse<?> response;
        final int status;
        final Page.Body body;

        Answer(HttpResponse<?> response, Page.Body body) {
            this.response = response;
            this.status = response.statusCode();
            this.body = body;
        }

        /** The body's first characters for a message, or what it is when it is not text. */
        String head() {
            String head = body.head(80);
            boolean text = head.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD && c != 0x7F);
            if (text) {
                return "'" + head + "'";
            }
            String encoding = response.headers().firstValue("Content-Encoding").orElse("");
            return "binary data" + (encoding.isEmpty() ? "" : " (Content-Encoding: " + encoding + ")");
        }
    }

    /**
     * Sends one GET and reads its whole answer within the read timeout, following redirects that stay
     * on the configured host. A redirect elsewhere is refused: the key would go with it.
     */
    private Answer send(URI uri, String path) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + readTimeout.toNanos();
        for (int redirects = 0; ; redirects++) {
            HttpRequest request;
            try {
                request = HttpRequest.newBuilder(uri)
                        .timeout(readTimeout)
                        .header("Authorization", authorization)
                        .header("Accept", "application/json")
                        .GET().build();
            } catch (IllegalArgumentException e) {
                // the JDK's message quotes the offending header value: the key
                throw new SyncException("the API key holds a character an HTTP header cannot carry (a line break, or "
                        + "one outside printable ASCII); copy it again into INCIDENT_API_KEY");
            }
            HttpResponse<InputStream> response = headers(request);
            Page.Body body = read(response.body(), deadline);
            int status = response.statusCode();
            if (status < 300 || status >= 400 || status == 304) {
                return new Answer(response, body);
            }
            body.delete();
            String location = response.headers().firstValue("Location").orElse("");
            URI target;
            try {
                target = uri.resolve(location);
            } catch (IllegalArgumentException e) {
                target = null;
            }
            if (location.isEmpty() || target == null || target.getHost() == null) {
                throw new SyncException("GET " + path + " answered HTTP " + status + " without a usable Location; "
                        + "check incident.api.url (INCIDENT_API_URL)");
            }
            if (!origin(target).equals(origin)) {
                throw new SyncException("GET " + path + " was redirected (HTTP " + status + ") to " + origin(target)
                        + ", not followed: the API key is only sent to incident.api.url (" + origin + "); "
                        + "if the API has moved, set INCIDENT_API_URL to its new address");
            }
            if (redirects >= MAX_REDIRECTS) {
                throw new SyncException("GET " + path + " was redirected more than " + MAX_REDIRECTS
                        + " times; check incident.api.url (INCIDENT_API_URL)");
            }
            uri = target;
        }
    }

    /** Sends a request and waits for its headers, unless the application stops first. */
    private HttpResponse<InputStream> headers(HttpRequest request) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<InputStream>> pending =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        Closeable abandon = () -> pending.cancel(true);
        inFlight.add(abandon);
        try {
            if (stopping) {
                pending.cancel(true);
            }
            return pending.get();
        } catch (CancellationException e) {
            throw new IOException("abandoned: the process is shutting down");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new IOException(cause);
        } finally {
            inFlight.remove(abandon);
        }
    }

    private static String origin(URI uri) {
        int port = uri.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        return String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT) + "://"
                + String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** A new run tries the API afresh, however the last one ended. */

    public void resetReachability() {
        unreachable = null;
    }

    static String maskBearer(String text) {
        return text == null ? null : BEARER.matcher(text).replaceAll("$1***");
    }

    private long backoff(int attempt) {
        long ceiling = Math.min(maxWaitMillis, initialBackoffMillis << Math.min(attempt - 1, 20));
        // "equal jitter": half fixed, half random, so parallel streams do not retry in lockstep
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    /** The wait a 429 asks for: the Retry-After header in seconds, or the body's rate_limit.retry_after date. */
    private Optional<Long> retryAfter(HttpResponse<?> response, Page.Body body) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isPresent()) {
            String value = header.get().trim();
            // only plain seconds: "NaN", "Infinity" or "-1" would otherwise mean no wait at all
            if (SECONDS.matcher(value).matches()) {
                return Optional.of((long) (Double.parseDouble(value) * 1000));
            }
            Optional<Long> date = untilDate(value);
            if (date.isPresent()) {
                return date;
            }
        }
        try (InputStream in = body.open()) {
            JsonNode json = Page.MAPPER.readTree(in);
            String date = json.path("rate_limit").path("retry_after").asText("");
            return date.isEmpty() ? Optional.empty() : untilDate(date);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> untilDate(String text) {
        Instant at = null;
        try {
            at = OffsetDateTime.parse(text.trim()).toInstant();
        } catch (RuntimeException notRfc3339) {
            try {
                at = ZonedDateTime.parse(text.trim(), RFC_1123_ANY_ZONE).toInstant();
            } catch (RuntimeException notRfc1123) {
                try {
                    at = ZonedDateTime.parse(text.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                } catch (RuntimeException unknown) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(Math.max(0, at.toEpochMilli() - System.currentTimeMillis()));
    }

    private SyncException permanent(int status, String path, String what, Page.Body body) {
        JsonNode json;
        try (InputStream in = body.open()) {
            json = Page.MAPPER.readTree(in);
        } catch (IOException | RuntimeException e) {
            json = Page.MAPPER.createObjectNode();
        } finally {
            body.delete();
        }
        if (json == null) {
            json = Page.MAPPER.createObjectNode();
        }
        JsonNode error = json.path("errors").path(0);
        String message = error.path("message").asText("");
        switch (status) {
            case 401:
                return new SyncException("the API answered 401 Unauthorized: the API key is wrong or revoked; "
                        + "make a key at https://app.incident.io/settings/api-keys and set INCIDENT_API_KEY");
            case 403: {
                String scope = scopeOf(json, message);
                return new SyncException("the API key lacks the scope " + scope + " needed for GET " + path
                        + " (403 " + error.path("code").asText("forbidden") + "); grant that scope to the key "
                        + "at https://app.incident.io/settings/api-keys, or leave this table out with incident.streams (INCIDENT_STREAMS)");
            }
            case 404:
                if (!what.contains("after=")) {
                    // the same words for every listing, so that a wrong URL, which fails them all, gives one line
                    return new SyncException("the API answered 404 Not Found to the first request of the listing; "
                            + "check that incident.api.url (INCIDENT_API_URL, now " + baseUrl + ") is the API's root", true);
                }
                return new SyncException(what + " answered 404 Not Found, so the listing cannot be completed; "
                        + "the table keeps its previous rows", true);
            case 422:
                return new SyncException("the API rejected " + what + " (422 "
                        + json.path("type").asText("validation_error") + "): "
                        + (message.isEmpty() ? json.toString() : message));
            default:
                return new SyncException(what + " answered HTTP " + status
                        + (message.isEmpty() ? "" : ": " + message));
        }
    }

    private static String scopeOf(JsonNode json, String message) {
        for (String field : new String[] {"scope", "required_scope", "missing_scope"}) {
            String scope = json.findPath(field).asText("");
            if (!scope.isEmpty()) {
                return "'" + scope + "'";
            }
        }
        // the API names the scope only in its message: "This API key is missing the required scope: <scope>"
        Matcher named = SCOPE_IN_MESSAGE.matcher(message);
        if (named.find()) {
            return "'" + named.group(1) + "'";
        }
        return message.isEmpty() ? "that the endpoint requires" : "named by the API (\"" + message + "\")";
    }

    /** A request as the messages name it: method, path, and the query without its filters. */
    static String describe(String path, List<Map.Entry<String, String>> query) {
        return "GET " + path + queryString(withoutFilters(query));
    }

    /**
     * The query without its filters ({@code mode[one_of]=...}): the same on every page, they would bury the
     * cursor and partition that tell where a listing failed.
     */
    private static List<Map.Entry<String, String>> withoutFilters(List<Map.Entry<String, String>> query) {
        return query.stream().filter(e -> !e.getKey().contains("[")).toList();
    }

    /**
     * Reads a whole body, in memory or past a limit in a temporary file. The deadline covers the body too:
     * when it passes, the stream is closed under the reader, and the read fails as a timeout.
     */
    private Page.Body read(InputStream in, long deadline) throws IOException {
        inFlight.add(in);
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            expired.set(true);
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all the watchdog can do
            }
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        try (in) {
            return readAll(in);
        } catch (IOException e) {
            if (expired.get()) {
                throw new HttpTimeoutException("the body did not end in time");
            }
            throw e;
        } finally {
            watchdog.cancel(false);
            inFlight.remove(in);
        }
    }

    private static Page.Body readAll(InputStream in) throws IOException {
        ByteArrayOutputStream memory = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            memory.write(buffer, 0, n);
            if (memory.size() > MEMORY_LIMIT) {
                Path file = Files.createTempFile("incident-io-sync-", ".json");
                try (OutputStream out = Files.newOutputStream(file)) {
                    memory.writeTo(out);
                    memory = null;
                    in.transferTo(out);
                } catch (IOException e) {
                    Files.deleteIfExists(file);
                    throw e;
                }
                return new Page.Body(null, file);
            }
        }
        return new Page.Body(memory.toByteArray(), null);
    }

    private static String attempts(int n) {
        return n == 1 ? "1 attempt" : n + " attempts";
    }

    static String queryString(List<Map.Entry<String, String>> query) {
        if (query.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("?");
        for (Map.Entry<String, String> e : query) {
            if (out.length() > 1) {
                out.append('&');
            }
            out.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }
}
