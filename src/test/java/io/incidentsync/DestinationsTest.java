package io.incidentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidentsync.run.Streams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * incident.destinations and incident.routes.extra: every record of every table reaches each listed
 * endpoint as its JSON text with its headers, independently of the others, while the SQL tables are
 * written as before; a destination that fails fails its table alone, named in the line.
 */
class DestinationsTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    SyncHarness h;
    Path files;
    Path tagged;
    Path extra;

    @BeforeEach
    void start() throws Exception {
        h = SyncHarness.start(300);
        files = Files.createDirectories(h.dir.resolve("out-file"));
        tagged = Files.createDirectories(h.dir.resolve("out-extra"));
        extra = Files.createDirectories(h.dir.resolve("routes-extra"));
        // the user's own route: it rewrites the body, which the file destination must never see
        Files.writeString(extra.resolve("mine.camel.yaml"), """
                - route:
                    id: my-destination
                    from:
                      uri: direct:my-destination
                      steps:
                        - setBody:
                            simple:
                              expression: "${header.incidentTable}|${header.incidentRunId}|${header.incidentExtractedAt}|${body}\\n"
                              trim: false
                        - to:
                            uri: "file:%s?fileName=${header.incidentTable}.txt&fileExist=Append"
                - route:
                    id: picky-destination
                    from:
                      uri: direct:picky
                      steps:
                        - filter:
                            simple: "${header.incidentTable} == 'severities'"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: "picky refuses severities"
                """.formatted(tagged.toAbsolutePath()));
    }

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void everyRecordReachesEachDestinationOnceWithItsHeaders() throws Exception {
        Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
        settings.put("incident.destinations", "file:" + files.toAbsolutePath()
                + "?fileName=${header.incidentTable}.json&fileExist=Append, direct:my-destination");
        settings.put("incident.routes.extra", extra.toString());
        assertEquals(0, h.syncCommand(settings), h.lastErr);

        String runId = h.column("SELECT run_id FROM _sync_runs").get(0).toString();
        for (String table : Streams.ALL) {
            long rows = h.count("SELECT COUNT(*) FROM " + table);
            assertTrue(rows > 0, table);
            // the file destination: the records' own JSON, one after another
            List<JsonNode> records = new ArrayList<>();
            try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class)
                    .readValues(Files.readString(files.resolve(table + ".json"), StandardCharsets.UTF_8))) {
                it.forEachRemaining(records::add);
            }
            assertEquals(rows, records.size(), table + ": every record once at the file destination");
            // the extra route: the same records, its own rewriting, the headers
            List<String> lines = Files.readAllLines(tagged.resolve(table + ".txt"), StandardCharsets.UTF_8);
            assertEquals(rows, lines.size(), table + ": every record once at the extra route's destination");
            Set<String> fromFile = new HashSet<>();
            records.forEach(r -> fromFile.add(r.toString()));
            for (String line : lines) {
                String[] parts = line.split("\\|", 4);
                assertEquals(table, parts[0]);
                assertEquals(runId, parts[1]);
                assertTrue(parts[2].matches("\\d{4}-\\d\\d-\\d\\dT.*"), parts[2]);
                assertTrue(fromFile.contains(MAPPER.readTree(parts[3]).toString()), table + ": the same record text at both");
            }
        }
        Set<Object> sqlIds = new HashSet<>(h.column("SELECT id FROM incidents"));
        Set<Object> fileIds = new HashSet<>();
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(files.resolve("incidents.json").toFile())) {
            it.forEachRemaining(r -> fileIds.add(r.path("id").asText()));
        }
        assertEquals(sqlIds, fileIds, "the incidents at the file destination are the table's");
        OracleComparison.assertTableEquals(h, "incidents", true);
    }

    @Test
    void aFailingDestinationFailsOnlyItsTableWhichKeepsItsRows() throws Exception {
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Map<String, Map<String, Object>> severities = h.rows("severities", "id");

        Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
        settings.put("incident.destinations", "direct:picky");
        settings.put("incident.routes.extra", extra.toString());
        assertEquals(1, h.syncCommand(settings));

        List<String> failed = h.lastErr.lines().filter(l -> l.startsWith("severities: ")).toList();
        assertEquals(1, failed.size(), h.lastErr);
        assertTrue(failed.get(0).contains("the destination direct:picky failed on record ")
                && failed.get(0).contains("picky refuses severities")
                && failed.get(0).contains("incident.destinations"), failed.get(0));
        assertTrue(h.lastErr.lines().noneMatch(l -> l.startsWith("incidents: ") || l.startsWith("users: ")), h.lastErr);
        assertEquals(severities, h.rows("severities", "id"), "severities keeps the previous sync's rows");
        assertEquals(List.of("failed"), h.column("SELECT status FROM _sync_runs WHERE table_name = 'severities' AND status <> 'ok'"));
        assertEquals((long) OracleComparison.KEYS.size() - 1, h.count("SELECT COUNT(*) FROM _sync_runs WHERE status = 'ok' AND run_id = (SELECT run_id FROM _sync_runs"
                + " WHERE status = 'failed')"));
    }

    @Test
    void anExtraRoutesDirectoryThatIsNotOneExitsTwo() throws Exception {
        Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
        settings.put("incident.routes.extra", h.dir.resolve("no-such-dir").toString());
        assertEquals(2, h.syncCommand(settings));
        assertTrue(h.lastErr.contains("incident.routes.extra (INCIDENT_ROUTES_EXTRA)") && h.lastErr.contains("no-such-dir"), h.lastErr);
        assertEquals(0, h.simulator.totalRequests(), "nothing was fetched");
    }
}
