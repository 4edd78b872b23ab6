package io.incidentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a broker's own client received from a sync's destination, message by message, and the checks the
 * broker tests share: every record of every table exactly once, as the record's JSON, with its headers.
 */
final class BrokerDeliveries {

    /** One message as the broker handed it out: its body text, and the headers it carried (name to value). */
    record Delivery(String body, Map<String, String> headers, String where) {

        String header(String name) {
            return headers.get(name);
        }
    }

    private final List<Delivery> received = new ArrayList<>();

    synchronized void add(Delivery d) {
        received.add(d);
        notifyAll();
    }

    synchronized List<Delivery> snapshot() {
        return new ArrayList<>(received);
    }

    synchronized int size() {
        return received.size();
    }

    /**
     * Waits until at least {@code expected} messages arrived (at most {@code timeoutMillis}), then until none
     * arrives for {@code quietMillis}, so that a duplicate sent late is still counted.
     */
    synchronized List<Delivery> await(int expected, long timeoutMillis, long quietMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (received.size() < expected && System.currentTimeMillis() < deadline) {
            wait(Math.max(1, Math.min(500, deadline - System.currentTimeMillis())));
        }
        int seen;
        do {
            seen = received.size();
            wait(quietMillis);
        } while (received.size() != seen);
        return snapshot();
    }

    /** What one sync sent: how long the sync took, how many records the tables hold, and every message that arrived. */
    record Received(long syncMillis, int expected, List<Delivery> got) {

        /** {@link #assertEveryRecordOnce} of what arrived, and no more messages than that; returns records per table. */
        Map<String, Integer> everyRecordOnce(SyncHarness h, Function<Delivery, String> tableOf, boolean runHeadersTravel)
                throws Exception {
            Map<String, Integer> perTable = assertEveryRecordOnce(h, got, tableOf, runHeadersTravel);
            assertEquals(expected, got.size(), "messages received");
            return perTable;
        }
    }

    /**
     * Runs one sync with the private key, which must succeed, then waits for as many messages as the tables hold
     * records (at most a minute) and a second more for any extra.
     */
    Received syncAndAwait(SyncHarness h) throws Exception {
        long started = System.nanoTime();
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        long syncMillis = (System.nanoTime() - started) / 1_000_000;
        int expected = expectedTotal(h);
        return new Received(syncMillis, expected, await(expected, 60_000, 1_000));
    }

    /** The number of records in the SQL tables after the sync: what every destination must receive. */
    static int expectedTotal(SyncHarness h) throws Exception {
        return expectedTotal(h, OracleComparison.KEYS.keySet());
    }

    static int expectedTotal(SyncHarness h, Collection<String> tables) throws Exception {
        int total = 0;
        for (String table : tables) {
            total += h.rows(table, OracleComparison.KEYS.get(table)).size();
        }
        return total;
    }

    /**
     * Every record of every table in the SQL database arrived exactly once, its body the record's JSON object
     * (as the API served it), its table named by {@code tableOf} (the incidentTable header, or where a broker
     * cannot carry it, what the destination put in its place), and incidentRunId and incidentExtractedAt the
     * run's. No message outside the tables, none carrying the API key. Returns records per table.
     */
    static Map<String, Integer> assertEveryRecordOnce(SyncHarness h, List<Delivery> got,
                                                      Function<Delivery, String> tableOf,
                                                      boolean runHeadersTravel) throws Exception {
        return assertEveryRecordOnce(h, OracleComparison.KEYS.keySet(), got, tableOf, runHeadersTravel);
    }

    /** As above, for a sync of these tables only: a message of another table fails too. */
    static Map<String, Integer> assertEveryRecordOnce(SyncHarness h, Collection<String> tables, List<Delivery> got,
                                                      Function<Delivery, String> tableOf,
                                                      boolean runHeadersTravel) throws Exception {
        String runId = h.column("SELECT run_id FROM _sync_runs").get(0).toString();
        Map<String, Integer> perTable = new TreeMap<>();
        Map<String, Map<String, Integer>> keysReceived = new HashMap<>();
        for (Delivery d : got) {
            assertFalse(d.body().contains(SyncHarness.PRIVATE_KEY), "a message body holds the API key");
            d.headers().forEach((name, value) -> assertFalse(String.valueOf(value).contains(SyncHarness.PRIVATE_KEY),
                    "header " + name + " holds the API key"));
            String table = tableOf.apply(d);
            assertNotNull(table, "a message without its table: " + d.where() + " " + d.headers());
            String[] key = OracleComparison.KEYS.get(table);
            assertNotNull(key, "a message for a table that does not exist: " + table);
            assertTrue(tables.contains(table), "a message for " + table + ", which was not synced");
            JsonNode record = OracleComparison.parse(d.body());
            assertTrue(record.isObject(), table + ": the body is not a JSON object: " + d.body());
            keysReceived.computeIfAbsent(table, t -> new HashMap<>()).merge(OracleComparison.key(record, key), 1, Integer::sum);
            if (runHeadersTravel) {
                assertEquals(runId, d.header("incidentRunId"), table + ": incidentRunId");
                String at = d.header("incidentExtractedAt");
                assertNotNull(at, table + ": no incidentExtractedAt");
                assertTrue(at.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*Z"), table + ": incidentExtractedAt " + at);
            }
        }
        for (String table : tables) {
            Map<String, Integer> counts = keysReceived.getOrDefault(table, Map.of());
            List<String> repeated = new ArrayList<>();
            counts.forEach((k, n) -> {
                if (n > 1) {
                    repeated.add(k + " x" + n);
                }
            });
            assertTrue(repeated.isEmpty(), table + ": " + repeated.size() + " records received more than once, e.g. "
                    + repeated.subList(0, Math.min(5, repeated.size())));
            TreeSet<String> inDatabase = new TreeSet<>(h.rows(table, OracleComparison.KEYS.get(table)).keySet());
            assertFalse(inDatabase.isEmpty(), table + " is empty: the comparison proves nothing");
            TreeSet<String> missing = new TreeSet<>(inDatabase);
            missing.removeAll(counts.keySet());
            TreeSet<String> extra = new TreeSet<>(counts.keySet());
            extra.removeAll(inDatabase);
            assertTrue(missing.isEmpty() && extra.isEmpty(), table + ": " + missing.size() + " of " + inDatabase.size()
                    + " records never arrived " + first(missing) + ", " + extra.size() + " arrived that the table lacks "
                    + first(extra));
            perTable.put(table, counts.size());
        }
        // each body is the API's record itself, not just its key
        Map<String, Map<String, JsonNode>> oracle = new HashMap<>();
        for (Delivery d : got) {
            String table = tableOf.apply(d);
            JsonNode record = OracleComparison.parse(d.body());
            JsonNode want = oracle.computeIfAbsent(table, t -> oracleRecords(h, t)).get(OracleComparison.key(record, OracleComparison.KEYS.get(table)));
            if (want == null) {
                fail(table + ": the simulator never served " + d.body());
            }
            OracleComparison.assertJsonEquals(table + " record at " + d.where(), want, record);
        }
        return perTable;
    }

    private static Map<String, JsonNode> oracleRecords(SyncHarness h, String table) {
        Map<String, JsonNode> out = new HashMap<>();
        for (ObjectNode r : OracleComparison.expected(h, table, true)) {
            out.put(OracleComparison.key(r, OracleComparison.KEYS.get(table)), r);
        }
        return out;
    }

    /** The table whose oracle record this body is, for a broker that cannot carry the table header. */
    static Map<JsonNode, String> tablesByRecord(SyncHarness h) {
        Map<JsonNode, String> out = new HashMap<>();
        for (String table : OracleComparison.KEYS.keySet()) {
            for (ObjectNode r : OracleComparison.expected(h, table, true)) {
                String before = out.put(OracleComparison.parse(r.toString()), table);
                if (before != null && !before.equals(table)) {
                    fail("the same record text is in " + before + " and " + table + ": a body cannot tell its table");
                }
            }
        }
        return out;
    }

    private static String first(TreeSet<String> keys) {
        return keys.isEmpty() ? "" : "(first " + keys.first() + ")";
    }
}
