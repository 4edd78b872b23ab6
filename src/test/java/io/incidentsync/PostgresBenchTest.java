package io.incidentsync;

import io.incidentsync.bench.Bench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench --db postgres --write-floor} on the test server (needs INCIDENT_TEST_PG_URL): the sync and
 * the copy of every row it left work on PostgreSQL, and neither leaves a schema behind.
 */
@Tag(ServerTests.POSTGRES)
class PostgresBenchTest {

    private static final int INCIDENTS = 200;

    @Test
    void theWriteFloorCopiesEveryRowOnPostgresAndLeavesNoSchemaBehind() throws Exception {
        String url = TestServers.POSTGRES.url();
        long schemasBefore = benchSchemas(url);
        String configured = System.getProperty("incident.db.url");
        System.setProperty("incident.db.url", url);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            code = Bench.run(new String[] {"--db", "postgres", "--incidents", Integer.toString(INCIDENTS),
                            "--latency-ms", "2", "--time-scale", "60", "--write-sample", "50", "--write-floor"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            if (configured == null) {
                System.clearProperty("incident.db.url");
            } else {
                System.setProperty("incident.db.url", configured);
            }
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text + err.toString(StandardCharsets.UTF_8));
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1];
        Matcher machine = Pattern.compile(" rows=(\\d+) .* write_floor_s=([0-9.]+)$").matcher(last);
        assertTrue(machine.find(), last);
        assertTrue(Double.parseDouble(machine.group(2)) > 0, last);
        String floorLine = Arrays.stream(lines).filter(l -> l.startsWith("write floor: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no write floor line in " + text));
        Matcher floor = Pattern.compile("write floor: (\\d+) rows of (\\d+) tables").matcher(floorLine);
        assertTrue(floor.find(), floorLine);
        assertEquals(machine.group(1), floor.group(1), "the copy holds every row the sync wrote: " + floorLine);
        assertTrue(Integer.parseInt(floor.group(2)) > 25, "the 25 tables and their child tables: " + floorLine);
        assertEquals(schemasBefore, benchSchemas(url), "the bench's schema and the copy's are dropped");
    }

    private static long benchSchemas(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.schemata "
                     + "WHERE schema_name LIKE 'bench\\_%' OR schema_name LIKE 'write\\_floor\\_%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
