package io.incidentsync.api;

import io.incidentsync.run.SyncException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one line for an answer no other attempt can fix (a 401, 403, 404, 422, or another 4xx): what
 * went wrong, and what the user can do about it. Never the body's records: at most its shape.
 */
final class ErrorAnswers {

    private static final Pattern SCOPE_IN_MESSAGE = Pattern.compile("scope:\\s*['\"]?(.+?)['\"]?\\.?\\s*$");

    private ErrorAnswers() {
    }

    static SyncException permanent(int status, String path, String what, Page.Body body, String baseUrl) {
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

    /** The body's first characters for a message, or what it is when it is not text. */
    static String head(Page.Body body, String encoding) {
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
}
