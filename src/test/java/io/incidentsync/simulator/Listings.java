package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the tables that changes touch the way a complete sync does (every page, every mode, every incident_mode)
 * and holds them to the oracle, so a test can say "every listing the oracle reports still agrees".
 */
final class Listings {
    /** The tables whose records belong to, or embed, an incident. */
    static final List<String> INCIDENT_TABLES = List.of("incidents", "incident_updates", "follow_ups", "actions",
            "incident_alerts", "escalations", "incident_attachments");

    private Listings() {
    }

    /** Every record of table the key can list, in id order, as served. */
    static List<JsonNode> read(Api api, String table) {
        return switch (table) {
            case "incidents" -> api.walk("/v2/incidents", "incidents", 250, Api.everyModeAndCategory());
            case "incident_updates" -> api.walk("/v2/incident_updates", "incident_updates", 250, List.of());
            case "incident_alerts" -> api.walk("/v2/incident_alerts", "incident_alerts", 50, List.of());
            case "escalations" -> api.walk("/v2/escalations", "escalations", 50, List.of());
            case "incident_attachments" -> list(api.get("/v1/incident_attachments").json().get("incident_attachments"));
            case "follow_ups", "actions" -> {
                List<JsonNode> out = new ArrayList<>();
                for (String mode : List.of("standard", "retrospective", "test", "tutorial", "stream")) {
                    Api.Answer answer = api.get("/v2/" + table, "incident_mode", mode);
                    if (answer.status() != 200) {
                        throw new AssertionError(table + " answered " + answer.status() + ": " + answer.body());
                    }
                    out.addAll(list(answer.json().get(table)));
                }
                out.sort(Comparator.comparing(r -> r.get("id").asText()));
                yield out;
            }
            default -> throw new IllegalArgumentException(table);
        };
    }

    /** For each table, what differs between its listing and the oracle (empty when they agree record for record). */
    static Map<String, String> disagreements(Api api, Oracle oracle, boolean privateScope, List<String> tables) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String table : tables) {
            List<JsonNode> served = read(api, table);
            List<JsonNode> expected = canonical(oracle.records(table, privateScope));
            if (!served.equals(expected)) {
                List<String> servedIds = Api.ids(served);
                List<String> expectedIds = Api.ids(expected);
                out.put(table, servedIds.equals(expectedIds) ? "same ids, different records"
                        : served.size() + " served, " + expected.size() + " expected; first served not expected: "
                        + servedIds.stream().filter(id -> !expectedIds.contains(id)).findFirst().orElse("-")
                        + ", first expected not served: "
                        + expectedIds.stream().filter(id -> !servedIds.contains(id)).findFirst().orElse("-"));
            }
        }
        return out;
    }

    /** The records as a client parses them (numbers as the parser types them), to compare with what was served. */
    static List<JsonNode> canonical(List<ObjectNode> records) {
        List<JsonNode> out = new ArrayList<>();
        records.forEach(r -> out.add(parse(r.toString())));
        return out;
    }

    static JsonNode parse(String json) {
        try {
            return Api.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
