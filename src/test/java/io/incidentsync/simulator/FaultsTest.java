package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults on demand, counted from the moment they are set. */
class FaultsTest {
    private Simulator simulator;
    private Api api;

    @BeforeEach
    void start() {
        simulator = Simulator.start(new SimulatorConfig().incidents(120).addKey("k", true).rateLimits(false), 0);
        api = new Api(simulator.baseUrl(), "k");
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void statusFaultsHitExactlyTheKthRequestsFromNow() {
        api.get("/v1/severities");
        simulator.faults().status("/v1/severities", 2, 503).statusBurst("/v2/users", 1, 2, 500);
        assertEquals(200, api.get("/v1/severities").status());
        Api.Answer failed = api.get("/v1/severities");
        assertEquals(503, failed.status());
        assertEquals(503, failed.json().get("status").asInt());
        assertEquals(200, api.get("/v1/severities").status());
        assertEquals(List.of(500, 500, 200),
                List.of(api.get("/v2/users").status(), api.get("/v2/users").status(), api.get("/v2/users").status()));
        assertEquals(4, simulator.requests("/v1/severities"));
    }

    @Test
    void aResetDropsTheConnectionWithoutAnAnswer() throws Exception {
        simulator.faults().reset("/v2/incidents", 1);
        // a raw socket, because java.net.http retries a GET once after a reset and would hide it
        try (Socket socket = rawRequest("/v2/incidents")) {
            InputStream in = socket.getInputStream();
            assertThrows(SocketException.class, () -> {
                if (in.read() == -1) {
                    throw new SocketException("closed without an answer");
                }
            });
        }
        assertEquals(200, api.get("/v2/incidents").status());
    }

    private Socket rawRequest(String path) throws java.io.IOException {
        Socket socket = new Socket("127.0.0.1", Integer.parseInt(simulator.baseUrl().replaceAll(".*:", "")));
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return socket;
    }

    @Test
    void aSlowAnswerComesOnlyAfterTheDelay() {
        simulator.faults().slow("/v1/severities", 1, 700);
        long started = System.nanoTime();
        assertEquals(200, api.get("/v1/severities").status());
        assertTrue(System.nanoTime() - started >= 700_000_000L);
    }

    @Test
    void aTruncatedBodyEndsInsideARecordWithAMatchingContentLength() throws Exception {
        simulator.faults().truncate("/v2/incidents", 1);
        try (Socket socket = rawRequest("/v2/incidents")) {
            InputStream in = socket.getInputStream();
            byte[] all = in.readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            int length = Integer.parseInt(text.substring(0, split).replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
            assertTrue(text.startsWith("HTTP/1.1 200"));
            assertEquals(all.length - split - 4, length);
            String body = new String(all, split + 4, length, StandardCharsets.UTF_8);
            assertTrue(body.startsWith("{\"incidents\":[{"));
            assertThrows(Exception.class, () -> Api.MAPPER.readTree(body));
        }
    }

    @Test
    void htmlFromAProxyAndForbiddenScopesAndRateLimitBursts() {
        simulator.faults().html("/v2/users", 1).rateLimitBurst("/v1/severities", 1, 2)
                .forbidden("/v2/follow_ups", "Read follow-ups");
        Api.Answer html = api.get("/v2/users");
        assertEquals(502, html.status());
        assertTrue(html.body().startsWith("<!DOCTYPE html>"));
        Api.Answer limited = api.get("/v1/severities");
        assertEquals(429, limited.status());
        assertEquals("1", limited.header("Retry-After"));
        assertEquals(429, api.get("/v1/severities").status());
        assertEquals(200, api.get("/v1/severities").status());
        Api.Answer forbidden = api.get("/v2/follow_ups");
        assertEquals(403, forbidden.status());
        assertEquals("missing_required_scope", forbidden.json().at("/errors/0/code").asText());
        assertTrue(forbidden.json().at("/errors/0/message").asText().contains("Read follow-ups"));
        simulator.faults().clear();
        assertEquals(200, api.get("/v2/follow_ups").status());
    }

    @Test
    void aRecordAddedBetweenPagesIsSeenByTheCursorWalkAndTheOracle() {
        assertWalkMatchesOracle("incidents", 50, Api.everyModeAndCategory(), +1,
                () -> simulator.faults().addRecordAfterPage("/v2/incidents", 1));
    }

    @Test
    void aRecordRemovedBetweenPagesIsNeitherServedNorInTheOracle() {
        assertWalkMatchesOracle("incident_updates", 40, List.of(), -1,
                () -> simulator.faults().removeRecordAfterPage("/v2/incident_updates", 2));
    }

    /**
     * After the fault, the oracle holds {@code change} more records of the table than before, and a cursor walk
     * of its listing (at {@code /v2/<table>}) sees exactly the oracle's records.
     */
    private void assertWalkMatchesOracle(String table, int pageSize, List<String> query, int change, Runnable fault) {
        int before = simulator.oracle().records(table, true).size();
        fault.run();
        List<JsonNode> walked = api.walk("/v2/" + table, table, pageSize, query);
        List<String> expected = Api.ids(simulator.oracle().records(table, true));
        assertEquals(before + change, expected.size());
        assertEquals(expected, Api.ids(walked));
    }

    @Test
    void anUnknownFieldAppearsOnEveryRecordOfItsTable() {
        simulator.faults().unknownField("severities", "escalation_policy", Map.of("id", "EP1", "level", 2))
                .unknownField("incidents", "sentiment", "calm");
        for (JsonNode severity : api.get("/v1/severities").json().get("severities")) {
            assertEquals(2, severity.at("/escalation_policy/level").asInt());
        }
        api.get("/v2/incidents").json().get("incidents").forEach(i -> assertEquals("calm", i.get("sentiment").asText()));
        assertTrue(simulator.oracle().records("incidents", true).stream().allMatch(i -> i.has("sentiment")));
        assertFalse(api.get("/v2/users").json().get("users").get(0).has("sentiment"));
    }
}
