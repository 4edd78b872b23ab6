package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The simulator's list endpoints page, limit pages and require parameters as incident.io's description (its
 * committed facts) says: a page_size parameter where the simulator pages, its declared maximum as the simulator's,
 * and the same required parameters. Where the description declares no maximum, API.md's 250 holds.
 */
class EndpointsFollowTheSpecTest {

    @Test
    void everyEndpointPagesAndRequiresWhatTheSpecDeclares() throws Exception {
        SpecSchemas spec = new SpecSchemas();
        List<String> differences = new ArrayList<>();
        for (Endpoint endpoint : Endpoints.all()) {
            JsonNode pageSize = null;
            Set<String> required = new TreeSet<>();
            for (JsonNode parameter : spec.operation(endpoint.path()).path("parameters")) {
                if (parameter.path("name").asText().equals("page_size")) {
                    pageSize = parameter;
                }
                if (parameter.path("required").asBoolean()) {
                    required.add(parameter.path("name").asText());
                }
            }
            String path = endpoint.path();
            if ((pageSize != null) != endpoint.paged()) {
                differences.add(path + ": the spec " + (pageSize != null ? "pages" : "does not page") + " it");
            }
            if (pageSize != null && pageSize.at("/schema/maximum").isNumber()
                    && pageSize.at("/schema/maximum").asInt() != endpoint.maxPageSize()) {
                differences.add(path + ": page_size maximum " + pageSize.at("/schema/maximum").asInt()
                        + " in the spec, " + endpoint.maxPageSize() + " in the simulator");
            }
            if (pageSize != null && !pageSize.at("/schema/maximum").isNumber()
                    && endpoint.maxPageSize() != Endpoints.MAX_PAGE_SIZE) {
                differences.add(path + ": no declared maximum, so API.md's " + Endpoints.MAX_PAGE_SIZE);
            }
            if (!required.equals(new TreeSet<>(endpoint.requiredParams()))) {
                differences.add(path + ": requires " + required + " in the spec, "
                        + new TreeSet<>(endpoint.requiredParams()) + " in the simulator");
            }
        }
        assertEquals(List.of(), differences);
        assertTrue(Endpoints.all().stream().anyMatch(e -> e.maxPageSize() == Endpoints.ALERTING_MAX_PAGE_SIZE),
                "the declared maxima below 250 are among those compared");
    }
}
