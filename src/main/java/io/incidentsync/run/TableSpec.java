package io.incidentsync.run;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One table's facts, as its {@code templatedRoute} entry in routes/streams.camel.yaml gives them (with
 * the template's defaults): its listing's path, primary key, page size (empty: unpaged) and filters; the
 * incident modes read one call each; the parent listing read first, its page size and the parameter
 * that names a parent; whether runs after a complete one read only what changed.
 */
public record TableSpec(String table, String path, List<String> primaryKey, String pageSize, String query,
                        List<String> modes, String parentPath, String parentParameter, String parentPageSize,
                        boolean incremental) {

    static TableSpec of(Map<String, Object> parameters) {
        return new TableSpec(text(parameters, "table"), text(parameters, "path"),
                list(text(parameters, "primaryKey")), text(parameters, "pageSize"), text(parameters, "query"),
                list(text(parameters, "modes")), text(parameters, "parentPath"), text(parameters, "parentParameter"),
                text(parameters, "parentPageSize"), Boolean.parseBoolean(text(parameters, "incremental")));
    }

    /** Whether the listing is read a page at a time (cursor and page_size). */
    public boolean paged() {
        return !pageSize.isEmpty();
    }

    /** The page size, for a paged listing. */
    public int pageRows() {
        return Integer.parseInt(pageSize);
    }

    /** Whether the listing is read once per record of a parent listing. */
    public boolean perParent() {
        return !parentPath.isEmpty();
    }

    private static String text(Map<String, Object> parameters, String name) {
        Object value = parameters.get(name);
        return value == null ? "" : value.toString().trim();
    }

    private static List<String> list(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s*,\\s*"));
    }
}
