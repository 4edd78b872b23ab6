package io.incidentsync.api;

import io.incidentsync.config.Settings;
import io.incidentsync.run.SyncException;
import io.incidentsync.schema.Catalog;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of the routes in {@code api.camel.yaml} that surround the HTTP endpoint: begin an attempt
 * (its query, and whether one may be sent at all), read the answer (status, redirect on the API's own
 * host, body within the read timeout, checked to be the JSON the listing promises), decide whether a
 * failed attempt is retried (the route's redelivery policy then waits), and give the last failure its
 * one line. It also configures the HTTP component's client, so that an answer that does not end within
 * the read timeout, or a request in flight when the application stops, is cut off.
 * The API key never passes through this class: the route puts it in the Authorization header.
 */
public final class IncidentApi implements HttpClientConfigurer, HttpActivityListener {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentApi.class);
    /** Bodies above this size are kept in a temporary file rather than in memory. */
    private static final int MEMORY_LIMIT = 4 * 1024 * 1024;
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern SCOPE_IN_MESSAGE = Pattern.compile("scope:\\s*['\"]?(.+?)['\"]?\\.?\\s*$");
    private static final DateTimeFormatter RFC_1123_ANY_ZONE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss zzz", Locale.US);
    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}(\\.\\d*)?");
    static final String STOPPED = "stopped: the process is shutting down; the table keeps its previous rows";

    /** Exchange properties of one request. */
    static final String ATTEMPT = "incidentAttempt";
    static final String ATTEMPTS = "incidentAttempts";
    static final String ANSWERED = "incidentAnswered";
    static final String HTTP_QUERY = "incidentHttpQuery";
    static final String REQUEST = "incidentRequest";

    private final Settings settings;
    private final Catalog catalog;
    private final String baseUrl;
    private final String origin;
    private final long readTimeoutMillis;
    private final int maxAttempts;
    private final long maxWaitMillis;
    private volatile ScheduledExecutorService watchdog;
    /** Set when connecting failed through every attempt: why the API cannot be reached in this run. */
    private volatile String unreachable;
    private volatile boolean stopping;
    private final Set<Attempt> inFlight = ConcurrentHashMap.newKeySet();
    private final long initialBackoffMillis;

    public IncidentApi(Settings settings, Catalog catalog) {
        this.settings = settings;
        this.catalog = catalog;
        this.baseUrl = settings.apiUrl();
        this.origin = origin(URI.create(baseUrl));
        this.readTimeoutMillis = settings.readTimeoutSeconds() * 1000L;
        this.maxAttempts = settings.maxAttempts();
        this.maxWaitMillis = settings.maxWaitMillis();
        this.initialBackoffMillis = settings.initialBackoffMillis();
    }

    /** "users: " for a request of a table's listing, else nothing. */
    private static String table(Exchange exchange) {
        String table = exchange.getProperty("table", String.class);
        return table == null ? "" : table + ": ";
    }

    /** The scheduler (from Camel's ExecutorServiceManager) that cuts off answers past their deadline. */
    public void setWatchdog(ScheduledExecutorService watchdog) {
        this.watchdog = watchdog;
    }

    /** A new run tries the API afresh, however the last one ended. */
    public void resetReachability() {
        unreachable = null;
    }

    /**
     * The application is stopping: requests in flight are cut off and no new one is sent, so each table
     * ends at once keeping its previous rows, instead of waiting out read timeouts and retries.
     */
    public void stop() {
        stopping = true;
        inFlight.forEach(Attempt::cancel);
    }

    public boolean isStopping() {
        return stopping;
    }

    /**
     * Begins one attempt of the request the exchange describes (properties {@code path}, {@code query},
     * {@code partition}, {@code pageSize}, {@code after}): refuses when the application stops or the API
     * proved unreachable in this run, counts the request, and sets the query string for the endpoint.
     */
    public void beginAttempt(Exchange exchange) {
        if (stopping) {
            throw new SyncException(STOPPED);
        }
        String down = unreachable;
        if (down != null) {
            // the same words for every table stopped here, so they share one line
            throw new SyncException("stopped: " + down);
        }
        List<Map.Entry<String, String>> query = query(exchange);
        exchange.setProperty(HTTP_QUERY, queryString(query).replaceFirst("^\\?", ""));
        exchange.setProperty(REQUEST, describe(exchange.getProperty("path", String.class), query));
        exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
        exchange.setProperty(ANSWERED, false);
        exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        Attempt attempt = new Attempt();
        exchange.setProperty(ATTEMPT, attempt);
        inFlight.add(attempt);
        if (stopping) {
            attempt.cancel();
        }
        ApiMeter meter = exchange.getProperty("load", ApiMeter.class);
        if (meter != null) {
            meter.request();
        }
    }

    /** The request's parameters: the listing's filters, the partition, the page size and the cursor. */
    static List<Map.Entry<String, String>> query(Exchange exchange) {
        List<Map.Entry<String, String>> query = new ArrayList<>();
        addQuery(query, exchange.getProperty("query", "", String.class));
        addQuery(query, exchange.getProperty("partition", "", String.class));
        String pageSize = exchange.getProperty("pageSize", "", String.class);
        if (!pageSize.isEmpty()) {
            query.add(new AbstractMap.SimpleEntry<>("page_size", pageSize));
        }
        String after = exchange.getProperty("after", String.class);
        if (after != null) {
            query.add(new AbstractMap.SimpleEntry<>("after", after));
        }
        return query;
    }

    private static void addQuery(List<Map.Entry<String, String>> query, String text) {
        for (String pair : text.split("&")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            query.add(new AbstractMap.SimpleEntry<>(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim()));
        }
    }

    /**
     * The HTTP endpoint did not answer: no connection, a reset, or a timeout (or the attempt was cut off
     * at its deadline, or because the application stops). Called from the route's doCatch.
     */
    public void notAnswered(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.getMessage().setBody(null);
        Throwable io = e;
        while (io != null && !(io instanceof IOException) && io.getCause() != io) {
            io = io.getCause();
        }
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        if (io == null && !stopping && (attempt == null || !attempt.expired)) {
            finish(exchange);
            throw new SyncException(exchange.getProperty(REQUEST, String.class) + " could not be sent: "
                    + (e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        throw unanswered(exchange, io instanceof IOException found ? found : new IOException(String.valueOf(e)));
    }

    /** The failure for an attempt whose answer did not arrive whole: stopped, timed out, refused or reset. */
    private SyncException unanswered(Exchange exchange, IOException e) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        boolean expired = attempt != null && attempt.expired;
        finish(exchange);
        if (stopping) {
            return new SyncException(STOPPED);
        }
        if (expired || e instanceof SocketTimeoutException) {
            return new RetryableApiException(timedOut(), null, false);
        }
        if (e instanceof ConnectException) {
            return new RetryableApiException("cannot connect to " + baseUrl + " (check incident.api.url and the network)",
                    null, true);
        }
        return new RetryableApiException("the connection was reset or closed before a complete answer ("
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", null, false);
    }

    private String timedOut() {
        return "no complete answer within " + readTimeoutMillis / 1000 + " s (incident.http.read-timeout-seconds)";
    }

    /**
     * Reads the HTTP endpoint's answer. A 2xx body becomes the checked {@link Page}; a redirect on the
     * API's own host is followed (header {@code CamelHttpUri}, and the route loops); anything else throws:
     * {@link RetryableApiException} for what another attempt may fix, {@link SyncException} otherwise.
     */
    public void readAnswer(Exchange exchange) {
        String path = exchange.getProperty("path", String.class);
        String what = exchange.getProperty(REQUEST, String.class);
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        Page.Body body;
        try {
            body = readAll(exchange.getMessage().getBody(InputStream.class));
        } catch (IOException e) {
            throw unanswered(exchange, e);
        } finally {
            // read, or cut off: nothing after this step may read the stream again
            exchange.getMessage().setBody(null);
        }
        if (status >= 300 && status < 400 && status != 304) {
            body.delete();
            redirect(exchange, status, path);
            return;
        }
        finish(exchange);
        if (status >= 200 && status < 300) {
            try {
                Catalog.Listing listing = catalog.listing(path);
                exchange.getMessage().setBody(Page.parse(body, listing.arrayKey(), listing.lists(), listing.single()));
                exchange.setProperty(ANSWERED, true);
                return;
            } catch (Page.MalformedBodyException e) {
                String head = head(body, exchange.getMessage().getHeader("Content-Encoding", "", String.class));
                body.delete();
                throw new RetryableApiException("a body that is not the JSON " + path + " promises (" + e.getMessage()
                        + "); it began: " + head, null, false);
            } catch (IOException e) {
                body.delete();
                throw new RetryableApiException("the body could not be read (" + e.getMessage() + ")", null, false);
            }
        }
        if (status == 429) {
            ApiMeter meter = exchange.getProperty("load", ApiMeter.class);
            if (meter != null) {
                meter.rateLimited();
            }
            Long wait = retryAfter(exchange.getMessage().getHeader("Retry-After", String.class), body).orElse(null);
            body.delete();
            throw new RetryableApiException("429 Too Many Requests", wait, false);
        }
        if (status >= 500) {
            body.delete();
            throw new RetryableApiException("HTTP " + status, null, false);
        }
        SyncException permanent = permanent(status, path, what, body);
        if (permanent.notFound() && mayVanish(exchange)) {
            LOG.info("{}: {} answered 404: its parent vanished since it was listed; skipped",
                    exchange.getProperty("table", String.class), what);
            exchange.getMessage().setBody(Page.empty(arrayKey(path)));
            exchange.setProperty(ANSWERED, true);
            return;
        }
        throw permanent;
    }

    /**
     * Whether a 404 may be skipped here: only on the first page of one parent's listing, whose parent
     * can vanish between the two calls. Anywhere else a 404 would leave the listing incomplete.
     */
    private static boolean mayVanish(Exchange exchange) {
        return exchange.getProperty("after") == null && exchange.getProperty("parentPartition", false, Boolean.class);
    }

    private String arrayKey(String path) {
        return catalog.listing(path).arrayKey();
    }

    /** Follows a redirect that stays on the configured host; one elsewhere is refused: the key would go with it. */
    private void redirect(Exchange exchange, int status, String path) {
        String location = exchange.getMessage().getHeader("Location", "", String.class);
        String current = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        URI from = URI.create(current != null ? current
                : baseUrl + path + "?" + exchange.getProperty(HTTP_QUERY, "", String.class));
        URI target;
        try {
            target = location.isEmpty() ? null : from.resolve(location);
        } catch (IllegalArgumentException e) {
            target = null;
        }
        if (target == null || target.getHost() == null) {
            finish(exchange);
            throw new SyncException("GET " + path + " answered HTTP " + status + " without a usable Location; "
                    + "check incident.api.url (INCIDENT_API_URL)");
        }
        if (!origin(target).equals(origin)) {
            finish(exchange);
            throw new SyncException("GET " + path + " was redirected (HTTP " + status + ") to " + origin(target)
                    + ", not followed: the API key is only sent to incident.api.url (" + origin + "); "
                    + "if the API has moved, set INCIDENT_API_URL to its new address");
        }
        int redirects = exchange.getProperty("incidentRedirects", 0, Integer.class);
        if (redirects >= MAX_REDIRECTS) {
            finish(exchange);
            throw new SyncException("GET " + path + " was redirected more than " + MAX_REDIRECTS
                    + " times; check incident.api.url (INCIDENT_API_URL)");
        }
        exchange.setProperty("incidentRedirects", redirects + 1);
        exchange.getMessage().removeHeader(Exchange.HTTP_PATH);
        exchange.getMessage().removeHeader(Exchange.HTTP_QUERY);
        exchange.getMessage().setHeader(Exchange.HTTP_URI, target.toString());
    }

    /** The attempt has its answer (or none): its deadline no longer applies. */
    private void finish(Exchange exchange) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        if (attempt != null) {
            attempt.done();
            inFlight.remove(attempt);
        }
        exchange.removeProperty("incidentRedirects");
    }

    /**
     * The redelivery policy's {@code retryWhile}: true when the failed attempt is worth another one. When
     * not, the failure gets its one line here. A 429's wait goes to the header the policy reads
     * ({@code CamelRedeliveryDelay}), at most incident.http.max-wait-seconds.
     */
    public boolean retryAgain(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        finish(exchange);
        if (!(failure instanceof RetryableApiException retryable)) {
            return false;
        }
        if (stopping) {
            retryable.giveUp(STOPPED);
            return false;
        }
        int attempts = exchange.getProperty(ATTEMPTS, 1, Integer.class);
        String what = exchange.getProperty(REQUEST, String.class);
        if (attempts >= maxAttempts) {
            if (retryable.connectFailed()) {
                // the host is down for every table: the others fail at once rather than each retrying
                unreachable = "the API at " + baseUrl + " could not be reached in " + attempts(attempts)
                        + "; check incident.api.url (INCIDENT_API_URL) and the network";
            }
            retryable.giveUp(what + " failed after " + attempts(attempts) + ", last with " + retryable.problem()
                    + "; if the trouble is passing, run again or raise incident.http.max-attempts");
            return false;
        }
        ApiMeter meter = exchange.getProperty("load", ApiMeter.class);
        if (meter != null) {
            meter.retry();
        }
        if (retryable.waitMillis() != null) {
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, Math.min(retryable.waitMillis(), maxWaitMillis));
        } else {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
        long wait = retryable.waitMillis() != null ? Math.min(retryable.waitMillis(), maxWaitMillis)
                : Math.min(maxWaitMillis, initialBackoffMillis << Math.min(20, attempts - 1));
        LOG.warn("{}{}: {}; attempt {} of {} in {}{}", table(exchange), what, retryable.problem(), attempts + 1, maxAttempts,
                wait < 1000 ? wait + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", wait / 1000.0),
                retryable.waitMillis() != null ? " (the answer's Retry-After)" : " (backoff, give or take a quarter)");
        return true;
    }

    /**
     * The request failed for good: its failure goes on to the caller as a new one. The retrying route's
     * error handler has marked the exchange as handled by it; the marks go, so that the table's own error
     * handler records the failure rather than passing it by. Headers (the request's) go too.
     */
    public void gaveUp(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        finish(exchange);
        exchange.getExchangeExtension().setRedeliveryExhausted(false);
        exchange.getExchangeExtension().setErrorHandlerHandled(null);
        exchange.getExchangeExtension().setFailureHandled(false);
        exchange.getMessage().removeHeaders("*");
        throw failure != null ? failure : new SyncException(exchange.getProperty(REQUEST, String.class) + " failed");
    }

    private static String attempts(int n) {
        return n == 1 ? "1 attempt" : n + " attempts";
    }

    /** The body's first characters for a message, or what it is when it is not text. */
    private static String head(Page.Body body, String encoding) {
        String head = body.head(80);
        boolean text = head.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD && c != 0x7F);
        if (text) {
            // JSON that breaks off: its shape up to the first record, never a record's values
            int list = head.startsWith("{") || head.startsWith("[") ? head.indexOf('[') : -1;
            int record = list < 0 ? -1 : head.indexOf('{', list);
            if (head.startsWith("{") || head.startsWith("[")) {
                return "'" + (record >= 0 ? head.substring(0, record + 1) + "...'" : head.substring(0, 1) + "...'");
            }
            return "'" + head + "'";
        }
        return "binary data" + (encoding.isEmpty() ? "" : " (Content-Encoding: " + encoding + ")");
    }

    /** The wait a 429 asks for: the Retry-After header in seconds or as a date, or the body's rate_limit.retry_after. */
    private Optional<Long> retryAfter(String header, Page.Body body) {
        if (header != null) {
            String value = header.trim();
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
            String date = json == null ? "" : json.path("rate_limit").path("retry_after").asText("");
            return date.isEmpty() ? Optional.empty() : untilDate(date);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> untilDate(String text) {
        Instant at;
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
            json = null;
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
        return "GET " + path + queryString(query.stream().filter(e -> !e.getKey().contains("[")).toList());
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

    private static String origin(URI uri) {
        int port = uri.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        return String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT) + "://"
                + String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** Reads a whole body, in memory or past a limit in a temporary file; an absent body is empty. */
    private static Page.Body readAll(InputStream in) throws IOException {
        if (in == null) {
            return new Page.Body(new byte[0], null);
        }
        try (in) {
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
    }

    // The HTTP component's client: each request of an attempt registers its execution, so the deadline
    // (and stop()) can cut it off, however slowly its answer arrives.

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // the route's redelivery policy is the only retry: the client's own would resend a 429 or 503 unseen,
        // uncounted and outside the rate budget
        builder.disableAutomaticRetries();
        builder.addExecInterceptorFirst("incident-deadline", (request, scope, chain) -> {
            Object exchange = scope.clientContext.getAttribute("org.apache.camel.Exchange");
            Attempt attempt = exchange instanceof Exchange ex ? ex.getProperty(ATTEMPT, Attempt.class) : null;
            if (attempt != null) {
                attempt.bind(scope.execRuntime);
            }
            return chain.proceed(request, scope);
        });
    }

    @Override
    public void onRequestSubmitted(Object source, Exchange exchange, HttpHost host, HttpRequest request, HttpEntity entity) {
        // registering as the activity listener makes the component pass the exchange to the client (above)
    }

    @Override
    public void onResponseReceived(Object source, Exchange exchange, HttpHost host, HttpResponse response,
                                   HttpEntity entity, long elapsed) {
        // nothing: the answer is read by readAnswer
    }

    /** One attempt's execution: cut off when its deadline passes or the application stops. */
    final class Attempt {
        private volatile Object runtime;
        private volatile ScheduledFuture<?> timer;
        private volatile boolean expired;
        private volatile boolean cancelled;

        synchronized void bind(ExecRuntime execution) {
            runtime = execution;
            if (cancelled) {
                cut(execution);
            }
            if (timer == null && watchdog != null) {
                // the deadline covers the whole attempt, redirects and body included
                timer = watchdog.schedule(() -> {
                    expired = true;
                    cancel();
                }, readTimeoutMillis, TimeUnit.MILLISECONDS);
            }
        }

        synchronized void cancel() {
            cancelled = true;
            if (runtime != null) {
                cut(runtime);
            }
        }

        private void cut(Object execution) {
            if (execution instanceof Cancellable c) {
                c.cancel();
            } else if (execution instanceof ExecRuntime r) {
                r.discardEndpoint();
            }
        }

        void done() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /** Counts what a table's requests cost, for the log and {@code _sync_runs}. */
    public interface ApiMeter {
        void request();

        void retry();

        /** An answer 429 Too Many Requests. */
        default void rateLimited() {
        }

        /** The request waited this long for the shared rate budget before it left. */
        default void waitedForBudget(long nanos) {
        }
    }
}
