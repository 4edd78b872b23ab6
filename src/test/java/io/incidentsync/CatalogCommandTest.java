package io.incidentsync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.incidentsync.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code catalog --check FILE} and {@code catalog --write FILE}, on a small OpenAPI description of two listings
 * built here: agreeing files exit 0 with one line, drift exits 1 naming each difference and the fix, a file that
 * is not an OpenAPI description exits 2 with one line.
 */
class CatalogCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Two listings, one paged with a page limit; prose everywhere the real description has it. */
    private static ObjectNode description() throws Exception {
        return (ObjectNode) MAPPER.readTree("""
                {"openapi": "3.0.3", "info": {"title": "Widgets API", "version": "1.0.0"},
                 "paths": {
                   "/v2/widgets": {"get": {"summary": "List widgets", "description": "Lists every widget.",
                     "operationId": "Widgets V2#List",
                     "parameters": [{"name": "page_size", "in": "query", "required": true,
                       "description": "Widgets per page", "example": 25,
                       "schema": {"type": "integer", "maximum": 50, "description": "Widgets per page"}}],
                     "responses": {"200": {"description": "OK response.", "content": {"application/json": {
                       "example": {"widgets": []},
                       "schema": {"$ref": "#/components/schemas/WidgetsListResultV2"}}}}}}},
                   "/v2/gadgets": {"get": {"description": "Lists gadgets.", "responses": {"200": {"content": {
                     "application/json": {"schema": {"type": "object", "properties": {"gadgets": {"type": "array",
                       "items": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}}}}}}}}}
                 },
                 "components": {"schemas": {
                   "WidgetsListResultV2": {"type": "object", "required": ["widgets", "pagination_meta"], "properties": {
                     "widgets": {"type": "array", "items": {"$ref": "#/components/schemas/WidgetV2"}},
                     "pagination_meta": {"type": "object", "properties": {"after": {"type": "string"}}}}},
                   "WidgetV2": {"type": "object", "title": "A widget", "required": ["id", "count"], "properties": {
                     "id": {"type": "string", "example": "01FCNDV6P870EA6S7TK1DSYDG0"},
                     "count": {"type": "integer", "description": "How many there are"},
                     "colour": {"type": "string", "enum": ["red", "blue"]},
                     "made_at": {"type": "string", "format": "date-time"}}},
                   "UnusedV2": {"type": "object", "properties": {"x": {"type": "string"}}}}}}
                """);
    }

    private static Path write(Path dir, String name, ObjectNode spec) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, MAPPER.writeValueAsString(spec));
        return file;
    }

    @Test
    void helpNamesBothModesAndTheExitCodes() {
        CliTest.Result r = cli("catalog", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: " + CliTest.PROGRAM + " catalog "), r.out());
        for (String named : List.of("--check=FILE", "--write=FILE", "--resources=DIR", "Exit codes: 0")) {
            assertTrue(r.out().contains(named), named + " in\n" + r.out());
        }
        assertTrue(cli("--help").out().lines().anyMatch(l -> l.startsWith("  catalog ")), "listed among the commands");
    }

    @Test
    void writeThenCheckAgreesAndTheFactsHoldNoProse(@TempDir Path dir) throws Exception {
        Path spec = write(dir, "openapi3.json", description());
        Path resources = dir.resolve("resources");

        CliTest.Result written = cli("catalog", "--write", spec.toString(), "--resources", resources.toString());
        assertEquals(0, written.code(), written.err());
        String facts = Files.readString(resources.resolve("openapi-facts.json"));
        String catalog = Files.readString(resources.resolve("catalog.json"));
        for (String prose : List.of("Widgets API", "List widgets", "Lists every widget", "Widgets per page",
                "OK response", "A widget", "How many", "01FCNDV6P870EA6S7TK1DSYDG0", "operationId", "UnusedV2")) {
            assertFalse(facts.contains(prose), prose + " in\n" + facts);
        }
        for (String fact : List.of("\"maximum\" : 50", "\"enum\" : [ \"red\", \"blue\" ]", "\"format\" : \"date-time\"",
                "\"required\" : [ \"id\", \"count\" ]", "\"/v2/gadgets\"")) {
            assertTrue(facts.contains(fact), fact + " in\n" + facts);
        }
        assertTrue(catalog.contains("\"/v2/widgets\"") && catalog.contains("\"timestamp\""), catalog);

        CliTest.Result checked = cli("catalog", "--check", spec.toString(), "--resources", resources.toString());
        assertEquals(0, checked.code(), checked.err());
        assertEquals("", checked.err());
        assertEquals(1, checked.out().lines().count(), checked.out());
        assertTrue(checked.out().contains("agree with " + spec), checked.out());
    }

    @Test
    void aRemovedPathAndAChangedTypeAreEachNamedWithTheFix(@TempDir Path dir) throws Exception {
        Path resources = dir.resolve("resources");
        assertEquals(0, cli("catalog", "--write", write(dir, "old.json", description()).toString(),
                "--resources", resources.toString()).code());
        ObjectNode changed = description();
        ((ObjectNode) changed.get("paths")).remove("/v2/gadgets");
        ((ObjectNode) changed.at("/components/schemas/WidgetV2/properties/count")).put("type", "string");
        Path spec = write(dir, "new.json", changed);

        CliTest.Result r = cli("catalog", "--check", spec.toString(), "--resources", resources.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertTrue(lines.contains("catalog.json: listing /v2/gadgets removed"), r.err());
        assertTrue(lines.contains("catalog.json: listing /v2/widgets column count type: \"bigint\", now \"text\""),
                r.err());
        assertTrue(lines.contains("openapi-facts.json: path /v2/gadgets removed"), r.err());
        assertTrue(lines.contains("openapi-facts.json: schema WidgetV2 properties count type: \"integer\", now"
                + " \"string\""), r.err());
        assertEquals(5, lines.size(), "four differences and the fix:\n" + r.err());
        assertTrue(lines.get(4).endsWith("catalog --write " + spec), lines.get(4));
        assertEquals("", r.out());

        assertEquals(0, cli("catalog", "--write", spec.toString(), "--resources", resources.toString()).code());
        assertEquals(0, cli("catalog", "--check", spec.toString(), "--resources", resources.toString()).code());
    }

    @Test
    void aMissingOrForeignFileIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Path resources = dir.resolve("resources");
        Path notJson = Files.writeString(dir.resolve("notes.txt"), "<html>not json</html>");
        Path notOpenApi = Files.writeString(dir.resolve("other.json"), "{\"swagger\": \"2.0\", \"paths\": {}}");
        for (Path file : List.of(dir.resolve("missing.json"), notJson, notOpenApi)) {
            for (String mode : List.of("--check", "--write")) {
                CliTest.Result r = cli("catalog", mode, file.toString(), "--resources", resources.toString());
                assertEquals(2, r.code(), mode + " " + file + ": " + r.err());
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().startsWith("catalog: ") && r.err().contains(file.toString()), r.err());
            }
        }
        assertFalse(Files.exists(resources), "nothing written from a file that is not a description");

        Path spec = write(dir, "openapi3.json", description());
        CliTest.Result nothingCommitted = cli("catalog", "--check", spec.toString(), "--resources",
                resources.toString());
        assertEquals(2, nothingCommitted.code());
        assertTrue(nothingCommitted.err().contains("no committed catalog.json in " + resources), nothingCommitted.err());
    }
}
