package io.incidentsync.schema;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed catalog is what our generator derives from the committed facts of incident.io's OpenAPI
 * description; {@code catalog --check FILE} holds both against the description itself.
 */
class CatalogIsCurrentTest {

    static String resource(String name) throws IOException {
        try (InputStream in = CatalogIsCurrentTest.class.getResourceAsStream("/incident-io/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode facts() throws IOException {
        return OpenApiFacts.MAPPER.readTree(resource(OpenApiFacts.FILE_NAME));
    }

    @Test
    void theShippedCatalogMatchesTheSpec() throws Exception {
        assertEquals(CatalogGenerator.generate(facts()), resource("catalog.json"),
                "regenerate with: java -jar target/incident-io-sync.jar catalog --write ../shared/incident-io/openapi3.json");
    }

    @Test
    void nestedObjectsAreFlattenedAndArraysKeptAsJson() throws Exception {
        String catalog = CatalogGenerator.generate(facts());
        for (String column : new String[] {"\"severity__name\"", "\"incident_status__category\"", "\"creator__user__email\""}) {
            assertEquals(true, catalog.contains("\"name\" : " + column), column);
        }
        assertEquals(true, catalog.contains("\"name\" : \"custom_field_entries\",\n      \"type\" : \"json\""));
    }

    /** Facts only: deriving them again keeps nothing less and adds nothing, so no prose is in the file. */
    @Test
    void theCommittedFactsAreTheirOwnFactsAndHoldNoProse() throws Exception {
        String committed = resource(OpenApiFacts.FILE_NAME);
        assertEquals(committed, OpenApiFacts.text(OpenApiFacts.derive(facts())));
        for (String prose : new String[] {"\"description\"", "\"summary\"", "\"example\"", "\"examples\"", "\"title\""}) {
            assertTrue(!committed.contains(prose + " : \""), prose + " holds text in the committed facts");
        }
        JsonNode pageSize = facts().at("/paths/~1v2~1alerts/get/parameters/0");
        assertEquals("page_size", pageSize.path("name").asText());
        assertEquals(50, pageSize.at("/schema/maximum").asInt(), "page limits are among the facts");
        assertTrue(facts().at("/components/schemas/IncidentV2/required").isArray(), "required fields too");
    }
}
