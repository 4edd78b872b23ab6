package io.incidentsync.schema;

import io.incidentsync.api.Page;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of every list endpoint, derived from incident.io's OpenAPI description by
 * {@link io.incidentsync.schema.CatalogGenerator} and shipped as {@code incident-io/catalog.json}.
 */
public final class Catalog {

    /**
     * One column: its name, the field's path joined by {@code __} (the name unless the name was fitted), its
     * type (null for a field the description requires but gives no type: typed by its first value), whether it
     * holds an array (a child table's elements too) or a map (an object keyed by data: a child table's rows too).
     */
    public record Column(String name, String path, ColumnType type, boolean array, boolean map) {
        public Column(String name, ColumnType type, boolean array) {
            this(name, name, type, array, false);
        }

        public Column(String name, ColumnType type) {
            this(name, type, false);
        }

        /** Kept whole as one value (JSON, a map, or of no declared type), never flattened further. */
        public boolean whole() {
            return type == null || type == ColumnType.JSON;
        }
    }

    /**
     * A child table of a listing: the columns it hangs from, one per step down ({@code [custom_field_entries,
     * values]} is {@code <table>__custom_field_entries__values}), whether the last step is a map (its rows keyed
     * by {@code map_key}) rather than an array, whether its elements are scalars (one {@code value} column), and the columns of an element (or of a map's value).
     */
    public record Child(List<String> steps, boolean map, boolean scalars, List<Column> columns) {
        /** Its table's name under a table: each step joined on by {@link Names#child}. */
        public String table(String root) {
            String name = root;
            for (String step : steps) {
                name = Names.child(name, step);
            }
            return name;
        }
    }

    /**
     * One listing: the body key holding its records, and its columns. When that key holds an object of
     * lists rather than one array (schedule entries), {@code lists} names them; else it is empty.
     */
    public record Listing(String arrayKey, List<String> lists, List<Column> columns, boolean single, List<Child> children) {
        public Listing(String arrayKey, List<String> lists, List<Column> columns) {
            this(arrayKey, lists, columns, false, List.of());
        }

        /** The same listing with other columns and child tables (some left out by the settings). */
        public Listing with(List<Column> otherColumns, List<Child> otherChildren) {
            return new Listing(arrayKey, lists, otherColumns, single, otherChildren);
        }
    }

    private static final java.util.regex.Pattern ONE_RECORD = java.util.regex.Pattern.compile("(/v\\d+/[a-z_]+)/[^/]+");

    private final Map<String, Listing> listings;

    private Catalog(Map<String, Listing> listings) {
        this.listings = listings;
    }

    public static Catalog load() {
        try (InputStream in = Catalog.class.getResourceAsStream("/incident-io/catalog.json")) {
            if (in == null) {
                throw new IllegalStateException("incident-io/catalog.json is missing from the classpath");
            }
            JsonNode root = Page.MAPPER.readTree(in);
            Map<String, Listing> out = new LinkedHashMap<>();
            root.fields().forEachRemaining(e -> {
                List<String> lists = new ArrayList<>();
                e.getValue().path("lists").forEach(l -> lists.add(l.asText()));
                List<Child> children = new ArrayList<>();
                e.getValue().path("children").forEach(c -> {
                    List<String> steps = new ArrayList<>();
                    c.path("steps").forEach(s -> steps.add(s.asText()));
                    children.add(new Child(List.copyOf(steps), c.path("map").asBoolean(false),
                            c.path("scalars").asBoolean(false), columns(c)));
                });
                out.put(e.getKey(), new Listing(e.getValue().path("array_key").asText(), List.copyOf(lists),
                        columns(e.getValue()), false, List.copyOf(children)));
            });
            return new Catalog(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Column> columns(JsonNode table) {
        List<Column> columns = new ArrayList<>();
        table.path("columns").forEach(c -> columns.add(new Column(c.path("name").asText(),
                c.path("path").asText(c.path("name").asText()), ColumnType.ofCatalog(c.path("type").asText()),
                c.path("array").asBoolean(false), c.path("map").asBoolean(false))));
        return Collections.unmodifiableList(columns);
    }

    /**
     * The listing at an endpoint path such as {@code /v2/incidents}; for one record of it
     * ({@code /v2/incidents/01H...}, answered as {@code {"incident": {...}}}), the listing's columns with
     * the record under its singular key.
     */
    public Listing listing(String path) {
        Listing listing = listings.get(path);
        if (listing != null) {
            return listing;
        }
        java.util.regex.Matcher one = ONE_RECORD.matcher(path);
        if (one.matches() && listings.containsKey(one.group(1))) {
            Listing all = listings.get(one.group(1));
            String key = all.arrayKey();
            return new Listing(key.endsWith("s") ? key.substring(0, key.length() - 1) : key, List.of(), all.columns(), true,
                    all.children());
        }
        throw new IllegalArgumentException("the catalog has no list endpoint " + path);
    }
}
