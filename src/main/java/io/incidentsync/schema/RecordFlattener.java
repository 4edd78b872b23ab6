package io.incidentsync.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a record into columns: nested objects flattened with a double underscore
 * ({@code creator__user__email}), arrays and the catalog's JSON columns as JSON text, scalars as they
 * are. A column is named after its field's path by {@link #columnName(List)}, so that no two paths
 * ever share a column.
 */
public final class RecordFlattener {

    static final int MAX_NAME = 63;
    static final int MAX_DEPTH = 4;

    private final Set<String> jsonColumns;
    /** Columns the product fills itself (incidents.updates): a field that would take one is hashed instead. */
    private final Set<String> reserved;

    public RecordFlattener(Set<String> jsonColumns, Set<String> reserved) {
        this.jsonColumns = jsonColumns;
        this.reserved = reserved;
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
                String column = columnName(fieldPath);
                if (reserved.contains(column)) {
                    column = hashedName(column, fieldPath);
                }
                f = new Field(fieldPath, column, jsonColumns.contains(column));
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

    /** A field name that is its own column name: lower-case letters and digits, single underscores between them. */
    private static final Pattern PLAIN = Pattern.compile("[a-z0-9]+(_[a-z0-9]+)*");
    /** Between a hashed name and its hash: never inside a name of plain field names joined by {@code __}. */
    private static final String HASH_SEPARATOR = "___";
    private static final int HASH_DIGITS = 10;

    /**
     * The column of a field, by its path from the record's top ({@code [creator, user, email]}). A path
     * of plain names is its names joined by {@code __}: {@code creator__user__email}. Any other path,
     * and any name over PostgreSQL's 63 bytes, is its names joined, lower-cased, with every character
     * but a-z, 0-9 and _ made {@code _}, cut to fit, then {@code ___} and the first 10 hex digits of a
     * SHA-256 of the whole path: {@code ID} is {@code id___<hash>}. Plain names never contain
     * {@code ___}, so a hashed name never equals a plain one, and two hashed names are equal only if
     * their paths' hashes share 40 bits.
     */
    public static String columnName(List<String> path) {
        String joined = String.join("__", path);
        boolean plain = path.stream().allMatch(name -> PLAIN.matcher(name).matches());
        if (plain && joined.length() <= MAX_NAME) {
            return joined;
        }
        return hashedName(plain ? joined : sanitised(joined), path);
    }

    /** A name cut to fit, then {@code ___} and the path's hash: never a plain name, nor another path's. */
    private static String hashedName(String name, List<String> path) {
        int room = MAX_NAME - HASH_SEPARATOR.length() - HASH_DIGITS;
        return name.substring(0, Math.min(name.length(), room)) + HASH_SEPARATOR + hash(path);
    }

    /** Lower case, and every character but a-z, 0-9 and _ made _: ASCII, so a character is a byte. */
    private static String sanitised(String joined) {
        StringBuilder name = new StringBuilder(joined.length());
        for (char c : joined.toLowerCase(Locale.ROOT).toCharArray()) {
            name.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return name.toString();
    }

    /**
     * The first 10 hex digits of SHA-256 over each name of the path as {@code <length>:<name>}, in
     * UTF-16BE (length in UTF-16 units): the lengths keep {@code [a, b]} apart from {@code [a__b]},
     * and UTF-16 keeps a JSON key holding a lone surrogate, which UTF-8 cannot encode, apart from
     * any other key. Written char by char because String.getBytes would replace a lone surrogate.
     */
    private static String hash(List<String> path) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (String name : path) {
            for (char c : (name.length() + ":" + name).toCharArray()) {
                sha.update((byte) (c >> 8));
                sha.update((byte) c);
            }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, HASH_DIGITS);
    }
}
