package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import io.incidentsync.schema.OpenApiFacts;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The response and webhook schemas of incident.io's OpenAPI description, as the committed facts hold them
 * (src/main/resources/incident-io/openapi-facts.json), for validating what the simulator answers and sends.
 */
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
        try (InputStream in = SpecSchemas.class.getResourceAsStream("/incident-io/" + OpenApiFacts.FILE_NAME)) {
            spec = Api.MAPPER.readTree(in);
        }
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
     * to the schema x-webhooks names for /x-webhooks/public_incident.incident_created_v2.
     */
    List<String> webhookViolations(String eventType, String body) {
        Schema schema = byPath.computeIfAbsent("webhook " + eventType,
                k -> schemaOf(spec.path("x-webhooks").path("/x-webhooks/" + eventType), "webhook " + eventType));
        return messages(eventType, schema.validate(body, InputFormat.JSON));
    }

    /** The facts' GET operation of a path: its parameters (names, required, page limits) and responses. */
    JsonNode operation(String path) {
        JsonNode get = spec.path("paths").path(path).path("get");
        if (get.isMissingNode()) {
            throw new IllegalArgumentException("the spec has no GET " + path);
        }
        return get;
    }

    List<String> errorViolations(String what, String body) {
        return messages(what, errorSchema.validate(body, InputFormat.JSON));
    }

    private Schema responseSchema(String path) {
        return schemaOf(spec.path("paths").path(path), "GET " + path);
    }

    private Schema schemaOf(JsonNode item, String what) {
        JsonNode content = item.path("get").path("responses").path("200").path("content")
                .path("application/json").path("schema");
        if (content.isMissingNode()) {
            throw new IllegalArgumentException("the spec has no 200 JSON response for " + what);
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
