package io.incidentsync.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * GET /v2/incidents/{id}, /v2/follow_ups/{id} and /v2/actions/{id}: one record of a listing's table, by id, in
 * {@code {"<objectKey>": {...}}}. A record the listing would not show this key (deleted, a private incident's
 * without the private scope, never there) is a 404, as incident.io answers for a deleted incident.
 *
 * @param prefix      the path up to the id, with its trailing slash
 * @param listingPath the listing whose table, visibility and record shape the answer shares
 * @param objectKey   the body's one field
 */
record RecordRoute(String prefix, String listingPath, String objectKey) {
    static List<RecordRoute> all() {
        return List.of(new RecordRoute("/v2/incidents/", "/v2/incidents", "incident"),
                new RecordRoute("/v2/follow_ups/", "/v2/follow_ups", "follow_up"),
                new RecordRoute("/v2/actions/", "/v2/actions", "action"));
    }

    /** The path as the spec writes it, under which requests to any id are counted too. */
    String template() {
        return prefix + "{id}";
    }

    /** The id a path names, or null when the path is not one of this route's (nothing after the prefix, or more). */
    String id(String path) {
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
            return null;
        }
        String raw = path.substring(prefix.length());
        if (raw.indexOf('/') >= 0) {
            return null;
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return raw; // no record has such an id: a 404, as for any unknown one
        }
    }
}
