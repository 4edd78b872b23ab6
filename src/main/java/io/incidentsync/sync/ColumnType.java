package io.incidentsync.sync;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.regex.Pattern;

/** The SQL type a column gets, from the OpenAPI type of its field or, for an undeclared field, from its value. */
public enum ColumnType {
    TEXT, TIMESTAMP, BIGINT, DOUBLE, BOOLEAN, JSON;

    private static final Pattern DATE_TIME = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");

    /** The catalog's type names; "untyped" (a required field the spec gives no schema) maps to null. */
    public static ColumnType ofCatalog(String name) {
        switch (name) {
            case "text": return TEXT;
            case "timestamp": return TIMESTAMP;
            case "bigint": return BIGINT;
            case "double": return DOUBLE;
            case "boolean": return BOOLEAN;
            case "json": return JSON;
            default: return null;
        }
    }

    /** Treats a field without a declared type by its value, as the API's compatibility promises require. */
    public static ColumnType ofValue(JsonNode value) {
        if (value.isBoolean()) {
            return BOOLEAN;
        }
        if (value.isIntegralNumber()) {
            return BIGINT;
        }
        if (value.isNumber()) {
            return DOUBLE;
        }
        if (value.isContainerNode()) {
            return JSON;
        }
        if (value.isTextual() && DATE_TIME.matcher(value.asText()).matches()) {
            return TIMESTAMP;
        }
        return TEXT;
    }

    /** The JDBC value for a JSON value in a column of this type. */
    public Object convert(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        switch (this) {
            case TIMESTAMP:
                return Rfc3339.parse(value.asText());
            case BIGINT:
                if (!value.isIntegralNumber() && !(value.isTextual() && value.asText().matches("-?\\d+"))) {
                    throw new IllegalArgumentException("'" + abbreviate(value) + "' is not a whole number");
                }
                return value.asLong();
            case DOUBLE:
                if (!value.isNumber() && !(value.isTextual() && value.asText().matches("-?[0-9.eE+-]+"))) {
                    throw new IllegalArgumentException("'" + abbreviate(value) + "' is not a number");
                }
                return value.asDouble();
            case BOOLEAN:
                if (!value.isBoolean()) {
                    throw new IllegalArgumentException("'" + abbreviate(value) + "' is not a boolean");
                }
                return value.asBoolean();
            case JSON:
                return Page.json(value);
            default:
                return value.isTextual() ? value.asText() : value.toString();
        }
    }

    private static String abbreviate(JsonNode value) {
        String text = value.isTextual() ? value.asText() : value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
