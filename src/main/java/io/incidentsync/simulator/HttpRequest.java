package io.incidentsync.simulator;

import java.util.Map;

/** One parsed HTTP/1.1 request line and its headers (names lower-cased). */
record HttpRequest(String method, String path, QueryParams query, Map<String, String> headers, boolean keepAlive) {

    String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
