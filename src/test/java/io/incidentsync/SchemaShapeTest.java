package io.incidentsync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tables and columns follow from the description and the settings alone (issue 26): an account whose
 * catalog gains an attribute, and a much smaller account, get the same tables and the same columns as the
 * first, on every database; a map keyed by data (a catalog entry's attribute_values) is one long table with
 * map_key; no name holds an id from the data or ends in a hash.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class SchemaShapeTest {

    /** An incident.io id (ULID, 26 characters of Crockford base 32), as a name would hold it, lower-cased. */
    private static final Pattern ID = Pattern.compile(".*[0-9a-z]{26}.*");
    /** A hash tail: 8 or 10 hex digits after an underscore. */
    private static final Pattern HASHED = Pattern.compile(".*_[0-9a-f]{8,10}$");
    /** An attribute the account adds to every catalog entry, in the simulator's id form. */
    private static final String NEW_ATTRIBUTE = "01HZZZZZZZZZZZZZZZZZZZZZZZ";

    @Parameter
    Destination db;

    @Test
    void anAttributeMoreOrAnAccountSmallerMakesTheSameTablesAndColumns() throws Exception {
        Map<String, List<String>> shape;
        long entries;
        try (SyncHarness h = db.harness(20)) {
            assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
            shape = h.shape();
            entries = h.count("SELECT COUNT(*) FROM catalog_entries");
            long values = h.count("SELECT COUNT(*) FROM catalog_entries__attribute_values");
            assertTrue(values > entries, "several attributes an entry: " + values + " values of " + entries + " entries");
            // one row per entry and attribute
            assertEquals(values, h.count("SELECT COUNT(*) FROM (SELECT DISTINCT _sdc_source_key_id, map_key"
                    + " FROM catalog_entries__attribute_values) d"));
            OracleComparison.assertTableEquals(h, "catalog_entries", true);

            // the same account, its catalog's entries now with one attribute more, into a fresh database
            h.simulator.faults().mapEntry("catalog_entries", "attribute_values", NEW_ATTRIBUTE,
                    Map.of("value", Map.of("label", "Runbook", "literal", "https://runbooks.example.com", "sort_key", 0)));
            try (SyncHarness more = db.on(h.sharingSimulator())) {
                assertEquals(0, more.syncCommand(more.overrides(SyncHarness.PRIVATE_KEY)), more.lastErr);
                assertEquals(shape, more.shape(), "one attribute more changed the tables or their columns");
                assertEquals(entries, more.count("SELECT COUNT(*) FROM catalog_entries__attribute_values WHERE map_key = '"
                        + NEW_ATTRIBUTE + "'"), "every entry has a row of the new attribute");
                assertEquals("Runbook", more.column("SELECT value__label FROM catalog_entries__attribute_values WHERE map_key = '"
                        + NEW_ATTRIBUTE + "'").get(0));
                OracleComparison.assertTableEquals(more, "catalog_entries", true);
            }
        }
        try (SyncHarness small = db.harness(1)) {
            assertEquals(0, small.syncCommand(small.overrides(SyncHarness.PRIVATE_KEY)), small.lastErr);
            assertEquals(shape, small.shape(), "an account of one incident has other tables or columns");
        }
        int columns = 0;
        for (Map.Entry<String, List<String>> table : shape.entrySet()) {
            assertFalse(ID.matcher(table.getKey()).matches() || HASHED.matcher(table.getKey()).matches(), table.getKey());
            for (String column : table.getValue()) {
                assertFalse(ID.matcher(column).matches() || HASHED.matcher(column).matches(), table.getKey() + "." + column);
                columns++;
            }
        }
        assertTrue(shape.size() > 60 && columns > 900, shape.size() + " tables, " + columns + " columns");
    }
}
