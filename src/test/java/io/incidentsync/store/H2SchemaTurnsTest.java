package io.incidentsync.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * H2's schema locks deadlock when one connection creates tables while another adds columns (an ALTER that copies
 * its table): each holds one of SYS and the database's monitor and waits for the other until the lock timeout. On
 * plain connections that happens within seconds; through {@link H2SchemaTurns} it never does.
 */
class H2SchemaTurnsTest {

    @TempDir
    Path dir;

    @Test
    void plainConnectionsDeadlockOnTheSchemaLock() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("plain").toAbsolutePath() + ";LOCK_TIMEOUT=1000";
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL(url);
        List<String> errors = race(h2, 30_000, true);
        assertFalse(errors.isEmpty(), "the deadlock was not met in 30 s, so this test proves nothing");
        assertTrue(errors.get(0).contains("Timeout trying to lock table \"SYS\""), errors.get(0));
    }

    @Test
    void schemaStatementsThatTakeTurnsNeverDeadlock() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("turns").toAbsolutePath() + ";LOCK_TIMEOUT=1000";
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL(url);
        assertEquals(List.of(), race(H2SchemaTurns.wrap(h2, url), 8_000, false));
    }

    @Test
    void aStatementTextChangesTheSchemaWhenAnyOfItsStatementsDoes() {
        assertTrue(H2SchemaTurns.changesSchema("CREATE TABLE t (x INT)"));
        assertTrue(H2SchemaTurns.changesSchema("DELETE FROM t; insert into t values (1);\n drop table s"));
        assertTrue(H2SchemaTurns.changesSchema("  alter table t add column y int"));
        assertFalse(H2SchemaTurns.changesSchema("INSERT INTO t (created_by) VALUES ('DROP me')"));
        assertFalse(H2SchemaTurns.changesSchema("SELECT * FROM t"));
    }

    /**
     * One connection adds columns to a table while another creates and drops tables, for {@code millis} (or until
     * the first error when {@code untilError}); the errors.
     */
    private static List<String> race(DataSource source, long millis, boolean untilError) throws Exception {
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE wide (id INT PRIMARY KEY)");
            s.execute("INSERT INTO wide SELECT X FROM SYSTEM_RANGE(1, 2000)");
        }
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        long until = System.currentTimeMillis() + millis;
        Thread alter = new Thread(() -> loop(source, stop, until, errors, untilError, (s, i) -> {
            s.execute("ALTER TABLE wide ADD COLUMN c" + i + " VARCHAR");
            if (i % 50 == 49) {
                s.execute("DROP TABLE wide; CREATE TABLE wide (id INT PRIMARY KEY); INSERT INTO wide SELECT X FROM SYSTEM_RANGE(1, 2000)");
            }
        }));
        Thread create = new Thread(() -> loop(source, stop, until, errors, untilError, (s, i) ->
                s.execute("CREATE TABLE t" + i + " (x INT, y VARCHAR); DROP TABLE t" + i)));
        alter.start();
        create.start();
        alter.join();
        create.join();
        return errors;
    }

    interface Step {
        void run(Statement s, int i) throws SQLException;
    }

    private static void loop(DataSource source, AtomicBoolean stop, long until, List<String> errors, boolean untilError,
                             Step step) {
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; !stop.get() && System.currentTimeMillis() < until; i++) {
                try {
                    step.run(s, i);
                } catch (SQLException e) {
                    errors.add(e.getMessage());
                    if (untilError) {
                        stop.set(true);
                    }
                }
            }
        } catch (SQLException e) {
            errors.add(e.getMessage());
        }
    }
}
