package io.incidentsync.api;

import io.incidentsync.config.Settings;
import io.incidentsync.run.SyncException;
import io.incidentsync.schema.Catalog;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The steps of the routes in {@code api.camel.yaml} that surround the HTTP endpoint: begin an attempt
 * (its query, and whether one may be sent at all), read the answer (status, redirect on the API's own
 * host, body within the read timeout, checked to be the JSON the listing promises), decide whether a
 * failed attempt is retried (the route's redelivery policy then waits), and give the last failure its
 * one line. It also configures the HTTP component's client, so that an answer that does not end within
 * the read timeout, or a request in flight when the application stops, is cut off.
 * The API key never passes through this class: the route puts it in the Authorization header.
 *
 * <p>The parts are classes of their own: {@link RequestQuery} (the query and how messages name a
 * request), {@link Attempt} (an attempt's deadline), {@link AnswerBody} (reading a body whole),
 * {@link SameOriginRedirect}, {@link RetryAfter} (a 429's wait) and {@link ErrorAnswers} (the line for
 * an answer no retry can fix).
 */
public final class IncidentApi implements HttpClientConfigurer, HttpActivityListener {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentApi.class);
    static final String STOPPED = "stopped: the process is shutting down; the table keeps its previous rows";

    /** Exchange properties of one request. */
    static final String ATTEMPT = "incidentAttempt";
    static final String ATTEMPTS = "incidentAttempts";
    static final String ANSWERED = "incidentAnswered";
    static final String HTTP_QUERY = "incidentHttpQuery";
    static final String REQUEST = "incidentRequest";

    private final Catalog catalog;
    private final String baseUrl;
    private final SameOriginRedirect redirects;
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
        this.catalog = catalog;
        this.baseUrl = settings.apiUrl();
        this.redirects = new SameOriginRedirect(baseUrl);
        this.readTimeoutMillis = settings.readTimeoutSeconds() * 1000L;
        this.maxAttempts = settings.maxAttempts();
        this.maxWaitMillis = settings.maxWaitMillis();
        this.initialBackoffMillis = settings.initialBackoffMillis();
    }

    /** "users: " for a request of a table's listing, else nothing. */
    private static String table(Exchange exchange) {
        String table = ApiRequest.tableOf(exchange);
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

    /**
     * Begins one attempt of the request the exchange carries ({@link ApiRequest}): refuses when the application stops or the API
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
        List<Map.Entry<String, String>> query = RequestQuery.query(exchange);
        exchange.setProperty(HTTP_QUERY, RequestQuery.queryString(query).replaceFirst("^\\?", ""));
        exchange.setProperty(REQUEST, RequestQuery.describe(ApiRequest.of(exchange).path(), query));
        exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
        exchange.setProperty(ANSWERED, false);
        exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        Attempt attempt = new Attempt(watchdog, readTimeoutMillis);
        exchange.setProperty(ATTEMPT, attempt);
        inFlight.add(attempt);
        if (stopping) {
            attempt.cancel();
        }
        ApiMeter meter = ApiRequest.meterOf(exchange);
        if (meter != null) {
            meter.request();
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
        if (io == null && !stopping && (attempt == null || !attempt.expired())) {
            finish(exchange);
            throw new SyncException(exchange.getProperty(REQUEST, String.class) + " could not be sent: "
                    + (e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        throw unanswered(exchange, io instanceof IOException found ? found : new IOException(String.valueOf(e)));
    }

    /** The failure for an attempt whose answer did not arrive whole: stopped, timed out, refused or reset. */
    private SyncException unanswered(Exchange exchange, IOException e) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        boolean expired = attempt != null && attempt.expired();
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
        String path = ApiRequest.of(exchange).path();
        String what = exchange.getProperty(REQUEST, String.class);
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        Page.Body body;
        try {
            body = AnswerBody.readAll(exchange.getMessage().getBody(InputStream.class));
        } catch (IOException e) {
            throw unanswered(exchange, e);
        } finally {
            // read, or cut off: nothing after this step may read the stream again
            exchange.getMessage().setBody(null);
        }
        if (status >= 300 && status < 400 && status != 304) {
            body.delete();
            try {
                redirects.follow(exchange, status, path);
            } catch (SyncException refused) {
                finish(exchange);
                throw refused;
            }
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
                String head = ErrorAnswers.head(body, exchange.getMessage().getHeader("Content-Encoding", "", String.class));
                body.delete();
                throw new RetryableApiException("a body that is not the JSON " + path + " promises (" + e.getMessage()
                        + "); it began: " + head, null, false);
            } catch (IOException e) {
                body.delete();
                throw new RetryableApiException("the body could not be read (" + e.getMessage() + ")", null, false);
            }
        }
        if (status == 429) {
            ApiMeter meter = ApiRequest.meterOf(exchange);
            if (meter != null) {
                meter.rateLimited();
            }
            Long wait = RetryAfter.of(exchange.getMessage().getHeader("Retry-After", String.class), body).orElse(null);
            body.delete();
            throw new RetryableApiException("429 Too Many Requests", wait, false);
        }
        if (status >= 500) {
            body.delete();
            throw new RetryableApiException("HTTP " + status, null, false);
        }
        SyncException permanent = ErrorAnswers.permanent(status, path, what, body, baseUrl);
        if (permanent.notFound() && mayVanish(exchange)) {
            LOG.info("{}: {} answered 404: its parent vanished since it was listed; skipped",
                    ApiRequest.tableOf(exchange), what);
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
        ApiRequest request = ApiRequest.of(exchange);
        return request.after() == null && request.mayVanish();
    }

    private String arrayKey(String path) {
        return catalog.listing(path).arrayKey();
    }

    /** The attempt has its answer (or none): its deadline no longer applies. */
    private void finish(Exchange exchange) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        if (attempt != null) {
            attempt.done();
            inFlight.remove(attempt);
        }
        exchange.removeProperty(SameOriginRedirect.REDIRECTS);
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
        ApiMeter meter = ApiRequest.meterOf(exchange);
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