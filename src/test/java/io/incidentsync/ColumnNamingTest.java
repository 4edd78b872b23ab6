package io.incidentsync;

import io.incidentsync.HostileApi.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Field names that fold to the same text, or that no column could be named after, never share a column nor
 * name one: each is kept under its own name in {@code _sdc_undeclared}, and no field overwrites the primary
 * key or the product's own columns.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class ColumnNamingTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    /** Two field names longer than PostgreSQL's 63 bytes whose 32-bit Java hash codes are equal. */
    static final String LONG_AAN = "p".repeat(70) + "aan";
    static final String LONG_AC0 = "p".repeat(70) + "ac0";

    @RegisterExtension
    final HostileApi.Sync sync = HostileApi.syncForEachTest("users", () -> db);
    final HostileApi api = sync.api;

    /** Every hostile field of one user, by JSON key (nested {@code a.b} written as its key path), with a value naming it. */
    static Map<String, String> hostileFields(String user) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String name : List.of("ID", "Name", "a-b", "a_b", "a.b", "a__b", "日本", "中国", LONG_AAN, LONG_AC0, "",
                "_sdc_extracted_at")) {
            fields.put(name, user + " field " + (name.length() > 10 ? name.substring(name.length() - 3) : name) + "!");
        }
        return fields;
    }

    static String record(String id, String name) {
        Map<String, String> fields = hostileFields(id);
        StringBuilder json = new StringBuilder("{\"id\":\"" + id + "\",\"name\":\"" + name + "\"");
        fields.forEach((field, value) -> {
            json.append(',');
            if (field.equals("a.b")) {
                json.append("\"a\":{\"b\":\"").append(value).append("\"}");
            } else {
                json.append('"').append(field).append("\":\"").append(value).append('"');
            }
        });
        return json.append('}').toString();
    }

    @Test
    void everyFieldWhoseNameFoldsLikeAnothersIsKeptUnderItsOwnNameAndNamesNoColumn() throws Exception {
        api.on("/v2/users", request -> Reply.json(HostileApi.page("users",
                List.of(record("U1", "Ada"), record("U2", "Bob")), null)));

        assertEquals(0, sync.run(), sync.err);

        try (Connection c = sync.connect()) {
            for (String[] user : new String[][] {{"U1", "Ada"}, {"U2", "Bob"}}) {
                Map<String, Object> row = row(c, user[0]);
                assertEquals(user[0], value(row, "id"), "the primary key keeps the record's id");
                assertEquals(user[1], value(row, "name"), "name keeps the record's name");
                assertInstanceOf(Timestamp.class, value(row, "_sdc_extracted_at"),
                        "the product's own column keeps the sync's time");
                // no column is named after them: each is in _sdc_undeclared under its own name, and in no column
                com.fasterxml.jackson.databind.JsonNode undeclared = OracleComparison.parse(value(row, "_sdc_undeclared"));
                for (Map.Entry<String, String> field : hostileFields(user[0]).entrySet()) {
                    com.fasterxml.jackson.databind.JsonNode kept = field.getKey().equals("a.b")
                            ? undeclared.path("a").path("b") : undeclared.path(field.getKey());
                    assertEquals(field.getValue(), kept.asText(), "field \"" + field.getKey() + "\" of " + user[0]
                            + " in _sdc_undeclared: " + undeclared);
                    assertTrue(row.values().stream().noneMatch(field.getValue()::equals),
                            "field \"" + field.getKey() + "\" in a column of its own: " + row);
                }
                assertEquals(hostileFields(user[0]).size() - 1, undeclared.size() - 1, "a.b is one object, a: " + undeclared);
            }
        }
    }

    /** One row of users, by column name as the database reports it (lower-cased here for lookups). */
    static Map<String, Object> row(Connection c, String id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM users WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "user " + id + " is stored");
                ResultSetMetaData meta = rs.getMetaData();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.put(meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT),
                            v instanceof OffsetDateTime t ? Timestamp.from(t.toInstant()) : v);
                }
                assertTrue(!rs.next(), "one row per user");
                return row;
            }
        }
    }

    static Object value(Map<String, Object> row, String column) {
        assertTrue(row.containsKey(column), "a column " + column + " in " + row.keySet());
        return row.get(column);
    }
}
