package io.incidentsync;

import io.incidentsync.HostileApi.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What users build on a synced table (a view, a grant to a reporting user, an index, a foreign key from a
 * table of their own) stays on it through every sync, and sees each sync's rows. Each is tested alone, since
 * any one of them changes how the table is replaced. The PostgreSQL variant overrides {@link #destination}.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class ViewsAndGrantsTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    HostileApi api;
    HostileApi.Sync sync;
    /** Each sync lists different users: sync k gives users k to k + 2, and from the second on a new field. */
    final AtomicInteger syncs = new AtomicInteger();
    final String reader = "reader_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    boolean readerCreated;
    /** A table of the sync's names that the test itself made, and that may stay. */
    String madeByTheTest = "";

    @BeforeEach
    void start() throws Exception {
        api = HostileApi.start();
        api.on("/v2/users", request -> {
            int k = syncs.get();
            List<String> users = HostileApi.users(k, 3).stream()
                    .map(u -> k > 1 ? u.replace("}", ",\"timezone\":\"Europe/London\"}") : u).toList();
            return Reply.json(HostileApi.page("users", users, null));
        });
        sync = new HostileApi.Sync(api, "users");
        db.on(sync);
        assertEquals(0, syncNext(), sync.err);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (readerCreated && !isMariaDb()) {
                execute(isH2() ? "DROP USER " + reader : "DROP OWNED BY " + reader);
            }
            if (readerCreated && !isH2()) {
                execute("DROP ROLE " + reader);
            }
        } finally {
            api.close();
            sync.close();
        }
    }

    @Test
    void aViewOnASyncedTableSurvivesEverySyncAndShowsTheNewRows() throws Exception {
        execute("CREATE VIEW active_users AS SELECT id, name FROM users WHERE role = 'viewer'");

        for (int k = 2; k <= 3; k++) {
            syncAgain(k);
            assertEquals(usersOfSync(k), column("SELECT id FROM active_users"), "the view shows sync " + k + "'s rows");
        }
    }

    @Test
    void aGrantOnASyncedTableSurvivesEverySync() throws Exception {
        execute(isH2() ? "CREATE USER " + reader + " PASSWORD 'x'" : "CREATE ROLE " + reader);
        readerCreated = true;
        execute("GRANT SELECT ON users TO " + reader);

        for (int k = 2; k <= 3; k++) {
            syncAgain(k);
            assertEquals(List.of("SELECT"), List.copyOf(column("SELECT privilege_type FROM information_schema.table_privileges "
                    + "WHERE lower(table_name) = 'users' AND lower(grantee) " + (isMariaDb() ? "LIKE '%''" + reader + "''%'"
                    : "= '" + reader + "'"))), "the grant is still there");
        }
    }

    @Test
    void anIndexOnASyncedTableSurvivesEverySync() throws Exception {
        execute("CREATE INDEX users_by_email ON users (email)");

        for (int k = 2; k <= 3; k++) {
            syncAgain(k);
            assertEquals(1, column("SELECT " + (isH2()
                    ? "index_name FROM information_schema.indexes WHERE lower(index_name) = 'users_by_email'"
                    : isMariaDb() ? "DISTINCT index_name FROM information_schema.statistics WHERE index_name = 'users_by_email'"
                    + " AND table_schema = DATABASE()"
                    : "indexname FROM pg_indexes WHERE indexname = 'users_by_email' AND schemaname = current_schema")).size());
        }
    }

    @Test
    void aForeignKeyToASyncedTableKeepsReferringToTheLiveTable() throws Exception {
        // on MariaDB a foreign key needs the referenced column's character set and collation (README)
        execute(isMariaDb() ? "CREATE TABLE notes (user_id VARCHAR(40), FOREIGN KEY (user_id) REFERENCES users (id))"
                + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : "CREATE TABLE notes (user_id VARCHAR(40) REFERENCES users (id))");

        for (int k = 2; k <= 3; k++) {
            syncAgain(k);
        }
        execute("INSERT INTO notes VALUES ('" + usersOfSync(3).first() + "')");
        assertThrows(SQLException.class, () -> execute("INSERT INTO notes VALUES ('U00001')"),
                "a user of the first sync only is no longer there to refer to");
    }

    /**
     * The state the previous build left after a sync under a view: the replaced table still under its
     * swap name, and something depending on it so that it cannot be dropped. Every later sync succeeds.
     */
    @Test
    void aLeftoverOldTableThatCannotBeDroppedDoesNotFailLaterSyncs() throws Exception {
        execute("CREATE TABLE _sdc_old_users (id VARCHAR(40) PRIMARY KEY)");
        madeByTheTest = "_sdc_old_users";
        execute("CREATE VIEW old_users AS SELECT id FROM _sdc_old_users");

        for (int k = 2; k <= 3; k++) {
            syncAgain(k);
        }
    }

    boolean isMariaDb() {
        return sync.settings.get("incident.db.url").startsWith("jdbc:mariadb:");
    }

    boolean isH2() {
        return sync.settings.get("incident.db.url").startsWith("jdbc:h2:");
    }

    int syncNext() throws Exception {
        syncs.incrementAndGet();
        return sync.run();
    }

    /** Sync k: it succeeds, without a line on standard error, and its rows are the live ones. */
    void syncAgain(int k) throws Exception {
        assertEquals(0, syncNext(), "sync " + k + ":\n" + sync.out + sync.err);
        assertEquals(List.of(), sync.errLines());
        assertEquals(usersOfSync(k), column("SELECT id FROM users"), "sync " + k + "'s rows are live");
        // the new field, which the description does not declare, is kept in _sdc_undeclared
        try (Connection c = sync.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT _sdc_undeclared FROM users")) {
            int kept = 0;
            while (rs.next()) {
                kept += String.valueOf(rs.getString(1)).contains("Europe/London") ? 1 : 0;
            }
            assertEquals(3, kept, "the new field, kept in _sdc_undeclared");
        }
        TreeSet<String> left = column("SELECT table_name FROM information_schema.tables WHERE lower(table_name) LIKE '\\_sdc\\_%' "
                + "AND table_schema = " + (isMariaDb() ? "DATABASE()" : "current_schema"));
        assertTrue(left.stream().allMatch(t -> t.equalsIgnoreCase(madeByTheTest)), "no table of the sync is left behind: " + left);
    }

    static TreeSet<String> usersOfSync(int k) {
        return new TreeSet<>(List.of(String.format("U%05d", k), String.format("U%05d", k + 1), String.format("U%05d", k + 2)));
    }

    void execute(String sql) throws SQLException {
        try (Connection c = sync.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    TreeSet<String> column(String sql) throws SQLException {
        TreeSet<String> out = new TreeSet<>();
        try (Connection c = sync.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
