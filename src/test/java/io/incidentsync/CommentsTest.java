package io.incidentsync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every table and column the product creates carries a comment that says what it holds and where it comes
 * from, as the database's own catalogue shows it: INFORMATION_SCHEMA on H2 and MariaDB, pg_description on
 * PostgreSQL (issue 26, item 6).
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class CommentsTest {

    @Parameter
    Destination db;

    @Test
    void everyTableAndColumnSaysWhatItHoldsAndWhereItComesFrom() throws Exception {
        try (SyncHarness h = db.harness(20)) {
            h.settings.put("incident.streams", "incidents,catalog_types,catalog_entries,severities,schedules");
            assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
            // a second sync: on H2 and PostgreSQL the comments go on the live tables the copy swap keeps
            assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
            Map<String, String> columns = new HashMap<>();
            Map<String, String> tables = new HashMap<>();
            try (Connection c = h.connect(); Statement s = c.createStatement()) {
                String columnQuery;
                String tableQuery;
                if (h.dbUrl.startsWith("jdbc:postgresql:")) {
                    columnQuery = "SELECT c.relname, a.attname, d.description FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                            + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                            + " LEFT JOIN pg_description d ON d.objoid = c.oid AND d.objsubid = a.attnum"
                            + " WHERE n.nspname = current_schema() AND c.relkind = 'r'";
                    tableQuery = "SELECT c.relname, d.description FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                            + " LEFT JOIN pg_description d ON d.objoid = c.oid AND d.objsubid = 0"
                            + " WHERE n.nspname = current_schema() AND c.relkind = 'r'";
                } else if (h.isMariaDb()) {
                    columnQuery = "SELECT table_name, column_name, column_comment FROM information_schema.columns WHERE table_schema = DATABASE()";
                    tableQuery = "SELECT table_name, table_comment FROM information_schema.tables WHERE table_schema = DATABASE()";
                } else {
                    columnQuery = "SELECT table_name, column_name, remarks FROM information_schema.columns WHERE table_schema = 'PUBLIC'";
                    tableQuery = "SELECT table_name, remarks FROM information_schema.tables WHERE table_schema = 'PUBLIC'";
                }
                try (ResultSet rs = s.executeQuery(columnQuery)) {
                    while (rs.next()) {
                        columns.put(rs.getString(1).toLowerCase() + "." + rs.getString(2).toLowerCase(), rs.getString(3));
                    }
                }
                try (ResultSet rs = s.executeQuery(tableQuery)) {
                    while (rs.next()) {
                        tables.put(rs.getString(1).toLowerCase(), rs.getString(2));
                    }
                }
            }
            List<String> bare = new ArrayList<>();
            columns.forEach((column, comment) -> {
                if (!column.startsWith("_s") && (comment == null || comment.isBlank())) {
                    bare.add(column);
                }
            });
            tables.forEach((table, comment) -> {
                if (!table.startsWith("_s") && (comment == null || comment.isBlank())) {
                    bare.add(table);
                }
            });
            assertEquals(List.of(), bare, "tables and columns without a comment");
            assertTrue(columns.size() > 300, columns.size() + " columns read");

            assertEquals("incident.io GET /v2/incidents: severity.name, text", columns.get("incidents.severity__name"));
            assertEquals("incident.io GET /v2/incidents: severity.id, text; joins severities.id", columns.get("incidents.severity__id"));
            assertEquals("incident.io GET /v2/incidents: id, text; primary key", columns.get("incidents.id"));
            assertEquals("incident.io GET /v2/incidents: custom_field_entries[].values[].value_numeric, text",
                    columns.get("incidents__custom_field_entries__values.value_numeric"));
            assertEquals("the key of the map's entry (for attribute_values, the attribute id)",
                    columns.get("catalog_entries__attribute_values.map_key"));
            assertEquals("incident.io GET /v3/catalog_entries: attribute_values.<key>.value.label, text",
                    columns.get("catalog_entries__attribute_values.value__label"));
            assertEquals("incident.io GET /v2/schedules: team_ids[], text", columns.get("schedules__team_ids.value"));
            assertEquals("the parent record's id; written by the product", columns.get("incidents__custom_field_entries._sdc_source_key_id"));
            assertTrue(columns.get("incidents.custom_field_entries").contains("its elements are rows of a child table"),
                    columns.get("incidents.custom_field_entries"));
            assertEquals("incident.io GET /v2/incidents: one row per record; primary key id. Written by incident-io-sync,"
                    + " replaced whole by each sync", tables.get("incidents"));
            assertEquals("incident.io GET /v3/catalog_entries: one row per entry of the map attribute_values of catalog_entries;"
                    + " joins catalog_entries on _sdc_source_key_id = id; primary key _sdc_source_key_id, map_key",
                    tables.get("catalog_entries__attribute_values"));
        }
    }
}
