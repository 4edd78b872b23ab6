package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The response schemas of incident.io's OpenAPI description, for validating what the simulator answers. */
final class SpecSchemas {
    /**
     * The spec's GET operations declare only 200 responses, so error bodies are held to the shape incident.io documents for errors:
     * {type, status, request_id, errors: [{code, message, source?: {field}}]}, plus rate_limit on a 429.
     */
    private static final String ERROR_SCHEMA = """
            {"type": "object", "required": ["type", "status", "request_id", "errors"],
             "properties": {
               "type": {"type": "string"}, "status": {"type": "integer"}, "request_id": {"type": "string"},
               "errors": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["code", "message"],
                 "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                   "source": {"type": "object", "required": ["field"], "properties": {"field": {"type": "string"}}}}}},
               "rate_limit": {"type": "object", "required": ["name", "limit", "remaining", "retry_after"],
                 "properties": {"name": {"type": "string"}, "limit": {"type": "integer"},
                   "remaining": {"type": "integer"}, "retry_after": {"type": "string"}}}}}""";

    private final JsonNode spec;
    private final SchemaRegistry registry;
    private final Map<String, Schema> byPath = new HashMap<>();
    private final Schema errorSchema;

    SpecSchemas() throws IOException {
        Path file = io.incidentsync.OpenApiFile.path();
        spec = Api.MAPPER.readTree(Files.readString(file));
        registry = SchemaRegistry.withDialect(Dialects.getOpenApi30(), builder -> builder.schemaRegistryConfig(
                SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        errorSchema = registry.getSchema(ERROR_SCHEMA, InputFormat.JSON);
    }

    /** Violations of the 200 response schema of GET path, one line each. */
    List<String> violations(String path, String body) {
        Schema schema = byPath.computeIfAbsent(path, this::responseSchema);
        return messages(path, schema.validate(body, InputFormat.JSON));
    }

    /**
     * Violations of the spec's x-webhooks payload of an event type, e.g. public_incident.incident_created_v2 is held
     * to WebhooksPublicIncidentIncidentCreatedV2ResponseBody.
     */
    List<String> webhookViolations(String eventType, String body) {
        StringBuilder name = new StringBuilder("Webhooks");
        for (String part : eventType.split("[._]")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        name.append("ResponseBody");
        if (!spec.path("components").path("schemas").has(name.toString())) {
            throw new IllegalArgumentException("the spec has no schema " + name + " for " + eventType);
        }
        Schema schema = byPath.computeIfAbsent("webhook " + name, k -> {
            ObjectNode root = Api.MAPPER.createObjectNode();
            root.put("$ref", "#/components/schemas/" + name);
            root.set("components", spec.get("components"));
            return registry.getSchema(root.toString(), InputFormat.JSON);
        });
        return messages(eventType, schema.validate(body, InputFormat.JSON));
    }

    List<String> errorViolations(String what, String body) {
        return messages(what, errorSchema.validate(body, InputFormat.JSON));
    }

    private Schema responseSchema(String path) {
        JsonNode content = spec.path("paths").path(path).path("get").path("responses").path("200").path("content")
                .path("application/json").path("schema");
        if (content.isMissingNode()) {
            throw new IllegalArgumentException("the spec has no 200 JSON response for GET " + path);
        }
        ObjectNode root = Api.MAPPER.createObjectNode();
        root.setAll((ObjectNode) content.deepCopy());
        root.set("components", spec.get("components"));
        return registry.getSchema(root.toString(), InputFormat.JSON);
    }

    private static List<String> messages(String what, List<Error> errors) {
        return errors.stream().map(e -> what + ": " + e.getMessage()).toList();
    }
}
