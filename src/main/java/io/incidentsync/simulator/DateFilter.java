package io.incidentsync.simulator;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Map;

/**
 * A created_at or updated_at filter of GET /v2/incidents and /v2/escalations: {@code name[gte]=YYYY-MM-DD},
 * {@code name[lte]=...} or {@code name[date_range]=A~B}. As other connectors observed of incident.io, the match is
 * by UTC date, inclusive at both ends, and gte with lte together is refused (date_range says both).
 */
record DateFilter(long fromDay, long toDay) {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);

    /** The filter a query asks for on name, null when it asks for none; an {@link ApiError} 422 when malformed. */
    static DateFilter parse(QueryParams query, String name) {
        Map<String, List<String>> operators = query.filter(name);
        if (operators.isEmpty()) {
            return null;
        }
        if (operators.containsKey("gte") && operators.containsKey("lte")) {
            throw ApiError.validation(name, name + "[gte] and " + name + "[lte] cannot be combined: use "
                    + name + "[date_range]=FROM~TO");
        }
        if (operators.size() > 1) {
            throw ApiError.validation(name, name + " takes one of gte, lte or date_range, not " + operators.keySet());
        }
        Map.Entry<String, List<String>> only = operators.entrySet().iterator().next();
        if (only.getValue().size() != 1) {
            throw ApiError.validation(name, name + "[" + only.getKey() + "] takes one value");
        }
        String value = only.getValue().get(0).trim();
        return switch (only.getKey()) {
            case "gte" -> new DateFilter(day(name, value), Long.MAX_VALUE);
            case "lte" -> new DateFilter(Long.MIN_VALUE, day(name, value));
            case "date_range" -> {
                String[] ends = value.split("~", -1);
                if (ends.length != 2) {
                    throw ApiError.validation(name, name + "[date_range] must be FROM~TO, e.g. 2024-05-01~2024-05-31");
                }
                long from = day(name, ends[0].trim());
                long to = day(name, ends[1].trim());
                if (from > to) {
                    throw ApiError.validation(name, name + "[date_range] ends before it starts");
                }
                yield new DateFilter(from, to);
            }
            default -> throw ApiError.validation(name, "unsupported operator '" + only.getKey() + "' for " + name
                    + "; the accepted operators are gte, lte and date_range");
        };
    }

    /** Whether a moment on this UTC day (days since 1970-01-01) matches. */
    boolean test(long epochDay) {
        return epochDay >= fromDay && epochDay <= toDay;
    }

    /** The UTC day of an RFC 3339 timestamp as the simulator writes them (always UTC, "...Z"). */
    static long dayOf(String timestamp) {
        return LocalDate.parse(timestamp.substring(0, 10)).toEpochDay();
    }

    private static long day(String name, String value) {
        try {
            return LocalDate.parse(value, DATE).toEpochDay();
        } catch (DateTimeParseException e) {
            throw ApiError.validation(name, name + " takes a date as YYYY-MM-DD, not '" + value + "'");
        }
    }
}
