package io.incidentsync.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The facts of incident.io's OpenAPI description that the catalog, the tests and the simulator rest on, without
 * its prose: every GET operation (its parameters and response schemas), every webhook payload, and the component
 * schemas they reach. What is kept is still an OpenAPI document, so a schema validator and
 * {@link CatalogGenerator} read it as they would read the whole description.
 *
 * <p>Kept by name, never by omission: a keyword this class does not list (description, summary, example,
 * examples, title, x-...) is left out, so prose the description grows later cannot slip into the committed
 * file. Keys are sorted and arrays keep the description's order, so the same description gives the same text;
 * deriving the facts of the facts gives them back unchanged.
 */
public final class OpenApiFacts {

    /** The committed facts, beside {@code catalog.json}. */
    public static final String FILE_NAME = "openapi-facts.json";

    /** Webhook payloads sit among the audit-log entries in x-webhooks; only these are deliveries we receive. */
    private static final String WEBHOOK_PREFIX = "/x-webhooks/";

    /** Schema keywords whose values are facts; names in properties are kept whatever they are. */
    private static final Set<String> SCHEMA_FACTS = Set.of("$ref", "type", "format", "enum", "required", "items",
            "properties", "additionalProperties", "allOf", "anyOf", "oneOf", "not", "nullable", "default", "minimum",
            "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems",
            "maxItems", "uniqueItems", "minProperties", "maxProperties", "multipleOf", "readOnly", "writeOnly",
            "deprecated");
    private static final Set<String> PARAMETER_FACTS = Set.of("name", "in", "required", "deprecated");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf");
    private static final Set<String> SUBSCHEMAS = Set.of("items", "additionalProperties", "not");

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private OpenApiFacts() {
    }

    /** Thrown for a file that is missing, unreadable, not JSON or not an OpenAPI 3 description. */
    public static final class NotOpenApiException extends IOException {
        NotOpenApiException(String message) {
            super(message);
        }
    }

    /** Reads an OpenAPI 3 description (or facts derived from one), refusing anything else with one line. */
    public static JsonNode read(Path file) throws NotOpenApiException {
        if (!Files.isRegularFile(file)) {
            throw new NotOpenApiException("no file at " + file);
        }
        JsonNode spec;
        try {
            spec = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new NotOpenApiException(file + " is not readable JSON: " + firstLine(e.getMessage()));
        }
        if (spec == null || !spec.path("openapi").asText("").startsWith("3.") || !spec.path("paths").isObject()) {
            throw new NotOpenApiException(file + " is not an OpenAPI 3 description (no \"openapi\": \"3.x\" and"
                    + " \"paths\" at its top)");
        }
        return spec;
    }

    /** The facts of a description, as a document of the same shape. */
    public static ObjectNode derive(JsonNode spec) {
        ObjectNode facts = MAPPER.createObjectNode();
        facts.put("openapi", spec.path("openapi").asText());
        ObjectNode paths = facts.putObject("paths");
        sorted(spec.path("paths")).forEach((path, item) -> {
            if (item.has("get")) {
                paths.putObject(path).set("get", operation(item.get("get")));
            }
        });
        ObjectNode webhooks = facts.putObject("x-webhooks");
        sorted(spec.path("x-webhooks")).forEach((name, item) -> {
            if (name.startsWith(WEBHOOK_PREFIX) && item.has("get")) {
                webhooks.putObject(name).set("get", operation(item.get("get")));
            }
        });
        JsonNode all = spec.path("components").path("schemas");
        ObjectNode schemas = facts.putObject("components").putObject("schemas");
        for (String name : reachable(all, facts)) {
            schemas.set(name, schema(all.get(name)));
        }
        return facts;
    }

    /** The committed text of facts or a catalog: sorted keys, two-space indent, a final newline. */
    public static String text(JsonNode document) throws IOException {
        return MAPPER.writeValueAsString(MAPPER.treeToValue(document, Object.class)) + "\n";
    }

    private static ObjectNode operation(JsonNode get) {
        ObjectNode op = MAPPER.createObjectNode();
        if (get.path("deprecated").asBoolean(false)) {
            op.put("deprecated", true);
        }
        if (get.has("parameters")) {
            ArrayNode params = op.putArray("parameters");
            for (JsonNode p : get.get("parameters")) {
                ObjectNode param = params.addObject();
                PARAMETER_FACTS.stream().filter(p::has).forEach(k -> param.set(k, p.get(k)));
                if (p.has("schema")) {
                    param.set("schema", schema(p.get("schema")));
                }
            }
        }
        ObjectNode responses = op.putObject("responses");
        sorted(get.path("responses")).forEach((status, response) -> {
            ObjectNode content = responses.putObject(status).putObject("content");
            sorted(response.path("content")).forEach((mediaType, body) -> {
                ObjectNode media = content.putObject(mediaType);
                if (body.has("schema")) {
                    media.set("schema", schema(body.get("schema")));
                }
            });
        });
        return op;
    }

    private static JsonNode schema(JsonNode schema) {
        if (!schema.isObject()) {
            return schema.deepCopy();
        }
        ObjectNode out = MAPPER.createObjectNode();
        schema.fields().forEachRemaining(e -> {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (!SCHEMA_FACTS.contains(key)) {
                return;
            }
            if (key.equals("properties")) {
                ObjectNode props = out.putObject(key);
                sorted(value).forEach((name, prop) -> props.set(name, schema(prop)));
            } else if (SUBSCHEMAS.contains(key)) {
                out.set(key, schema(value));
            } else if (SCHEMA_LISTS.contains(key)) {
                ArrayNode list = out.putArray(key);
                value.forEach(s -> list.add(schema(s)));
            } else {
                out.set(key, value.deepCopy());
            }
        });
        return out;
    }

    /** The component schemas the kept operations reach through $ref, directly or through other schemas. */
    private static Set<String> reachable(JsonNode all, JsonNode from) {
        Set<String> seen = new TreeSet<>();
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.add(from);
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            String ref = node.path("$ref").asText(null);
            if (ref != null) {
                String name = ref.substring(ref.lastIndexOf('/') + 1);
                if (seen.add(name) && all.has(name)) {
                    todo.add(all.get(name));
                }
            }
            node.elements().forEachRemaining(todo::add);
        }
        seen.retainAll(names(all));
        return seen;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Map<String, JsonNode> sorted(JsonNode object) {
        Map<String, JsonNode> out = new TreeMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
