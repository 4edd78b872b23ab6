package io.incidentsync;

import io.incidentsync.bench.Bench;
import io.incidentsync.bench.Floor;
import io.incidentsync.simulator.Simulator;
import io.incidentsync.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchTest {

    private static final int INCIDENTS = 300;

    @Test
    void printsAMachineReadableLineWhoseNumbersHoldTogether() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Bench.run(new String[] {"--incidents", Integer.toString(INCIDENTS), "--latency-ms", "2",
                "--time-scale", "60", "--write-sample", "500", "--write-floor"}, print(out), print(err));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text + err.toString(StandardCharsets.UTF_8));

        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1];
        // without --write-floor the line ends at peak_heap_mb (JarIT.benchLeavesTheDatabaseInTheShellsIncidentDbUrlAlone)
        assertTrue(last.matches("bench: incidents=\\d+ rows=\\d+ requests=\\d+ min_requests=\\d+ wall_s=[0-9.]+ "
                + "floor_s=[0-9.]+ write_rows_per_s=\\d+ raw_rows_per_s=\\d+ write_ratio=[0-9.]+ peak_heap_mb=\\d+ "
                + "write_floor_s=[0-9.]+"), last);
        Map<String, Double> line = parse(last);

        assertEquals(INCIDENTS, line.get("incidents"));
        long oracle = oracleRows();
        assertEquals(oracle, line.get("rows"), "every record of the simulated account is synced");
        assertTrue(line.get("write_floor_s") > 0, last);
        String floorLine = java.util.Arrays.stream(lines).filter(l -> l.startsWith("write floor: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no write floor line in " + text));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("write floor: (\\d+) rows of (\\d+) tables").matcher(floorLine);
        assertTrue(m.find(), floorLine);
        // the copy holds exactly what the sync wrote: every parent row and every child row, no bookkeeping
        assertEquals(oracle, Long.parseLong(m.group(1)), floorLine);
        assertTrue(Integer.parseInt(m.group(2)) > 25, "the 25 tables and their child tables: " + floorLine);
        assertTrue(line.get("requests") >= line.get("min_requests"), last);
        assertTrue(line.get("min_requests") > 0, last);
        assertTrue(line.get("floor_s") > 0, last);
        assertTrue(line.get("wall_s") >= line.get("floor_s"), "nothing beats the floor: " + last);
        String wallLine = java.util.Arrays.stream(lines).filter(l -> l.startsWith("wall: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no wall line in " + text));
        // with --write-floor the verdict is held against the larger floor and names it
        String bound = line.get("write_floor_s") > line.get("floor_s") ? "write" : "network";
        assertTrue(wallLine.contains("bound by the " + bound + " floor"), wallLine);
        assertTrue(line.get("write_rows_per_s") > 0 && line.get("raw_rows_per_s") > 0, last);
        assertTrue(line.get("write_ratio") > 0, last);
        assertTrue(line.get("peak_heap_mb") > 0, last);
    }

    @Test
    void theFloorIsTheIncidentsBucketWhenItBinds() {
        // 80 pages at 60 a minute: 60 from the full bucket, the other 20 a second apart
        List<Floor.Chain> chains = List.of(new Floor.Chain("incidents", 80, true), new Floor.Chain("users", 1, false));
        double floor = Floor.seconds(chains, 0.03, 4, new Floor.Limits(1200, 60, 1));
        assertEquals(20.03, floor, 1e-9);
        // ten times faster refill: the 80 round trips of 30 ms are the bound
        assertEquals(2.4, Floor.seconds(chains, 0.03, 4, new Floor.Limits(1200, 60, 10)), 1e-9);
    }

    @Test
    void theFloorIsTheKeyBucketOrTheConcurrencyOtherwise() {
        // 1,500 one-request tables: 1,200 from the full key bucket, 300 more at 20 a second
        List<Floor.Chain> many = java.util.stream.IntStream.range(0, 1500)
                .mapToObj(i -> new Floor.Chain("t" + i, 1, false)).toList();
        assertEquals(15.01, Floor.seconds(many, 0.01, 4, new Floor.Limits(1200, 60, 1)), 1e-9);
        // at a thousand times the refill, 1,500 round trips of 10 ms over 4 streams
        assertEquals(3.75, Floor.seconds(many, 0.01, 4, new Floor.Limits(1200, 60, 1000)), 1e-9);
    }

    private static long oracleRows() {
        SimulatorConfig config = new SimulatorConfig().seed(1).incidents(INCIDENTS).addKey("k", true);
        try (Simulator simulator = Simulator.start(config, 0)) {
            long rows = 0;
            for (String table : simulator.oracle().tables()) {
                List<com.fasterxml.jackson.databind.node.ObjectNode> records = table.equals("schedule_entries")
                        ? OracleComparison.scheduleEntries(simulator.oracle(), java.time.Instant.now()) : simulator.oracle().records(table, true);
                // each record's row, and its rows in the child tables of the arrays and maps the description declares
                rows += records.size();
                for (var record : records) {
                    rows += OracleComparison.childRows(table, record);
                }
            }
            return rows;
        }
    }

    private static Map<String, Double> parse(String line) {
        Map<String, Double> out = new HashMap<>();
        for (String pair : line.substring("bench: ".length()).split(" ")) {
            String[] kv = pair.split("=");
            out.put(kv[0], Double.parseDouble(kv[1]));
        }
        return out;
    }

    private static PrintStream print(ByteArrayOutputStream buffer) {
        return new PrintStream(buffer, true, StandardCharsets.UTF_8);
    }
}
