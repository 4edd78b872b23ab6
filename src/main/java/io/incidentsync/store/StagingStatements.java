package io.incidentsync.store;

import io.incidentsync.schema.ColumnType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The statements that create a staging table and write rows into it: multi-row upserts or inserts,
 * each within the bound-value limit and the dialect's statement size, with the rows' values bound as
 * the database stores them.
 */
final class StagingStatements {

    /**
     * Bound values in one statement at most: PostgreSQL takes 65,535; a page of 250 incidents of 100
     * columns is 25,000, so a page is one statement, and only an unusually wide one is split.
     */
    static final int MAX_PARAMETERS = 30_000;

    private StagingStatements() {
    }

    /** The CREATE TABLE of a staging table with these columns and primary key. */
    static String createTable(Dialect dialect, String name, Map<String, ColumnType> columns, List<String> key) {
        return createTable(dialect, name, columns, key, null);
    }

    /** {@link #createTable}, with the comments written into it where the database takes them there (MariaDB). */
    static String createTable(Dialect dialect, String name, Map<String, ColumnType> columns, List<String> key, Commented comments) {
        String body = columns.entrySet().stream()
                .map(e -> dialect.quote(e.getKey()) + " " + dialect.type(e.getValue(), key.contains(e.getKey()))
                        + (key.contains(e.getKey()) ? " NOT NULL" : "")
                        + (comments == null || comments.columns().get(e.getKey()) == null ? ""
                        : dialect.inlineComment(comments.columns().get(e.getKey()))))
                .collect(Collectors.joining(", "));
        return "CREATE TABLE " + dialect.quote(name) + " (" + body + ", PRIMARY KEY ("
                + key.stream().map(dialect::quote).collect(Collectors.joining(", ")) + "))" + dialect.tableOptions()
                + (comments == null ? "" : dialect.inlineTableComment(comments.table()));
    }

    /** A column's comment as written into the statement that adds it, where the database takes it there. */
    static String inline(Dialect dialect, Commented comments, String column) {
        String text = comments.columns().get(column);
        return text == null ? "" : dialect.inlineComment(text);
    }

    /** A table's comment and its columns' (by name), as {@link io.incidentsync.schema.Comments} writes them. */
    record Commented(String table, Map<String, String> columns) {
        /** The statement that puts them on {@code name} after the fact, or null where CREATE TABLE held them. */
        Sql on(Dialect dialect, String name) {
            String text = dialect.commentOn(name, table, columns);
            return text == null ? null : Sql.allowedToFail(text, name + ": cannot write the comments of its columns");
        }
    }

    /**
     * A converted row's values as the database binds them, {@code width} of them: a row converted
     * before a later column appeared has none for it; a value converted before its column was widened
     * becomes text; text is made storable ({@link Dialect#storable}).
     */
    static Object[] bindable(Dialect dialect, Object[] row, int width, List<ColumnType> types) {
        Object[] full = row.length >= width ? row : Arrays.copyOf(row, width);
        for (int i = 0; i < width; i++) {
            Object v = full[i];
            if (v != null && !(v instanceof String) && types.get(i) == ColumnType.TEXT) {
                v = v.toString();
            }
            full[i] = v instanceof String text ? dialect.storable(types.get(i), text) : dialect.bindable(v);
        }
        return full;
    }

    private static long textLength(Object[] row) {
        long n = 0;
        for (Object v : row) {
            if (v instanceof String text) {
                n += text.length();
            }
        }
        return n;
    }

    /** Multi-row upserts of {@code rows}, the last version of each key only, within the bound-value limit. */
    static List<Sql> upserts(Dialect dialect, String into, List<String> names, List<ColumnType> allTypes, List<String> keyColumns,
                              List<Object[]> rows) {
        int[] keyAt = keyColumns.stream().mapToInt(names::indexOf).toArray();
        Map<List<Object>, Object[]> last = new LinkedHashMap<>();
        for (Object[] row : rows) {
            List<Object> k = new ArrayList<>(keyAt.length);
            for (int i : keyAt) {
                k.add(row[i]);
            }
            last.remove(k);
            last.put(k, row);
        }
        List<Sql> out = new ArrayList<>();
        for (List<Object[]> part : statementsOf(dialect, names.size(), new ArrayList<>(last.values()))) {
            out.add(Sql.of(dialect.upsert(into, names, allTypes, keyColumns, part.size()), flatten(part)));
        }
        return out;
    }

    /**
     * Plain inserts of {@code rows}, whose keys are new to the table (a child table's staging table): one
     * JDBC batch where the database prefers it ({@link Dialect#prefersBatches}), else multi-row inserts
     * within the bound-value limit.
     */
    static List<Sql> inserts(Dialect dialect, String into, List<String> names, List<ColumnType> allTypes, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        if (dialect.prefersBatches()) {
            return List.of(Sql.batch(dialect.insert(into, names, allTypes, 1), flatten(rows)));
        }
        List<Sql> out = new ArrayList<>();
        for (List<Object[]> part : statementsOf(dialect, names.size(), rows)) {
            out.add(Sql.of(dialect.insert(into, names, allTypes, part.size()), flatten(part)));
        }
        return out;
    }

    private static List<Object> flatten(List<Object[]> rows) {
        List<Object> parameters = new ArrayList<>(rows.isEmpty() ? 0 : rows.size() * rows.get(0).length);
        for (Object[] row : rows) {
            parameters.addAll(Arrays.asList(row));
        }
        return parameters;
    }

    /** {@code rows} cut into statements: up to the bound-value limit, and within the dialect's text limit (a large row goes alone). */
    private static List<List<Object[]>> statementsOf(Dialect dialect, int width, List<Object[]> rows) {
        int perStatement = Math.max(1, MAX_PARAMETERS / width);
        long maxChars = dialect.maxStatementChars();
        List<List<Object[]>> out = new ArrayList<>();
        int from = 0;
        while (from < rows.size()) {
            int to = from;
            long chars = 0;
            while (to < rows.size() && to - from < perStatement) {
                long rowChars = maxChars == Long.MAX_VALUE ? 0 : textLength(rows.get(to));
                if (to > from && chars + rowChars > maxChars) {
                    break;
                }
                chars += rowChars;
                to++;
            }
            out.add(rows.subList(from, to));
            from = to;
        }
        return out;
    }
}
