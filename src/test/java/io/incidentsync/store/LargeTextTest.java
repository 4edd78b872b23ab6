package io.incidentsync.store;

import io.incidentsync.api.Page;
import io.incidentsync.schema.Catalog;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A text column holds more than a megabyte: a summary that long survives the writer and the swap intact. */
class LargeTextTest {

    @TempDir
    Path dir;

    @Test
    void aSummaryOverOneMegabyteIsStoredWhole() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
        StringBuilder summary = new StringBuilder();
        while (summary.length() < 1_200_000) {
            summary.append("Résumé of the outage — ünïcödé 🔥 \"quoted\"\nline ").append(summary.length()).append(' ');
        }
        ObjectNode record = Page.MAPPER.createObjectNode();
        record.put("id", "01HLARGE0000000000000000001");
        record.put("summary", summary.toString());
        record.put("created_at", "2025-03-14T09:26:53.589Z");
        try (SqlRoutes routes = new SqlRoutes(url); Connection connection = DriverManager.getConnection(url)) {
            TableLoad load = new TableLoad("incidents", "/v2/incidents", List.of("id"), Catalog.load().listing("/v2/incidents"),
                    Map.of(), () -> true, Dialect.of(connection), routes.dataSource, OffsetDateTime.now(), null);
            routes.send(load.setup());
            load.add(record);
            routes.send(load.endPage());
            routes.send(load.endListing());
            routes.send(load.swap());
            assertEquals(1, load.rows());
            load.close();
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT summary FROM incidents")) {
            rs.next();
            assertEquals(summary.toString(), rs.getString(1));
        }
    }
}
