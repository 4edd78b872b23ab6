package io.incidentsync.schema;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The committed catalog is what our generator derives from incident.io's OpenAPI description today. */
class CatalogIsCurrentTest {

    @Test
    void theShippedCatalogMatchesTheSpec() throws Exception {
        Path spec = io.incidentsync.OpenApiFile.path();
        String generated = CatalogGenerator.generate(spec);
        try (InputStream in = getClass().getResourceAsStream("/incident-io/catalog.json")) {
            assertNotNull(in);
            assertEquals(generated, new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "regenerate src/main/resources/incident-io/catalog.json with CatalogGenerator (see its javadoc)");
        }
    }

    @Test
    void nestedObjectsAreFlattenedAndArraysKeptAsJson() throws Exception {
        Path spec = io.incidentsync.OpenApiFile.path();
        String catalog = CatalogGenerator.generate(spec);
        for (String column : new String[] {"\"severity__name\"", "\"incident_status__category\"", "\"creator__user__email\""}) {
            assertEquals(true, catalog.contains("\"name\" : " + column), column);
        }
        assertEquals(true, catalog.contains("\"name\" : \"custom_field_entries\",\n      \"type\" : \"json\""));
    }
}
