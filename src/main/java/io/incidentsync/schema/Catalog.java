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

    /** One column: its flattened name and catalog type (null for a field to be typed by its value). */
    public record Column(String name, ColumnType type, boolean array) {
        public Column(String name, ColumnType type) {
            this(name, type, false);
        }
    }

    /**
     * One listing: the body key holding its records, and its columns. When that key holds an object of
     * lists rather than one array (schedule entries), {@code lists} names them; else it is empty.
     */
    public record Listing(String arrayKey, List<String> lists, List<Column> columns, boolean single) {
        public Listing(String arrayKey, List<String> lists, List<Column> columns) {
            this(arrayKey, lists, columns, false);
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
                List<Column> columns = new ArrayList<>();
                e.getValue().path("columns").forEach(c -> columns.add(new Column(c.path("name").asText(),
                        ColumnType.ofCatalog(c.path("type").asText()), c.path("array").asBoolean(false))));
                List<String> lists = new ArrayList<>();
                e.getValue().path("lists").forEach(l -> lists.add(l.asText()));
                out.put(e.getKey(), new Listing(e.getValue().path("array_key").asText(), List.copyOf(lists),
                        Collections.unmodifiableList(columns)));
            });
            return new Catalog(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
            return new Listing(key.endsWith("s") ? key.substring(0, key.length() - 1) : key, List.of(), all.columns(), true);
        }
        throw new IllegalArgumentException("the catalog has no list endpoint " + path);
    }
}
