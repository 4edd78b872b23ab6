package io.incidentsync.routes;

import io.incidentsync.HostileApi;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the advised HTTP endpoint answers: each path's handler gets the request (path and query, as the
 * route set them in {@code CamelHttpPath} and {@code CamelHttpQuery}) and returns a status and a body,
 * which become the exchange's {@code CamelHttpResponseCode} and an InputStream body, as the HTTP
 * component leaves them. A path without a handler answers 404.
 */
final class FakeApi implements Processor {

    record Request(String path, Map<String, String> query) {
        String param(String name) {
            return query.get(name);
        }
    }

    record Reply(int status, String body) {
        static Reply json(String body) {
            return new Reply(200, body);
        }
    }

    private final Map<String, Function<Request, Reply>> handlers = new ConcurrentHashMap<>();

    FakeApi on(String path, Function<Request, Reply> handler) {
        handlers.put(path, handler);
        return this;
    }

    @Override
    public void process(Exchange exchange) {
        Request request = request(exchange);
        Function<Request, Reply> handler = handlers.get(request.path());
        Reply reply = handler == null
                ? new Reply(404, "{\"type\":\"not_found\",\"status\":404,\"errors\":[{\"code\":\"not_found\",\"message\":\"Not found\"}]}")
                : handler.apply(request);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, reply.status());
        exchange.getMessage().setBody(new ByteArrayInputStream(reply.body().getBytes(StandardCharsets.UTF_8)));
    }

    /** The request an exchange sent to the HTTP endpoint (also for the mock's copies of them). */
    static Request request(Exchange exchange) {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        String raw = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, "", String.class);
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return new Request(path, query);
    }

    /**
     * A cursor-paged listing of these pages: page k (from 1) answers to {@code after=c<k-1>} and carries
     * {@code after=c<k>} unless it is the last.
     */
    static Function<Request, Reply> pages(String arrayKey, List<List<String>> pages) {
        return request -> {
            String after = request.param("after");
            int index = after == null ? 0 : Integer.parseInt(after.substring(1));
            return Reply.json(page(arrayKey, pages.get(index), index + 1 < pages.size() ? "c" + (index + 1) : null));
        };
    }

    /** One listing body with these records (JSON object texts) and this cursor (or none). */
    static String page(String arrayKey, List<String> records, String after) {
        return HostileApi.page(arrayKey, records, after == null ? null : "\"" + after + "\"");
    }

    /** {@code n} user records, ids U00001 up, starting at {@code from}. */
    static List<String> users(int from, int n) {
        return HostileApi.users(from, n);
    }

    /** Users split into pages of {@code size}. */
    static List<List<String>> userPages(int total, int size) {
        return HostileApi.userPages(total, size);
    }

    /** {@code n} severities, ids S1 up, named after {@code label}. */
    static List<String> severities(int n, String label) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(String.format("{\"id\":\"S%d\",\"name\":\"%s %d\",\"rank\":%d,\"description\":\"\","
                    + "\"created_at\":\"2024-01-01T00:00:00Z\",\"updated_at\":\"2024-01-01T00:00:00Z\"}", i, label, i, i));
        }
        return out;
    }
}
