package io.incidentsync.store;

import io.incidentsync.api.Page;
import io.incidentsync.schema.Catalog;
import io.incidentsync.schema.ColumnType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer's two less travelled paths, through the statement routes: rows that wait on disk, and a page that fails. */
class TableLoadTest {

    @TempDir
    Path dir;

    private static final OffsetDateTime EXTRACTED = OffsetDateTime.of(2026, 11, 26, 12, 0, 0, 0, ZoneOffset.UTC);

    /**
     * Every kind of value, and a field that first appears after some rows were spooled: the rows that
     * waited on disk are the rows written at once, value for value.
     */
    @Test
    void rowsThatWaitedOnDiskEqualRowsWrittenAtOnce() throws Exception {
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            ObjectNode r = Page.MAPPER.createObjectNode();
            r.put("id", String.format("01HREC%020d", i));
            r.put("name", i % 7 == 0 ? "Résumé 日本語 🔥 \"quoted\"\nline " + i : "incident " + i);
            r.put("created_at", "2025-03-14T09:26:53." + String.format("%03d", i % 1000) + "Z");
            r.put("count", (long) i * 1_000_000_007L);
            r.put("ratio", i / 7.0);
            r.put("flag", i % 2 == 0);
            if (i % 5 == 0) {
                r.putNull("summary");
            } else {
                r.put("summary", "s" + i);
            }
            r.putObject("severity").put("name", "sev" + (i % 4)).put("rank", i % 4);
            r.putArray("tags").add("a" + i).add(i);
            if (i >= 400) {
                // appears only after the first rows waited: a new column, shorter rows before it
                r.put("blast_radius", "radius " + i);
            }
            records.add(r);
        }
        String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
        // held open to the end: H2 closes a file when its last connection closes, and a connection opened while
        // another thread still closes it can find the file as it was before (the routes' writer threads close theirs)
        try (Connection held = DriverManager.getConnection(url); SqlRoutes routes = new SqlRoutes(url)) {
            AtomicBoolean childrenReady = new AtomicBoolean(false);
            TableLoad waiting = load("waited", routes, childrenReady::get);
            TableLoad atOnce = load("direct", routes, () -> true);
            for (int page = 0; page < records.size() / 100; page++) {
                for (ObjectNode r : records.subList(page * 100, page * 100 + 100)) {
                    waiting.add(r.deepCopy());
                    atOnce.add(r.deepCopy());
                }
                if (page == 5) {
                    childrenReady.set(true);
                }
                routes.send(waiting.endPage());
                routes.send(atOnce.endPage());
            }
            routes.send(waiting.endListing());
            routes.send(atOnce.endListing());
            routes.send(waiting.swap());
            routes.send(atOnce.swap());
            assertEquals(700, waiting.rows());
            assertEquals(700, atOnce.rows());
            waiting.close();
            atOnce.close();
            Connection c = held;
            List<Map<String, Object>> waited = rows(c, "waited");
            List<Map<String, Object>> direct = rows(c, "direct");
            assertEquals(700, waited.size());
            assertEquals(direct, waited);
            Map<String, Object> first = waited.get(0);
            assertEquals(null, first.get("SUMMARY"));
            assertEquals(null, first.get("BLAST_RADIUS"));
            assertEquals("Résumé 日本語 🔥 \"quoted\"\nline 0", first.get("NAME"));
            assertEquals("[]", first.get("UPDATES"), "no child listing yet: an empty array, not a missing one");
            Map<String, Object> late = waited.get(699);
            assertEquals("radius 699", late.get("BLAST_RADIUS"));
            assertEquals(699L * 1_000_000_007L, ((Number) late.get("COUNT")).longValue());
            assertEquals(false, late.get("FLAG"));
            assertEquals("sev3", late.get("SEVERITY__NAME"));
            assertEquals("[\"a699\",699]", late.get("TAGS"));
        }
    }

    /**
     * A page's statement fails at the JDBC endpoint (its staging table was dropped under it): the failure
     * reaches the table's route, and the live table keeps the rows of the last good load.
     */
    @Test
    void aPageWhoseStatementFailsFailsTheTableAndKeepsTheLiveRows() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
        try (SqlRoutes routes = new SqlRoutes(url)) {
            TableLoad first = load("t", routes, () -> true);
            routes.send(oneListing(routes, first, record("01HA", "first"), record("01HB", "second")));
            assertEquals(2, first.rows());
            first.close();

            TableLoad second = load("t", routes, () -> true);
            second.add(record("01HC", "third"));
            routes.send(second.endPage());
            try (Connection other = DriverManager.getConnection(url); Statement s = other.createStatement()) {
                s.execute("DROP TABLE \"_SDC_STAGE_T\"");
            }
            second.add(record("01HD", "fourth"));
            CamelExecutionException failure = assertThrows(CamelExecutionException.class, () -> routes.send(second.endPage()));
            Throwable cause = failure;
            while (cause.getCause() != null && !(cause instanceof SQLException)) {
                cause = cause.getCause();
            }
            assertTrue(cause instanceof SQLException && cause.getMessage().toUpperCase().contains("_SDC_STAGE_T"),
                    String.valueOf(cause));
            routes.send(second.abort());
            second.close();
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE '_SDC_STAGE_%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no staging table is left");
            List<Map<String, Object>> live = rows(c, "t");
            assertEquals(List.of("first", "second"), live.stream().map(r -> r.get("NAME")).toList());
        }
    }

    /**
     * H2 copies the new rows into the live table in one transaction while they hold no more text than
     * the limit, so a reader never finds the table missing; above the limit it renames the staging
     * table into place instead. Both leave exactly the new rows and no staging or replaced table.
     */
    @Test
    void h2CopiesRowsUpToTheLimitAndRenamesAboveIt() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
        try (SqlRoutes routes = new SqlRoutes(url)) {
            TableLoad first = load("t", routes, () -> true);
            routes.send(oneListing(routes, first, record("01HA", "first")));
            first.close();

            TableLoad copied = load("t", routes, () -> true);
            List<Sql> copy = oneListing(routes, copied, record("01HB", "second"));
            String copyText = text(copy);
            assertTrue(copyText.contains("DELETE FROM") && !copyText.contains("RENAME"), copyText);
            routes.send(copy);
            copied.close();
            try (Connection c = DriverManager.getConnection(url)) {
                assertEquals(List.of("second"), rows(c, "t").stream().map(r -> r.get("NAME")).toList());
            }

            TableLoad renamed = load("t", routes, () -> true);
            // "01HC" and "third": 9 characters of text, over a limit of 8
            renamed.renameAbove(8);
            List<Sql> rename = oneListing(routes, renamed, record("01HC", "third"));
            String renameText = text(rename);
            assertTrue(renameText.contains("RENAME TO") && !renameText.contains("DELETE FROM"), renameText);
            routes.send(rename);
            renamed.close();
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE '_SDC_%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no staging or replaced table is left");
            assertEquals(List.of("third"), rows(c, "t").stream().map(r -> r.get("NAME")).toList());
        }
    }

    /** Adds the records as one page, ends the listing, and returns the swap's statements, not yet run. */
    private static List<Sql> oneListing(SqlRoutes routes, TableLoad load, ObjectNode... records) throws Exception {
        for (ObjectNode record : records) {
            load.add(record);
        }
        routes.send(load.endPage());
        routes.send(load.endListing());
        return load.swap();
    }

    private static String text(List<Sql> statements) {
        return statements.stream().map(Sql::getText).reduce("", (a, b) -> a + "\n" + b);
    }

    private static ObjectNode record(String id, String name) {
        ObjectNode r = Page.MAPPER.createObjectNode();
        r.put("id", id);
        r.put("name", name);
        return r;
    }

    private static TableLoad load(String table, SqlRoutes routes, java.util.function.BooleanSupplier ready) throws SQLException {
        Map<String, String> children = table.equals("t") ? Map.of() : Map.of("updates", "updates");
        Dialect dialect;
        try (Connection c = routes.dataSource.getConnection()) {
            dialect = Dialect.of(c);
        }
        // the records' fields as a description would declare them; two without a type, typed by their first value
        Catalog.Listing declared = new Catalog.Listing(table, List.of(),
                List.of(new Catalog.Column("id", ColumnType.TEXT), new Catalog.Column("name", ColumnType.TEXT),
                        new Catalog.Column("summary", ColumnType.TEXT), new Catalog.Column("blast_radius", null),
                        new Catalog.Column("count", null), new Catalog.Column("flag", ColumnType.BOOLEAN),
                        new Catalog.Column("severity__name", ColumnType.TEXT), new Catalog.Column("tags", ColumnType.JSON),
                        new Catalog.Column("created_at", ColumnType.TIMESTAMP), new Catalog.Column("ratio", ColumnType.DOUBLE),
                        new Catalog.Column("severity__rank", ColumnType.BIGINT)));
        TableLoad load = new TableLoad(table, "/v2/" + table, List.of("id"), declared, children, ready, dialect,
                routes.dataSource, EXTRACTED, null);
        routes.send(load.setup());
        return load;
    }

    private static List<Map<String, Object>> rows(Connection c, String table) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM \"" + table.toUpperCase()
                + "\" ORDER BY \"ID\"")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnName(i), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
