package io.incidentsync.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The request pipeline: count, faults, auth, rate limits, then the listing. */
final class ApiHandler implements HttpServer.Handler {
    private final SimulatorConfig config;
    private final Map<String, Boolean> keys;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final List<RecordRoute> recordRoutes = RecordRoute.all();
    private final Faults faults;
    private final RateLimiter limiter;
    private final ListingWriter listings;
    private final Timeline timeline;
    private final Map<String, LongAdder> requestsByPath = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private final LongAdder rateLimited = new LongAdder();

    ApiHandler(SimulatorConfig config, DataSet data, List<Endpoint> endpoints, Faults faults) {
        this.config = config;
        this.keys = config.keys();
        endpoints.forEach(endpoint -> this.endpoints.put(endpoint.path(), endpoint));
        this.faults = faults;
        this.limiter = new RateLimiter(config);
        this.listings = new ListingWriter(data, faults);
        this.timeline = data.timeline;
    }

    long requests(String path) {
        LongAdder count = requestsByPath.get(path);
        return count == null ? 0 : count.sum();
    }

    long totalRequests() {
        return total.get();
    }

    long rateLimited() {
        return rateLimited.sum();
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws IOException {
        String requestId = Ids.encode(total.incrementAndGet(), 26);
        requestsByPath.computeIfAbsent(request.path(), p -> new LongAdder()).increment();
        RecordRoute route = recordRoute(request.path());
        if (route != null) {
            // also counted as the spec names it, so a test can ask how many single-record reads a sync made
            requestsByPath.computeIfAbsent(route.template(), p -> new LongAdder()).increment();
        }
        Faults.Plan plan = faults.onRequest(request.path());
        if (plan.reset()) {
            response.reset();
            return;
        }
        pause(config.latencyMillis() + plan.slowMillis());
        // one state of the data for the whole answer, whatever change batches are published while it streams
        try (Timeline.Pin pin = timeline.pin()) {
            answer(request, response, plan, requestId);
        } catch (ApiError error) {
            sendError(response, error, requestId);
        }
    }

    private void answer(HttpRequest request, HttpResponse response, Faults.Plan plan, String requestId)
            throws IOException {
        if (plan.html()) {
            response.send(502, "text/html; charset=utf-8", Map.of(),
                    ErrorBodies.html(502).getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (plan.status() > 0) {
            throw new ApiError(plan.status(), plan.status() >= 500 ? "internal_server_error" : "client_error",
                    "injected_fault", "The server could not answer; try again", null);
        }
        Boolean privateScope = authenticate(request);
        if (plan.forbiddenScope() != null) {
            throw new ApiError(403, "forbidden", "missing_required_scope",
                    "This API key is missing the required scope: " + plan.forbiddenScope(), null);
        }
        Endpoint endpoint = endpoints.get(request.path());
        if (plan.rateLimited()) {
            rateLimit(response, new RateLimiter.Denial("api_key", limiter.keyLimit(), 0, 1_000_000_000L), requestId);
            return;
        }
        RateLimiter.Denial denial = limiter.acquire(authKey(request), request.path(),
                endpoint != null && endpoint.ownBucket());
        if (denial != null) {
            rateLimit(response, denial, requestId);
            return;
        }
        RecordRoute route = endpoint == null ? recordRoute(request.path()) : null;
        if (endpoint == null && route == null) {
            throw new ApiError(404, "not_found", "not_found", "No route for " + request.path(), null);
        }
        if (!request.method().equals("GET")) {
            throw new ApiError(405, "method_not_allowed", "method_not_allowed", "Only GET is served here", null);
        }
        if (route != null) {
            listings.writeRecord(endpoints.get(route.listingPath()), route, route.id(request.path()), privateScope,
                    response, plan.truncate());
            return;
        }
        listings.write(endpoint, request.query(), privateScope, response, plan.truncate());
    }

    /** The single-record route a path is one of, or null. */
    private RecordRoute recordRoute(String path) {
        for (RecordRoute route : recordRoutes) {
            if (route.id(path) != null) {
                return route;
            }
        }
        return null;
    }

    /** The key's private scope, or a 401 for a missing or unknown key. */
    private Boolean authenticate(HttpRequest request) {
        String key = authKey(request);
        Boolean privateScope = key == null ? null : keys.get(key);
        if (privateScope == null) {
            throw new ApiError(401, "authentication_error", "authentication_error",
                    key == null ? "Missing Authorization header: send 'Authorization: Bearer <API key>'"
                            : "The API key is not valid", null);
        }
        return privateScope;
    }

    private static String authKey(HttpRequest request) {
        String header = request.header("authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).trim();
    }

    private void rateLimit(HttpResponse response, RateLimiter.Denial denial, String requestId) throws IOException {
        rateLimited.increment();
        long seconds = Math.max(1, (denial.waitNanos() + 999_999_999L) / 1_000_000_000L);
        Instant retryAt = Instant.now().plusSeconds(seconds);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", Long.toString(seconds));
        headers.put("X-RateLimit-Limit", Integer.toString(denial.limit()));
        headers.put("X-RateLimit-Remaining", Integer.toString(denial.remaining()));
        headers.put("X-RateLimit-Reset", Long.toString(seconds));
        response.send(429, HttpResponse.JSON, headers,
                ErrorBodies.bytes(ErrorBodies.rateLimited(denial, requestId, retryAt)));
    }

    private static void sendError(HttpResponse response, ApiError error, String requestId) throws IOException {
        response.send(error.status, HttpResponse.JSON, Map.of(), ErrorBodies.bytes(ErrorBodies.error(error, requestId)));
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
