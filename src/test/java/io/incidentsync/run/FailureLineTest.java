package io.incidentsync.run;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failed table's line is one short line, and a database's reason comes without its statement or values. */
class FailureLineTest {

    @Test
    void aLongMessageKeepsWhatFailedAndTheFixInOneLineOfAtMostTheLimit() {
        String message = "GET /v2/users failed\u0000 because\n" + "x".repeat(5000) + "; raise incident.http.max-attempts";
        String line = IncidentSync.shortLine(message);
        assertEquals(IncidentSync.MAX_LINE, line.length());
        assertTrue(line.startsWith("GET /v2/users failed because x"), line);
        assertTrue(line.endsWith("xxx; raise incident.http.max-attempts"), line);
        assertFalse(line.chars().anyMatch(Character::isISOControl), line);
    }

    @Test
    void h2sReasonLeavesOutTheStatementItAppends() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:failure-line");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id VARCHAR NOT NULL PRIMARY KEY, summary VARCHAR)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
                insert.setString(1, null);
                insert.setString(2, "S".repeat(10_000));
                insert.addBatch();
                SQLException e = assertThrows(SQLException.class, insert::executeBatch);
                assertTrue(e.getMessage().contains("\n"), "H2 appends the statement after a newline: " + e.getMessage());
                assertEquals("NULL not allowed for column \"ID\"", IncidentSync.reason(e));
            }
        }
    }
}
