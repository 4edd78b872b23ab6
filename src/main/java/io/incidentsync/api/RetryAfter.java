package io.incidentsync.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** How long a 429 answer asks the next attempt to wait. */
final class RetryAfter {

    private static final DateTimeFormatter RFC_1123_ANY_ZONE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss zzz", Locale.US);
    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}(\\.\\d*)?");

    private RetryAfter() {
    }

    /** The wait a 429 asks for: the Retry-After header in seconds or as a date, or the body's rate_limit.retry_after. */
    static Optional<Long> of(String header, Page.Body body) {
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
}
