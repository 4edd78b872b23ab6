package io.incidentsync.schema;

import io.incidentsync.api.Page;
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

    /**
     * The JDBC value for a JSON value in a column of this type. A value the type cannot hold exactly (a
     * whole number beyond 64 bits, text that is no number, a date that is no RFC 3339 date-time, a
     * boolean spelt as text) throws {@link DoesNotFit}, never a value of 0: the column is then widened to text.
     * TEXT and JSON hold any value.
     */
    public Object convert(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        switch (this) {
            case TIMESTAMP:
                if (!value.isTextual()) {
                    throw new DoesNotFit(this, value);
                }
                try {
                    return Rfc3339.parse(value.asText());
                } catch (java.time.DateTimeException e) {
                    throw new DoesNotFit(this, value);
                }
            case BIGINT:
                if (value.isIntegralNumber() && value.canConvertToLong()) {
                    return value.longValue();
                }
                if (value.isTextual()) {
                    try {
                        return Long.parseLong(value.asText());
                    } catch (NumberFormatException e) {
                        throw new DoesNotFit(this, value);
                    }
                }
                throw new DoesNotFit(this, value);
            case DOUBLE: {
                double d;
                if (value.isNumber()) {
                    d = value.doubleValue();
                } else if (value.isTextual() && NUMBER.matcher(value.asText()).matches()) {
                    d = Double.parseDouble(value.asText());
                } else {
                    throw new DoesNotFit(this, value);
                }
                if (Double.isInfinite(d)) {
                    throw new DoesNotFit(this, value);
                }
                return d;
            }
            case BOOLEAN:
                if (!value.isBoolean()) {
                    throw new DoesNotFit(this, value);
                }
                return value.booleanValue();
            case JSON:
                return Page.json(value);
            default:
                return value.isTextual() ? value.asText() : Page.json(value);
        }
    }

    /** A value this type cannot hold exactly. Its message names the kinds, never the value itself. */
    public static final class DoesNotFit extends IllegalArgumentException {
        DoesNotFit(ColumnType type, JsonNode value) {
            super("a " + value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " value that "
                    + type.name() + " cannot hold exactly", null);
        }
    }

    /** A JSON number written as text: what Double.parseDouble reads, less its NaN, Infinity and hex forms. */
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");
}
