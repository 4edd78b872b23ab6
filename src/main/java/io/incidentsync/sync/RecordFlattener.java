package io.incidentsync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
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

    public Map<String, JsonNode> flatten(ObjectNode record) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        walk(record, "", 1, out);
        return out;
    }

    private void walk(JsonNode object, String prefix, int depth, Map<String, JsonNode> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String column = prefix.isEmpty() ? name(field.getKey()) : prefix + name(field.getKey());
            JsonNode value = field.getValue();
            if (value.isObject() && !jsonColumns.contains(column) && depth < MAX_DEPTH) {
                walk(value, column + "__", depth + 1, out);
            } else {
                out.put(fit(column), value);
            }
        }
    }

    /** Column names by field name; records of one listing share a small set of field names. */
    private final Map<String, String> names = new HashMap<>();

    private String name(String field) {
        String name = names.get(field);
        if (name == null) {
            name = columnName(field);
            if (names.size() < 10_000) {
                names.put(field, name);
            }
        }
        return name;
    }

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
