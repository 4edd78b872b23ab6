package io.incidentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidentsync.run.SyncRun;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/destinations.md followed literally: copy the route files to a directory, add the
 * NDJSON route file, add one step to the record route, point incident.routes.dir at the directory.
 * No Java changes; the extra destination receives every record and the tables still fill.
 */
class YamlDestinationTest {

    @Test
    void aRouteFileAddedInADirectoryReceivesEveryRecordOfEveryTable() throws Exception {
        try (SyncHarness h = SyncHarness.start(200)) {
            Path routes = h.dir.resolve("my-routes");
            Path ndjson = h.dir.resolve("ndjson");
            Files.createDirectories(routes);
            try (Stream<Path> files = Files.list(Path.of("routes"))) {
                for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                    Files.copy(f, routes.resolve(f.getFileName()));
                }
            }
            Files.copy(Path.of("routes/examples/ndjson-destination.camel.yaml"), routes.resolve("ndjson-destination.camel.yaml"));
            Path destinations = routes.resolve("destinations.camel.yaml");
            Files.writeString(destinations, Files.readString(destinations)
                    + "        - to:\n            uri: direct:ndjson\n");

            h.settings.put("incident.routes.dir", routes.toString());
            System.setProperty("incident.ndjson.dir", ndjson.toString());
            SyncRun run;
            try {
                run = h.sync(SyncHarness.PRIVATE_KEY);
            } finally {
                System.clearProperty("incident.ndjson.dir");
            }
            assertTrue(run.ok(), run.summary());

            for (Map.Entry<String, String[]> table : OracleComparison.KEYS.entrySet()) {
                List<ObjectNode> expected = OracleComparison.expected(h, table.getKey(), true);
                Set<String> want = new TreeSet<>();
                expected.forEach(r -> want.add(OracleComparison.key(r, table.getValue())));
                Set<String> got = new TreeSet<>();
                List<String> lines = Files.readAllLines(ndjson.resolve(table.getKey() + ".ndjson"));
                for (String line : lines) {
                    JsonNode record = OracleComparison.parse(line);
                    got.add(OracleComparison.key(record, table.getValue()));
                }
                assertEquals(want, got, table.getKey() + ": the NDJSON file holds every record");
                assertEquals(expected.size(), lines.size(), table.getKey() + ": one line a record");
                assertEquals(expected.size(), h.count("SELECT COUNT(*) FROM " + table.getKey()),
                        table.getKey() + ": the table was written too");
            }
        }
    }
}
