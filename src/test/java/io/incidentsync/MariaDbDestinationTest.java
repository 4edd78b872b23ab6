package io.incidentsync;

import io.incidentsync.store.Dialect;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only MariaDB and MySQL destinations meet: URLs of both schemes, a URL naming no database, a
 * connection that cannot run several statements in one, names the server reserves, and a page larger
 * than the server takes in one packet (needs INCIDENT_TEST_MARIADB_URL).
 */
@Tag(ServerTests.MARIADB)
class MariaDbDestinationTest {

    @RegisterExtension
    final HostileApi api = HostileApi.forEachTest();

    @Test
    void aMysqlUrlReachesTheServerThroughTheSameDriverAndReservedWordsAreColumns() throws Exception {
        api.on("/v2/users", r -> HostileApi.Reply.json(HostileApi.page("users", List.of(
                "{\"id\":\"U1\",\"name\":\"One\",\"order\":1,\"key\":\"k1\",\"select\":{\"from\":\"x\"}}",
                "{\"id\":\"U2\",\"name\":\"Two\",\"order\":2,\"key\":\"k2\",\"select\":{\"from\":\"y\"}}"), null)));
        // rank: a column the description declares whose name MySQL 8 reserves
        api.on("/v1/severities", r -> HostileApi.Reply.json(HostileApi.page("severities", List.of(
                "{\"id\":\"S1\",\"name\":\"Critical\",\"rank\":1}", "{\"id\":\"S2\",\"name\":\"Minor\",\"rank\":2}"), null)));
        String url = TestServers.freshMariaDbDatabaseUrl().replaceFirst("^jdbc:mariadb:", "jdbc:mysql:");
        try (HostileApi.Sync sync = new HostileApi.Sync(api, "users,severities")) {
            sync.settings.put("incident.db.url", url);
            assertEquals(0, sync.run(), sync.err);
            sync.settings.put("incident.db.url", url.replaceFirst("^jdbc:mysql:", "jdbc:mariadb:"));
            assertEquals(2, sync.count("SELECT COUNT(*) FROM severities WHERE `rank` IN (1, 2)"));
            // fields the description does not declare, reserved words among them, in _sdc_undeclared
            assertEquals(2, sync.count("SELECT COUNT(*) FROM users WHERE JSON_VALUE(_sdc_undeclared, '$.order') IN (1, 2)"));
            assertEquals(Map.of("U1", "k1", "U2", "k2"), sync.column("users", "JSON_VALUE(_sdc_undeclared, '$.key')"));
            assertEquals(Map.of("U1", "x", "U2", "y"), sync.column("users", "JSON_VALUE(_sdc_undeclared, '$.select.from')"));
            assertEquals(1, sync.count("SELECT COUNT(*) FROM _sync_runs WHERE table_name = 'users' AND status = 'ok'"));
        }
    }

    @Test
    void aUrlWithoutADatabaseFailsEveryTableWithOneLineNamingTheFix() throws Exception {
        String withoutDatabase = TestServers.MARIADB.url().replaceFirst("^(jdbc:[a-z]+://[^/?]+)(/[^?]*)?", "$1/");
        try (HostileApi.Sync sync = new HostileApi.Sync(api, "users")) {
            sync.settings.put("incident.db.url", withoutDatabase);
            assertEquals(1, sync.run());
            List<String> lines = sync.errLines();
            assertEquals(1, lines.size(), sync.err);
            assertTrue(lines.get(0).startsWith("users: cannot sync into the database at "), lines.get(0));
            assertTrue(lines.get(0).contains("names no database") && lines.get(0).contains("INCIDENT_DB_URL"), lines.get(0));
        }
    }

    /** A DataSource an embedding application supplies is not rewritten: it must allow several statements in one. */
    @Test
    void aConnectionThatCannotRunSeveralStatementsInOneIsRefusedByName() throws Exception {
        String url = TestServers.freshMariaDbDatabaseUrl();
        try (Connection c = DriverManager.getConnection(url)) {
            SQLException refused = assertThrows(SQLException.class, () -> Dialect.of(c).check(c));
            assertTrue(refused.getMessage().contains("add allowMultiQueries=true to the JDBC URL"), refused.getMessage());
        }
        try (Connection c = DriverManager.getConnection(url + "&allowMultiQueries=true")) {
            Dialect.of(c).check(c);
        }
    }

    /**
     * Four records of 5 million characters: 20 MB in one statement would exceed the server's 16 MB
     * packet limit (max_allowed_packet), so the page is written in parts.
     */
    @Test
    void aPageLargerThanTheServersPacketLimitIsWrittenInParts() throws Exception {
        List<String> records = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            records.add("{\"id\":\"U" + i + "\",\"name\":\"" + Character.toString('a' + i).repeat(5_000_000) + "\"}");
        }
        api.on("/v2/users", r -> HostileApi.Reply.json(HostileApi.page("users", records, null)));
        try (HostileApi.Sync sync = new HostileApi.Sync(api, "users")) {
            sync.settings.put("incident.db.url", TestServers.freshMariaDbDatabaseUrl());
            try (Connection c = sync.connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT @@max_allowed_packet")) {
                rs.next();
                assertTrue(rs.getLong(1) < 20_000_000L, "the server takes the whole page in one packet: the test proves nothing");
            }
            assertEquals(0, sync.run(), sync.err);
            assertEquals(4, sync.count("SELECT COUNT(*) FROM users WHERE CHAR_LENGTH(name) = 5000000"));
            assertEquals(1, sync.count("SELECT COUNT(*) FROM users WHERE id = 'U3' AND name LIKE 'ddd%'"));
        }
    }
}
