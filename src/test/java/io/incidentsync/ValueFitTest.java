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

    private static String baseRole(String rank, String createdAt, String isBaseRole, String updatedAt) {
        return "\"base_role\":{\"id\":\"R1\",\"rank\":" + rank + ",\"created_at\":" + createdAt + ",\"is_base_role\":"
                + isBaseRole + ",\"updated_at\":" + updatedAt + "}";
    }

    private static String rank(String rank) {
        return "\"base_role\":{\"id\":\"R1\",\"rank\":" + rank + "}";
    }

    /** A column of users by the name the test gives it: n, at, flag and seen are the base role's fields. */
    private Map<String, String> column(String name) throws Exception {
        String column = switch (name) {
            case "n" -> "base_role__rank";
            case "at" -> "base_role__created_at";
            case "flag" -> "base_role__is_base_role";
            case "seen" -> "base_role__updated_at";
            default -> name;
        };
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
        // two fields the description gives no type (typed by their first value): big and ratio
        serve("\"organisation_id\":5,\"slack_role\":1.5", "\"organisation_id\":1180591620717411303424,\"slack_role\":2.5",
                "\"organisation_id\":\"99999999999999999999\",\"slack_role\":\"1e\"");

        assertEquals(0, sync.run(), sync.err);
        Map<String, String> big = column("organisation_id");
        Map<String, String> ratio = column("slack_role");
        assertEquals(750, big.size());
        assertEquals("5", big.get("U00001"));
        assertEquals("1180591620717411303424", big.get("U00251"));
        assertEquals("99999999999999999999", big.get("U00501"));
        assertEquals(1.5, Double.parseDouble(ratio.get("U00001")));
        assertEquals("1e", ratio.get("U00501"));
        assertEquals(0, sync.count("SELECT COUNT(*) FROM users WHERE organisation_id = '0' OR slack_role = '0' OR slack_role = '0.0'"));
    }

    @Test
    void aFieldThatChangesTypeWithinOneSyncWidensItsColumnAndTheTableSyncs() throws Exception {
        // the base role's fields the description gives no type: rank (n), created_at (at), is_base_role (flag),
        // updated_at (seen)
        serve(baseRole("5", "\"2024-01-01T10:00:00Z\"", "true", "\"2024-01-01T10:00:00Z\""),
                baseRole("6", "\"2024-01-02T10:00:00Z\"", "false", "\"2024-01-02T10:00:00Z\""),
                baseRole("\"five\"", "\"not a date\"", "\"yes\"", "\"2024-01-02 03:04:05\""));

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
        serve(rank("5"), rank("6"), rank("7"));
        assertEquals(0, sync.run(), sync.err);
        assertEquals("7", column("n").get("U00501"));

        serve(rank("\"five\""), rank("6"), rank("7"));
        assertEquals(0, sync.run(), sync.err);
        assertEquals("five", column("n").get("U00001"));
        assertEquals("6", column("n").get("U00251"));

        serve(rank("5"), rank("6"), rank("7"));
        assertEquals(0, sync.run(), sync.err);
        assertEquals("5", column("n").get("U00001"));
        assertEquals(750, sync.count("SELECT COUNT(*) FROM users"));
        try (var c = sync.connect(); ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), c.getSchema(), null, null)) {
            String type = null;
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equalsIgnoreCase("users") && rs.getString("COLUMN_NAME").equalsIgnoreCase("base_role__rank")) {
                    type = rs.getString("TYPE_NAME");
                }
            }
            assertNotNull(type);
            assertTrue(type.equalsIgnoreCase("text") || type.equalsIgnoreCase("CHARACTER VARYING") || type.equalsIgnoreCase("LONGTEXT"),
                    "stays text: " + type);
        }
    }
}
