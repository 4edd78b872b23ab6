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
        Set<String> seen = new HashSet<>();
        seen.add(refName(items));
        columnsOf(items, List.of(), 1, seen, columns);
        return java.util.Optional.of(listing);
    }

    private void columnsOf(JsonNode schemaOrRef, List<String> parent, int depth, Set<String> ancestors, ArrayNode out) {
        JsonNode schema = resolve(schemaOrRef);
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
            JsonNode propRef = schema.path("properties").path(name);
            if (propRef.isMissingNode()) {
                out.add(column(out, column, "untyped"));
                continue;
            }
            JsonNode prop = resolve(propRef);
            String ref = refName(propRef);
            if (isObject(prop) && prop.path("properties").size() > 0) {
                if (depth >= MAX_FLATTEN_DEPTH || (ref != null && ancestors.contains(ref))) {
                    out.add(column(out, column, "json"));
                } else {
                    Set<String> next = new HashSet<>(ancestors);
                    if (ref != null) {
                        next.add(ref);
                    }
                    columnsOf(propRef, path, depth + 1, next, out);
                }
            } else {
                ObjectNode c = column(out, column, typeOf(prop));
                if ("array".equals(prop.path("type").asText())) {
                    // the sync makes a child table of it, and may leave it out of the parent table
                    c.put("array", true);
                }
                out.add(c);
            }
        }
    }

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

    private static ObjectNode column(ArrayNode out, String name, String type) {
        ObjectNode c = out.objectNode();
        c.put("name", name);
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
