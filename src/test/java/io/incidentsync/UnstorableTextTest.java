package io.incidentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A NUL or a lone surrogate in a text field or a JSON column never costs a record. H2 stores Java
 * strings as they are, so it keeps them exactly; the PostgreSQL variant expects U+FFFD in their place.
 */
class UnstorableTextTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final HostileApi api = HostileApi.forEachTest();

    /** A sync of these tables into the database under test; the PostgreSQL variant points it there. */
    HostileApi.Sync sync(String streams) throws Exception {
        return new HostileApi.Sync(api, streams);
    }

    /** What the database under test holds for a value sent as {@code sent}: H2 holds it as it came. */
    String stored(String sent, String replaced) {
        return sent;
    }

    @Test
    void aNulOrALoneSurrogateInTextOrJsonKeepsTheRecordAndEveryOtherCharacter() throws Exception {
        // the body's own text: JSON escapes, as the API would send them
        api.on("/v2/users", r -> HostileApi.Reply.json(HostileApi.page("users", List.of(
                "{\"id\":\"U1\",\"name\":\"a\\u0000b\"}",
                "{\"id\":\"U2\",\"name\":\"c\\ud800d\"}",
                "{\"id\":\"U3\",\"name\":\"\\ud800\\ud83d\\ude00 \\udc00\"}",
                "{\"id\":\"U4\",\"name\":\"ok\",\"custom_roles\":[\"e\\u0000f\"]}",
                "{\"id\":\"U5\",\"name\":\"ok\",\"custom_roles\":[\"g\\ud800h\",\"i\\udc00\"]}",
                // an escaped backslash: the u0000 after it is text, not an escape; a pair stays a pair
                "{\"id\":\"U6\",\"name\":\"ok\",\"custom_roles\":[\"j\\\\u0000k\",\"l\\ud83d\\ude00m\",\"n\\\\\\u0000\"]}"),
                null)));

        try (HostileApi.Sync sync = sync("users")) {
            assertEquals(0, sync.run(), sync.err);

            Map<String, String> names = sync.column("users", "name");
            assertEquals(List.of("U1", "U2", "U3", "U4", "U5", "U6"), new ArrayList<>(names.keySet()), "every record is stored");
            assertEquals(stored("a\u0000b", "a\uFFFDb"), names.get("U1"));
            assertEquals(stored("c\ud800d", "c\uFFFDd"), names.get("U2"));
            assertEquals(stored("\ud800\ud83d\ude00 \udc00", "\uFFFD\ud83d\ude00 \uFFFD"), names.get("U3"));

            Map<String, String> roles = sync.column("users", "custom_roles");
            assertEquals(List.of(stored("e\u0000f", "e\uFFFDf")), strings(roles.get("U4")));
            assertEquals(List.of(stored("g\ud800h", "g\uFFFDh"), stored("i\udc00", "i\uFFFD")), strings(roles.get("U5")));
            assertEquals(List.of("j\\u0000k", "l\ud83d\ude00m", stored("n\\\u0000", "n\\\uFFFD")), strings(roles.get("U6")));
        }
    }

    @Test
    void incidentsWaitingForTheirUpdatesKeepALoneSurrogateAndAnUpdatesNulReachesTheirUpdatesColumn() throws Exception {
        // incident rows wait in a temporary file until the updates and actions listings are complete
        api.on("/v2/incidents", r -> HostileApi.Reply.json(HostileApi.page("incidents", List.of(
                "{\"id\":\"I1\",\"name\":\"p\\ud800q\\u0000\"}"), null)));
        api.on("/v2/incident_updates", r -> HostileApi.Reply.json(HostileApi.page("incident_updates", List.of(
                "{\"id\":\"IU1\",\"incident_id\":\"I1\",\"message\":\"x\\u0000y\\ud800z\"}"), null)));
        api.on("/v2/actions", r -> HostileApi.Reply.json(HostileApi.page("actions", List.of(), null)));

        try (HostileApi.Sync sync = sync("incidents,incident_updates,actions")) {
            assertEquals(0, sync.run(), sync.err);

            assertEquals(stored("x\u0000y\ud800z", "x\uFFFDy\uFFFDz"), sync.column("incident_updates", "message").get("IU1"));
            assertEquals(stored("p\ud800q\u0000", "p\uFFFDq\uFFFD"), sync.column("incidents", "name").get("I1"));
            JsonNode updates = JSON.readTree(sync.column("incidents", "updates").get("I1"));
            assertEquals(1, updates.size(), updates.toString());
            assertEquals(stored("x\u0000y\ud800z", "x\uFFFDy\uFFFDz"), updates.get(0).path("message").asText());
        }
    }

    /** The strings of a JSON array column's text, as a JSON reader decodes them. */
    private static List<String> strings(String jsonArray) throws Exception {
        List<String> out = new ArrayList<>();
        JSON.readTree(jsonArray).forEach(element -> out.add(element.asText()));
        return out;
    }
}
