package io.incidentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A NUL or a lone surrogate in a text field or a JSON column never costs a record. H2 stores Java
 * strings as they are, so it keeps them exactly; the PostgreSQL variant expects U+FFFD in their place.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class UnstorableTextTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final HostileApi api = HostileApi.forEachTest();

    /** A sync of these tables into this run's database. */
    HostileApi.Sync sync(String streams) throws Exception {
        return db.on(new HostileApi.Sync(api, streams));
    }

    /**
     * What this run's database holds for a value sent as {@code sent}. H2 holds it as it came. PostgreSQL cannot
     * hold U+0000 in text nor <code>&#92;u0000</code> in jsonb, rejects a lone surrogate escape in jsonb, and its
     * driver would send a lone surrogate as {@code ?}: each such character becomes U+FFFD ({@code replaced}).
     * MariaDB's JSON_VALID check refuses a lone surrogate escape and its driver would send a lone surrogate as
     * {@code ?}: each becomes U+FFFD; NUL, which MariaDB stores, and every other character are kept.
     */
    String stored(String sent, String replaced) {
        return switch (db) {
            case H2 -> sent;
            case POSTGRES -> replaced;
            case MARIADB -> withoutLoneSurrogates(sent);
        };
    }

    private static String withoutLoneSurrogates(String sent) {
        StringBuilder out = new StringBuilder(sent.length());
        for (int i = 0; i < sent.length(); i++) {
            char c = sent.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < sent.length() && Character.isLowSurrogate(sent.charAt(i + 1))) {
                out.append(c).append(sent.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
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
