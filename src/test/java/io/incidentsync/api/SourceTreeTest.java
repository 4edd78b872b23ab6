package io.incidentsync.api;

import io.incidentsync.simulator.SimulatorClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidentsync.simulator.Simulator;
import io.incidentsync.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records read from a response body are the trees Jackson would build, and the JSON text a column
 * takes from them is the value's own text in the body, which reads back as the same value.
 */
class SourceTreeTest {

    @Test
    void aHandWrittenBodyReadsAsJacksonReadsItAndKeepsEachValuesText() throws IOException {
        String body = "{\"items\":[{\"id\":\"a\",\"n\":1,\"big\":12345678901,\"huge\":123456789012345678901234567890,"
                + "\"x\":1.5e3,\"t\":true,\"f\":false,\"z\":null,\"nested\":{\"arr\":[1,[2,{}],[]],\"s\":\"é \\\"q\\\" \\u00e9 🔥\\n\"},"
                + "\"list\":[{\"k\":\"v\"}]},{\"id\":\"b\",\"empty\":{}}],\"pagination_meta\":{\"after\":\"b\"}}";
        List<ObjectNode> records = records(body, "items");
        JsonNode expected = Page.MAPPER.readTree(body).get("items");
        assertEquals(2, records.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(expected.get(i), records.get(i));
        }
        ObjectNode first = records.get(0);
        assertEquals("{\"arr\":[1,[2,{}],[]],\"s\":\"é \\\"q\\\" \\u00e9 🔥\\n\"}", Page.json(first.get("nested")));
        assertEquals("[1,[2,{}],[]]", Page.json(first.at("/nested/arr")));
        assertEquals("[{\"k\":\"v\"}]", Page.json(first.get("list")));
        assertEquals("{}", Page.json(records.get(1).get("empty")));
        assertEquals(1L, first.get("big").asLong() / 12345678901L);
        assertTrue(first.get("huge").isBigInteger());
    }

    /** A body too large for memory waits in a file; its records still take their text from it. */
    @Test
    void aBodyInAFileGivesTheSameRecordsAndTexts(@TempDir Path dir) throws IOException {
        String body = "{\"items\":[{\"id\":\"a\",\"list\":[1,{\"é\":\"🔥\"}]},{\"id\":\"b\",\"o\":{\"k\":[]}}]}";
        Path file = dir.resolve("body.json");
        Files.write(file, body.getBytes(StandardCharsets.UTF_8));
        Page page = Page.parse(new Page.Body(null, file), "items");
        List<ObjectNode> records = new ArrayList<>();
        page.forEach(records::add);
        assertEquals(Page.MAPPER.readTree(body).get("items"), Page.MAPPER.valueToTree(records));
        assertEquals("[1,{\"é\":\"🔥\"}]", Page.json(records.get(0).get("list")));
        assertEquals("{\"k\":[]}", Page.json(records.get(1).get("o")));
        assertEquals("{\"id\":\"b\",\"o\":{\"k\":[]}}", Page.json(records.get(1)));
    }

    @Test
    void aValueChangedInPlaceIsWrittenOutAgainNotTakenFromTheBody() throws IOException {
        ObjectNode record = records("{\"items\":[{\"id\":\"a\",\"list\":[1,2],\"o\":{\"k\":1}}]}", "items").get(0);
        ((ArrayNode) record.get("list")).add(3);
        ((ObjectNode) record.get("o")).put("extra", true);
        record.put("added", "x");
        assertNull(SourceTree.sourceText(record.get("list")));
        assertEquals("[1,2,3]", Page.json(record.get("list")));
        assertEquals("{\"k\":1,\"extra\":true}", Page.json(record.get("o")));
        assertEquals("{\"id\":\"a\",\"list\":[1,2,3],\"o\":{\"k\":1,\"extra\":true},\"added\":\"x\"}", Page.json(record));
    }

    /** Every object and array of two listings of the simulator: the body's text is exactly that value. */
    @Test
    void everyValueOfSimulatedListingsKeepsTextThatReadsBackAsItself() throws Exception {
        try (Simulator simulator = Simulator.start(new SimulatorConfig().seed(3).incidents(300).addKey("k", true)
                .rateLimits(false), 0)) {
            int compared = 0;
            for (String[] listing : new String[][] {{"/v2/incidents?page_size=250", "incidents"},
                    {"/v2/incident_updates?page_size=250", "incident_updates"}}) {
                String body = get(simulator.baseUrl() + listing[0]);
                List<ObjectNode> records = records(body, listing[1]);
                JsonNode expected = Page.MAPPER.readTree(body).get(listing[1]);
                assertEquals(expected.size(), records.size());
                for (int i = 0; i < records.size(); i++) {
                    assertEquals(expected.get(i), records.get(i));
                    compared += compareTexts(records.get(i));
                }
            }
            assertTrue(compared > 10_000, "compared " + compared + " values");
        }
    }

    private static int compareTexts(JsonNode value) throws IOException {
        if (!value.isContainerNode()) {
            return 0;
        }
        Class<?> expected = value.isObject() ? SourceTree.SourceObject.class : SourceTree.SourceArray.class;
        assertEquals(expected, value.getClass());
        String text = SourceTree.sourceText(value);
        assertNotEquals(null, text);
        // the same JSON value, though the API may escape what Jackson would not (the simulator escapes emoji)
        assertEquals(value, Page.MAPPER.readTree(text));
        int compared = 1;
        for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
            compared += compareTexts(it.next());
        }
        return compared;
    }

    private static List<ObjectNode> records(String body, String arrayKey) throws IOException {
        Page page = Page.parse(new Page.Body(body.getBytes(StandardCharsets.UTF_8), null), arrayKey);
        List<ObjectNode> out = new ArrayList<>();
        page.forEach(out::add);
        return out;
    }

    private static String get(String url) throws Exception {
        SimulatorClient.Reply response = SimulatorClient.get(url, "k");
        assertEquals(200, response.status(), response.body());
        return response.body();
    }
}
