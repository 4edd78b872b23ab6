package io.incidentsync.api;

import org.apache.camel.Exchange;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The query string of one request of a listing, and the request as the messages name it. */
final class RequestQuery {

    private RequestQuery() {
    }

    /** The request's parameters: the listing's filters, the partition, the page size and the cursor. */
    static List<Map.Entry<String, String>> query(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        List<Map.Entry<String, String>> query = new ArrayList<>();
        addQuery(query, request.query() == null ? "" : request.query());
        addQuery(query, request.partition() == null ? "" : request.partition());
        String pageSize = request.pageSize() == null ? "" : request.pageSize();
        if (!pageSize.isEmpty()) {
            query.add(new AbstractMap.SimpleEntry<>("page_size", pageSize));
        }
        if (request.after() != null) {
            query.add(new AbstractMap.SimpleEntry<>("after", request.after()));
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
}
