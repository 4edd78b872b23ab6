package io.incidentsync.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Error bodies in the shape incident.io documents for errors; 429s also carry the rate_limit object. */
final class ErrorBodies {
    private static final DateTimeFormatter RFC1123_UTC =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private ErrorBodies() {
    }

    static ObjectNode error(ApiError error, String requestId) {
        ObjectNode body = Json.object();
        body.put("type", error.type);
        body.put("status", error.status);
        body.put("request_id", requestId);
        ObjectNode detail = body.putArray("errors").addObject();
        detail.put("code", error.code);
        detail.put("message", error.getMessage());
        if (error.field != null) {
            detail.putObject("source").put("field", error.field);
        }
        return body;
    }

    static ObjectNode rateLimited(RateLimiter.Denial denial, String requestId, Instant retryAt) {
        ApiError error = new ApiError(429, "too_many_requests", "too_many_requests",
                "Rate limit exceeded for " + denial.name() + ": " + denial.limit() + " requests per minute", null);
        ObjectNode body = error(error, requestId);
        ObjectNode limit = Json.object();
        limit.put("name", denial.name());
        limit.put("limit", denial.limit());
        limit.put("remaining", denial.remaining());
        limit.put("retry_after", RFC1123_UTC.format(retryAt));
        body.set("rate_limit", limit);
        return body;
    }

    static byte[] bytes(ObjectNode body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String html(int status) {
        return "<!DOCTYPE html>\n<html><head><title>" + status + " Bad Gateway</title></head>\n"
                + "<body><center><h1>" + status + " Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";
    }
}
