package io.incidentsync.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a record into columns: nested objects flattened with a double underscore
 * ({@code creator__user__email}), arrays and the objects the catalog keeps whole as JSON text, scalars as
 * they are. A column is named after its field's path by {@link #columnName(List)}.
 */
public final class RecordFlattener {

    static final int MAX_NAME = 63;
    static final int MAX_DEPTH = 4;

    /** Columns whose objects are kept whole, by path joined with {@code __}: JSON, maps, fields of no declared type. */
    private final Set<String> wholeObjects;

    public RecordFlattener(Set<String> wholeObjects) {
        this.wholeObjects = wholeObjects;
    }

    /** Receives each column of a record with its value, in the record's field order. */
    public interface Sink {
        void accept(String column, JsonNode value);

        /** {@link #accept}, told the field's path too: a sink that looks inside values kept whole needs it. */
        default void accept(List<String> path, String column, JsonNode value) {
            accept(column, value);
        }
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
                sink.accept(f.path, f.column, value);
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
        private final List<String> path;
        private final Map<String, Field> fields = new HashMap<>();

        Level(List<String> path) {
            this.path = path;
        }

        Field field(String name) {
            Field f = fields.get(name);
            if (f == null) {
                List<String> fieldPath = new ArrayList<>(path.size() + 1);
                fieldPath.addAll(path);
                fieldPath.add(name);
                f = new Field(fieldPath, columnName(fieldPath), wholeObjects.contains(String.join("__", fieldPath)));
                if (fields.size() < MAX_FIELDS) {
                    fields.put(name, f);
                }
            }
            return f;
        }
    }

    private final class Field {
        final List<String> path;
        final String column;
        final boolean json;
        private Level nested;

        Field(List<String> path, String column, boolean json) {
            this.path = path;
            this.column = column;
            this.json = json;
        }

        Level nested() {
            if (nested == null) {
                nested = new Level(path);
            }
            return nested;
        }
    }

    private final Level root = new Level(List.of());

    /** A field name that can be part of a column name: lower-case letters and digits, single underscores between them. */
    private static final Pattern PLAIN = Pattern.compile("[a-z0-9]+(_[a-z0-9]+)*");

    /**
     * The column of a field, by its path from the record's top ({@code [creator, user, email]}): its names
     * joined by {@code __} ({@code creator__user__email}), fitted to 63 characters by {@link Names#fit}. A
     * path with a name that is not plain (upper case, spaces, an empty name: never a name of incident.io's
     * description) has no column: null, and its value is kept in the table's {@code _sdc_undeclared}.
     */
    public static String columnName(List<String> path) {
        for (String name : path) {
            if (!PLAIN.matcher(name).matches()) {
                return null;
            }
        }
        return Names.fit(String.join("__", path));
    }
}
