package io.incidentsync.bench;

import io.incidentsync.cli.Application;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** bench's requests verdict reads the tables' page sizes from the routes the sync runs, not from its own copy. */
class MinimumRequestsTest {

    /** 120 alerts, 600 incidents, and 300 options of two custom fields (260 and 40). */
    private static final Map<String, Long> ROWS = Map.of("alerts", 120L, "incidents", 600L, "custom_fields", 2L,
            "custom_field_options", 300L);
    private static final Map<String, List<Long>> PER_PARENT = Map.of("custom_field_options", List.of(260L, 40L));

    @Test
    void aPageSizeChangedInTheStreamsFileChangesBenchsMinimumRequests(@TempDir Path dir) throws Exception {
        // alerts 3 pages of 50, incidents 3 of 250, custom fields 1, their options 1 + 2 + 1
        assertEquals(11, minimum(Map.of()));
        assertEquals(5, Bench.partitions(Bench.tableSpecs(Map.of()), ROWS));

        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
        Path streams = dir.resolve("streams.camel.yaml");
        String text = Files.readString(streams);
        String alerts = "        value: alerts\n      - name: path\n        value: /v2/alerts\n      - name: primaryKey\n"
                + "        value: id\n      - name: pageSize\n        value: \"50\"";
        assertEquals(1, text.split(java.util.regex.Pattern.quote(alerts), -1).length - 1, "the alerts entry, once");
        Files.writeString(streams, text.replace(alerts, alerts.replace("\"50\"", "\"20\"")));

        // alerts now 6 pages of 20; the rest as before
        assertEquals(14, minimum(Map.of(Application.ROUTES_DIR, dir.toString())));
        assertEquals(5, Bench.partitions(Bench.tableSpecs(Map.of(Application.ROUTES_DIR, dir.toString())), ROWS));
    }

    private static long minimum(Map<String, String> overrides) throws Exception {
        return Floor.requests(Bench.minimumRequests(Bench.tableSpecs(overrides), ROWS, PER_PARENT));
    }
}
