package io.incidentsync;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * incident.io's OpenAPI description, which the catalog and spec-conformance tests read and the
 * repository does not hold: -Dincident.openapi, else ../shared/incident-io/openapi3.json beside the
 * clone. When it is in neither place those tests fail with a line saying so.
 */
public final class OpenApiFile {

    private OpenApiFile() {
    }

    public static Path path() {
        Path file = Path.of(System.getProperty("incident.openapi", "../shared/incident-io/openapi3.json"));
        if (!Files.isRegularFile(file)) {
            fail("incident.io's OpenAPI description is not at " + file.toAbsolutePath().normalize()
                    + ": put the shared directory beside the clone (../shared/incident-io/openapi3.json) or pass"
                    + " -Dincident.openapi=/path/to/openapi3.json (README, Tests)");
        }
        return file;
    }
}
