package io.incidentsync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.incidentsync.HostileApi.Reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values that do not fit the type their column was given (by the spec or by a field's first value): the
 * column widens to text and every value is stored without loss, never as 0, and the table never fails.
 * On H2; {@link PostgresValueFitTest} runs the same on PostgreSQL.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class ValueFitTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    @RegisterExtension
    final HostileApi.Sync sync = HostileApi.syncForEachTest("users", () -> db);
    final HostileApi api = sync.api;

    /** Three pages of users U00001..U00750 with these extra fields on each page (a JSON object's members). */
    private void serve(String page1, String page2, String page3) {
        List<List<String>> pages = new ArrayList<>();
        String[] extras = {page1, page2, page3};
        for (int p = 0; p < 3; p++) {
            List<String> records = new ArrayList<>();
            for (String user : HostileApi.users(p * 250 + 1, 250)) {
                records.add(user.substring(0, user.length() - 1) + "," + extras[p] + "}");
            }
            pages.add(records);
        }
        api.on("/v2/users", HostileApi.pages("users", pages));
    }

    private Map<String, String> column(String column) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (var c = sync.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, " + column + " FROM users")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void numbersBeyondSixtyFourBitsAndTextThatIsNoNumberAreStoredExactlyNeverAsZero() throws Exception {
        serve("\"big\":5,\"ratio\":1.5", "\"big\":1180591620717411303424,\"ratio\":2.5",
                "\"big\":\"99999999999999999999\",\"ratio\":\"1e\"");

        assertEquals(0, sync.run(), sync.err);
        Map<String, String> big = column("big");
        Map<String, String> ratio = column("ratio");
        assertEquals(750, big.size());
        assertEquals("5", big.get("U00001"));
        assertEquals("1180591620717411303424", big.get("U00251"));
        assertEquals("99999999999999999999", big.get("U00501"));
        assertEquals(1.5, Double.parseDouble(ratio.get("U00001")));
        assertEquals("1e", ratio.get("U00501"));
        assertEquals(0, sync.count("SELECT COUNT(*) FROM users WHERE big = '0' OR ratio = '0' OR ratio = '0.0'"));
    }

    @Test
    void aFieldThatChangesTypeWithinOneSyncWidensItsColumnAndTheTableSyncs() throws Exception {
        serve("\"n\":5,\"at\":\"2024-01-01T10:00:00Z\",\"flag\":true,\"seen\":\"2024-01-01T10:00:00Z\"",
                "\"n\":6,\"at\":\"2024-01-02T10:00:00Z\",\"flag\":false,\"seen\":\"2024-01-02T10:00:00Z\"",
                "\"n\":\"five\",\"at\":\"not a date\",\"flag\":\"yes\",\"seen\":\"2024-01-02 03:04:05\"");

        assertEquals(0, sync.run(), sync.err);
        assertEquals(750, sync.count("SELECT COUNT(*) FROM users"));
        assertEquals("five", column("n").get("U00501"));
        assertEquals("5", column("n").get("U00001"));
        assertEquals("not a date", column("at").get("U00700"));
        assertTrue(column("at").get("U00001").contains("2024-01-01"), column("at").get("U00001"));
        assertEquals("yes", column("flag").get("U00501"));
        assertTrue(column("flag").get("U00001").equalsIgnoreCase("true"), column("flag").get("U00001"));
        assertEquals("2024-01-02 03:04:05", column("seen").get("U00501"));
    }

    @Test
    void aFieldThatChangesTypeBetweenSyncsWidensTheLiveColumnAndLaterSyncsKeepIt() throws Exception {
        serve("\"n\":5", "\"n\":6", "\"n\":7");
        assertEquals(0, sync.run(), sync.err);
        assertEquals("7", column("n").get("U00501"));

        serve("\"n\":\"five\"", "\"n\":6", "\"n\":7");
        assertEquals(0, sync.run(), sync.err);
        assertEquals("five", column("n").get("U00001"));
        assertEquals("6", column("n").get("U00251"));

        serve("\"n\":5", "\"n\":6", "\"n\":7");
        assertEquals(0, sync.run(), sync.err);
        assertEquals("5", column("n").get("U00001"));
        assertEquals(750, sync.count("SELECT COUNT(*) FROM users"));
        try (var c = sync.connect(); ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), c.getSchema(), null, null)) {
            String type = null;
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equalsIgnoreCase("users") && rs.getString("COLUMN_NAME").equalsIgnoreCase("n")) {
                    type = rs.getString("TYPE_NAME");
                }
            }
            assertNotNull(type);
            assertTrue(type.equalsIgnoreCase("text") || type.equalsIgnoreCase("CHARACTER VARYING") || type.equalsIgnoreCase("LONGTEXT"),
                    "stays text: " + type);
        }
    }
}
