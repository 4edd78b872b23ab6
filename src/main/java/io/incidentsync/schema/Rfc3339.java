package io.incidentsync.schema;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads the RFC 3339 timestamps the API sends ({@code 2025-03-14T09:26:53.589Z}, or with an offset)
 * without a DateTimeFormatter, which costs more than the rest of a row's conversion together.
 * Anything else falls back to {@link OffsetDateTime#parse}.
 */
final class Rfc3339 {

    private Rfc3339() {
    }

    static OffsetDateTime parse(String text) {
        int n = text.length();
        if (n < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || (text.charAt(10) != 'T' && text.charAt(10) != 't')
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return OffsetDateTime.parse(text);
        }
        try {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int i = 19;
            int nanos = 0;
            if (i < n && text.charAt(i) == '.') {
                int start = ++i;
                while (i < n && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                if (i == start || i - start > 9) {
                    return OffsetDateTime.parse(text);
                }
                nanos = digits(text, start, i);
                for (int k = i - start; k < 9; k++) {
                    nanos *= 10;
                }
            }
            ZoneOffset offset;
            if (i == n - 1 && (text.charAt(i) == 'Z' || text.charAt(i) == 'z')) {
                offset = ZoneOffset.UTC;
            } else if (i == n - 6 && (text.charAt(i) == '+' || text.charAt(i) == '-') && text.charAt(i + 3) == ':') {
                int seconds = digits(text, i + 1, i + 3) * 3600 + digits(text, i + 4, i + 6) * 60;
                offset = ZoneOffset.ofTotalSeconds(text.charAt(i) == '-' ? -seconds : seconds);
            } else {
                return OffsetDateTime.parse(text);
            }
            return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset);
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new DateTimeParseException("not an RFC 3339 date-time", text, 0);
        }
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException();
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
