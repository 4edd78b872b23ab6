package io.incidentsync.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Derives the column catalog from incident.io's OpenAPI description, or from the {@link OpenApiFacts} derived
 * from it (the same catalog either way): for every list endpoint (a GET without path parameters whose answer
 * holds one array of objects), the array key and the flattened columns of its records with their types.
 *
 * <p>The catalog is committed as {@code src/main/resources/incident-io/catalog.json} beside the facts, so
 * neither the jar nor the tests need the description; {@code CatalogIsCurrentTest} regenerates the catalog from
 * the committed facts, and {@code catalog --check FILE} holds both against a description.
 */
public final class CatalogGenerator {

    /** Nested objects deeper than this are kept as one JSON column rather than flattened further. */
    static final int MAX_FLATTEN_DEPTH = 4;

    private final JsonNode schemas;

    private CatalogGenerator(JsonNode spec) {
        this.schemas = spec.path("components").path("schemas");
    }

    /** The catalog as pretty-printed JSON text, stable for a given spec. */
    public static String generate(JsonNode spec) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        CatalogGenerator generator = new CatalogGenerator(spec);
        ObjectNode out = mapper.createObjectNode();
        Map<String, JsonNode> paths = new TreeMap<>();
        spec.path("paths").fields().forEachRemaining(e -> paths.put(e.getKey(), e.getValue()));
        for (Map.Entry<String, JsonNode> e : paths.entrySet()) {
            if (e.getKey().contains("{") || !e.getValue().has("get")) {
                continue;
            }
            JsonNode body = e.getValue().get("get").path("responses").path("200")
                    .path("content").path("application/json").path("schema");
            if (body.isMissingNode()) {
                continue;
            }
            generator.listing(e.getKey(), body, mapper).ifPresent(n -> out.set(e.getKey(), n));
        }
        return mapper.writeValueAsString(out) + "\n";
    }

    private java.util.Optional<ObjectNode> listing(String path, JsonNode body, ObjectMapper mapper) {
        JsonNode resolved = resolve(body);
        String arrayKey = null;
        JsonNode items = null;
        List<String> lists = List.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = resolved.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode prop = resolve(p.getValue());
            if ("array".equals(prop.path("type").asText()) && isObject(resolve(prop.path("items")))) {
                if (arrayKey != null) {
                    return java.util.Optional.empty();
                }
                arrayKey = p.getKey();
                items = prop.path("items");
            }
        }
        if (arrayKey == null) {
            // an object of lists of one kind of record (schedule entries: final, scheduled, overrides)
            for (Iterator<Map.Entry<String, JsonNode>> it = resolved.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                JsonNode of = listsOfOneKind(resolve(p.getValue()));
                if (of != null) {
                    if (arrayKey != null) {
                        return java.util.Optional.empty();
                    }
                    arrayKey = p.getKey();
                    items = of;
                    List<String> names = new ArrayList<>();
                    resolve(p.getValue()).path("properties").fieldNames().forEachRemaining(names::add);
                    names.sort(String::compareTo);
                    lists = names;
                }
            }
        }
        if (arrayKey == null) {
            return java.util.Optional.empty();
        }
        ObjectNode listing = mapper.createObjectNode();
        listing.put("array_key", arrayKey);
        if (!lists.isEmpty()) {
            ArrayNode names = listing.putArray("lists");
            lists.forEach(names::add);
        }
        listing.put("paged", resolved.path("properties").has("pagination_meta"));
        ArrayNode columns = listing.putArray("columns");
        ArrayNode children = mapper.createArrayNode();
        Set<String> seen = new HashSet<>();
        seen.add(refName(items));
        columnsOf(items, List.of(), 1, seen, columns, List.of(), children, false);
        if (!children.isEmpty()) {
            listing.set("children", children);
        }
        return java.util.Optional.of(listing);
    }

    /** Child tables at most this many steps below their listing; an array deeper down stays in its JSON column. */
    static final int MAX_CHILD_STEPS = 4;

    /**
     * The columns of one table (a listing's records, or the elements of one of its child tables): nested
     * objects flattened, and each array of objects or scalars and each map (an object keyed by data, the
     * description's {@code additionalProperties}) both a JSON column and a child table, written to
     * {@code children} with the steps that lead to it. A recursive schema, and anything more than
     * {@link #MAX_CHILD_STEPS} tables down, stays JSON.
     */
    private void columnsOf(JsonNode schemaOrRef, List<String> parent, int depth, Set<String> ancestors, ArrayNode out,
                           List<String> steps, ArrayNode children, boolean withinCopy) {
        JsonNode schema = resolve(schemaOrRef);
        // an object with an id, nested in a record, is a copy of another table's record (an entry's custom
        // field, a value's catalog entry): its arrays restate that table's child rows, and stay JSON
        boolean copy = withinCopy || (depth > 1 && schema.path("properties").has("id"));
        Set<String> names = new LinkedHashSet<>();
        schema.path("properties").fieldNames().forEachRemaining(names::add);
        // The spec's required lists name fields that have no declared schema; they are real data.
        List<String> untyped = new ArrayList<>();
        schema.path("required").forEach(r -> {
            if (!names.contains(r.asText())) {
                untyped.add(r.asText());
            }
        });
        List<String> sorted = new ArrayList<>(names);
        sorted.addAll(untyped);
        sorted.sort(String::compareTo);
        for (String name : sorted) {
            List<String> path = new ArrayList<>(parent);
            path.add(name);
            // named as the sync names a record's field, so catalog types land on the records' columns
            String column = RecordFlattener.columnName(path);
            if (column == null) {
                throw new IllegalStateException("the field " + String.join(".", path) + " has a name that is not"
                        + " lower-case letters, digits and single underscores: no column can be named after it");
            }
            JsonNode propRef = schema.path("properties").path(name);
            if (propRef.isMissingNode()) {
                out.add(column(out, column, path, "untyped"));
                continue;
            }
            JsonNode prop = resolve(propRef);
            String ref = refName(propRef);
            JsonNode mapValue = prop.path("additionalProperties");
            if (isObject(prop) && prop.path("properties").size() > 0) {
                if (depth >= MAX_FLATTEN_DEPTH || (ref != null && ancestors.contains(ref))) {
                    out.add(column(out, column, path, "json"));
                } else {
                    Set<String> next = new HashSet<>(ancestors);
                    if (ref != null) {
                        next.add(ref);
                    }
                    columnsOf(propRef, path, depth + 1, next, out, steps, children, copy);
                }
            } else if (isObject(prop) && mapValue.isObject() && steps.size() < MAX_CHILD_STEPS && !copy) {
                ObjectNode c = column(out, column, path, "json");
                c.put("map", true);
                out.add(c);
                child(mapValue, column, true, ancestors, steps, children);
            } else if ("array".equals(prop.path("type").asText()) && steps.size() < MAX_CHILD_STEPS && !copy
                    && !ancestors.contains(String.valueOf(refName(prop.path("items"))))) {
                ObjectNode c = column(out, column, path, typeOf(prop));
                // the sync makes a child table of it, and may leave it out of the parent table
                c.put("array", true);
                out.add(c);
                child(prop.path("items"), column, false, ancestors, steps, children);
            } else {
                out.add(column(out, column, path, typeOf(prop)));
            }
        }
    }

    /** The child table of an array's elements or a map's values: an object's columns, or one value column. */
    private void child(JsonNode elementRef, String column, boolean map, Set<String> ancestors, List<String> steps,
                       ArrayNode children) {
        List<String> down = new ArrayList<>(steps);
        down.add(column);
        ObjectNode child = children.addObject();
        ArrayNode path = child.putArray("steps");
        down.forEach(path::add);
        child.put("map", map);
        ArrayNode columns = mapper().createArrayNode();
        JsonNode element = resolve(elementRef);
        if (isObject(element) && element.path("properties").size() > 0) {
            Set<String> next = new HashSet<>(ancestors);
            String ref = refName(elementRef);
            if (ref != null) {
                next.add(ref);
            }
            columnsOf(elementRef, List.of(), 1, next, columns, down, children, false);
        } else {
            child.put("scalars", true);
            columns.add(column(columns, VALUE, List.of(VALUE), typeOf(element)));
        }
        child.set("columns", columns);
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (JsonNode c : columns) {
            String was = seen.put(c.path("name").asText(), c.path("path").asText(c.path("name").asText()));
            if (was != null || (map && c.path("name").asText().equals(MAP_KEY))) {
                throw new IllegalStateException("two fields of " + String.join(".", down) + " would share the column "
                        + c.path("name").asText());
            }
        }
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper();
    }

    /** The column of an element that is no object (an array of strings), and of a map's value that is none. */
    public static final String VALUE = "value";
    /** The column of a map's table holding the key of each entry (an attribute id). */
    public static final String MAP_KEY = "map_key";

    /**
     * The items schema when every property of an object is an array of the same kind of object (two at
     * least), else null.
     */
    private JsonNode listsOfOneKind(JsonNode object) {
        JsonNode items = null;
        int count = 0;
        for (Iterator<JsonNode> it = object.path("properties").elements(); it.hasNext(); ) {
            JsonNode prop = resolve(it.next());
            if (!"array".equals(prop.path("type").asText()) || !isObject(resolve(prop.path("items")))) {
                return null;
            }
            if (items != null && !items.equals(prop.path("items"))) {
                return null;
            }
            items = prop.path("items");
            count++;
        }
        return count >= 2 ? items : null;
    }

    private static ObjectNode column(ArrayNode out, String name, List<String> path, String type) {
        ObjectNode c = out.objectNode();
        c.put("name", name);
        String joined = String.join("__", path);
        if (!joined.equals(name)) {
            c.put("path", joined);
        }
        c.put("type", type);
        return c;
    }

    static String typeOf(JsonNode prop) {
        String type = prop.path("type").asText("");
        switch (type) {
            case "string":
                return "date-time".equals(prop.path("format").asText()) ? "timestamp" : "text";
            case "integer":
                return "bigint";
            case "number":
                return "double";
            case "boolean":
                return "boolean";
            case "array":
            case "object":
                return "json";
            default:
                return prop.has("properties") ? "json" : "untyped";
        }
    }

    private static boolean isObject(JsonNode schema) {
        return "object".equals(schema.path("type").asText()) || schema.has("properties");
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        while (current.has("$ref")) {
            current = schemas.path(refName(current));
        }
        return current;
    }

    private static String refName(JsonNode schema) {
        String ref = schema.path("$ref").asText(null);
        return ref == null ? null : ref.substring(ref.lastIndexOf('/') + 1);
    }
}
