package io.incidentsync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static io.incidentsync.HostileApi.Reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The columns the product builds itself ({@code incidents.updates} and {@code incidents.actions}) never
 * share a name with a field the API may add: such a field gets a column of its own, hashed like any
 * other name that would collide.
 */
class ProductColumnCollisionTest {

    @RegisterExtension
    final HostileApi.Sync sync = HostileApi.syncForEachTest("incidents");
    final HostileApi api = sync.api;

    @Test
    void anIncidentFieldNamedUpdatesOrActionsKeepsItsValueBesideTheProductsArrays() throws Exception {
        api.on("/v2/incidents", request -> Reply.json(HostileApi.page("incidents", java.util.List.of(
                "{\"id\":\"I1\",\"name\":\"One\",\"updates\":\"api-updates\",\"actions\":7}"), null)));

        assertEquals(0, sync.run(), sync.err);
        Map<String, Object> row = new HashMap<>();
        try (var c = sync.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM incidents")) {
            assertTrue(rs.next());
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                row.put(meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getString(i));
            }
        }
        assertEquals("[]", row.get("updates"), "the product's array of the incident's updates: " + row);
        assertEquals("[]", row.get("actions"), row.toString());
        // fields the description does not declare: kept, by name, in _sdc_undeclared
        com.fasterxml.jackson.databind.JsonNode undeclared = OracleComparison.parse(row.get("_sdc_undeclared"));
        assertEquals("api-updates", undeclared.path("updates").asText(), "the API's own field, kept beside: " + row);
        assertEquals(7, undeclared.path("actions").asInt(), row.toString());
    }
}
