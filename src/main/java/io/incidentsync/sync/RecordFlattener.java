package io.incidentsync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Turns a record into columns: nested objects flattened with a double underscore
 * ({@code creator__user__email}), arrays and the catalog's JSON columns as JSON text, scalars as they
 * are. Field names become column names, lower-cased with anything but letters, digits and
 * underscores replaced; names longer than PostgreSQL's 63 bytes are shortened with a hash suffix.
 */
public final class RecordFlattener {

    static final int MAX_NAME = 63;
    static final int MAX_DEPTH = 4;

    private final Set<String> jsonColumns;

    public RecordFlattener(Set<String> jsonColumns) {
        this.jsonColumns = jsonColumns;
    }

    /** Receives each column of a record with its value, in the record's field order. */
    public interface Sink {
        void accept(String column, JsonNode value);
    }

    /** Hands each column of the record to the sink, without building a map of them. */
    public void walk(ObjectNode record, Sink sink) {
        walk(record, root, 1, sink);
    }

    private void walk(JsonNode object, Level level, int depth, Sink sink) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Field f = level.field(field.getKey());
            JsonNode value = field.getValue();
            if (value.isObject() && !f.json && depth < MAX_DEPTH) {
                walk(value, f.nested(), depth + 1, sink);
            } else {
                sink.accept(f.column, value);
            }
        }
    }

    /**
     * The column names of one level of nesting, by field name, so that a record's names are worked
     * out once per listing rather than once per record. Bounded: a level with more distinct names
     * than this (a map keyed by data, not a schema) works them out each time.
     */
    private final class Level {
        private static final int MAX_FIELDS = 10_000;
        private final String prefix;
        private final Map<String, Field> fields = new HashMap<>();

        Level(String prefix) {
            this.prefix = prefix;
        }

        Field field(String name) {
            Field f = fields.get(name);
            if (f == null) {
                String column = prefix + columnName(name);
                f = new Field(column, fit(column), jsonColumns.contains(column));
                if (fields.size() < MAX_FIELDS) {
                    fields.put(name, f);
                }
            }
            return f;
        }
    }

    private final class Field {
        final String unfitted;
        final String column;
        final boolean json;
        private Level nested;

        Field(String unfitted, String column, boolean json) {
            this.unfitted = unfitted;
            this.column = column;
            this.json = json;
        }

        Level nested() {
            if (nested == null) {
                nested = new Level(unfitted + "__");
            }
            return nested;
        }
    }

    private final Level root = new Level("");

    public static String columnName(String field) {
        StringBuilder name = new StringBuilder(field.length());
        for (char c : field.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            name.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return name.toString();
    }

    /** A column name the database accepts: at most 63 bytes, kept unique by a hash of the full name. */
    public static String fit(String column) {
        // no character takes more than three bytes in UTF-8 (a surrogate pair takes four for two)
        if (column.length() * 3 <= MAX_NAME || column.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME) {
            return column;
        }
        String hash = String.format("%08x", column.hashCode());
        return column.substring(0, MAX_NAME - 9) + "_" + hash;
    }
}
