package io.incidentsync;

import io.incidentsync.cli.Application;
import io.incidentsync.HostileApi.Reply;
import io.incidentsync.run.IncidentSync;
import io.incidentsync.run.SyncRun;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two syncs into one destination never mix their rows: while one is writing, a second one (from another
 * process, another application, or the same one) refuses at once with one line and touches nothing, and
 * the first ends with exactly its own rows.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.incidentsync.Destination#all")
class ConcurrentSyncTest {

    /** The database this run of the class writes to. */
    @Parameter
    Destination db;

    static final String STREAMS = "users,severities";
    static final String REFUSAL = "another sync is writing to this destination (";

    /** The first sync's API: 750 users in three pages, the third held back until the test lets it go. */
    HostileApi slow;
    /** The second sync's API: 300 other users, answered at once. */
    HostileApi fast;
    final CountDownLatch thirdPageAsked = new CountDownLatch(1);
    final CountDownLatch letThirdPageGo = new CountDownLatch(1);
    String url;
    Path dir;
    final ExecutorService pool = Executors.newCachedThreadPool();

    /** The JDBC URL both syncs write to; H2 through AUTO_SERVER, so that another process can share the file. */
    String destination() throws Exception {
        return db == Destination.H2 ? "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";AUTO_SERVER=TRUE" : db.freshUrl();
    }

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("incident-sync-concurrent");
        url = destination();
        List<List<String>> pages = HostileApi.userPages(750, 250);
        AtomicBoolean held = new AtomicBoolean();
        slow = HostileApi.start();
        slow.on("/v2/users", request -> {
            if ("c2".equals(request.param("after")) && held.compareAndSet(false, true)) {
                thirdPageAsked.countDown();
                try {
                    letThirdPageGo.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return HostileApi.pages("users", pages).apply(request);
        });
        slow.on("/v1/severities", request -> Reply.json(severities("S1", "S2")));
        fast = HostileApi.start();
        fast.on("/v2/users", HostileApi.pages("users", HostileApi.userPages(300, 250).stream()
                .map(page -> page.stream().map(u -> u.replace("\"U0", "\"V0")).toList()).toList()));
        fast.on("/v1/severities", request -> Reply.json(severities("S9")));
    }

    @AfterEach
    void stop() throws Exception {
        letThirdPageGo.countDown();
        pool.shutdownNow();
        // null when start() stopped early: a server that is required but not set fails it there
        if (slow != null) {
            slow.close();
        }
        if (fast != null) {
            fast.close();
        }
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String severities(String... ids) {
        List<String> records = new ArrayList<>();
        for (String id : ids) {
            records.add("{\"id\":\"" + id + "\",\"name\":\"Severity " + id + "\",\"rank\":1}");
        }
        return "{\"severities\":[" + String.join(",", records) + "]}";
    }

    HostileApi.Sync sync(HostileApi api) throws Exception {
        HostileApi.Sync sync = new HostileApi.Sync(api, STREAMS);
        sync.settings.put("incident.db.url", url);
        return sync;
    }

    @Test
    void aSecondSyncWhileOneIsWritingRefusesWithOneLineAndTheFirstEndsWithExactlyItsOwnRows() throws Exception {
        try (HostileApi.Sync first = sync(slow); HostileApi.Sync second = sync(fast)) {
            Future<Integer> running = pool.submit(first::run);
            awaitStagedRows();

            assertEquals(1, second.run(), second.out + second.err);
            assertEquals(List.of("every table: another sync is writing to this destination (" + url
                    + "); this run changed nothing; it will run at the next schedule, or run sync again when that one ends"),
                    second.errLines());
            assertTrue(fast.requests().isEmpty(), "the refused sync asked the API for nothing: " + fast.requests());

            letThirdPageGo.countDown();
            assertEquals(0, (int) running.get(60, TimeUnit.SECONDS), first.out + first.err);
            assertEquals(ids("U", 750), column("SELECT id FROM users"), "the first sync's rows, and only them");
            assertEquals(ids("S", 2), column("SELECT id FROM severities"));
            assertTrue(column(stagingTables()).isEmpty(), "nothing left behind: " + column(stagingTables()));

            assertEquals(0, second.run(), "once the first has ended the destination is free: " + second.err);
            assertEquals(ids("V", 300), column("SELECT id FROM users"));
        }
    }

    @Test
    void twoSyncsSentAtOnceToOneApplicationRunOneAndRefuseTheOther() throws Exception {
        try (HostileApi.Sync settings = sync(slow)) {
            Main main = new Application(settings.settings).main(false);
            main.start();
            try {
                ProducerTemplate template = main.getCamelContext().createProducerTemplate();
                Future<SyncRun> running = pool.submit(() -> template.requestBody("direct:sync", null, SyncRun.class));
                awaitStagedRows();

                SyncRun refused = template.requestBody("direct:sync", null, SyncRun.class);
                assertEquals(List.of("users", "severities"), refused.results().stream().map(SyncRun.Result::table).toList());
                assertTrue(refused.results().stream().allMatch(r -> !r.ok() && r.error().startsWith(REFUSAL)),
                        refused.summary() + "\n" + refused.results());

                letThirdPageGo.countDown();
                SyncRun first = running.get(60, TimeUnit.SECONDS);
                assertTrue(first.ok(), first.summary());
                assertEquals(ids("U", 750), column("SELECT id FROM users"));

                assertTrue(template.requestBody("direct:sync", null, SyncRun.class).ok(), "the next message syncs");
            } finally {
                main.stop();
            }
        }
    }

    @Test
    void aSyncInAnotherProcessHoldsTheDestinationUntilThatProcessIsKilled() throws Exception {
        try (HostileApi.Sync second = sync(fast)) {
            Map<String, String> env = Map.of("INCIDENT_API_URL", slow.baseUrl(), "INCIDENT_API_KEY", "hostile-test-key",
                    "INCIDENT_DB_URL", url, "INCIDENT_STREAMS", STREAMS);
            try (JarProcess other = JarProcess.startFromClasspath(dir, env, "sync")) {
                assertTrue(thirdPageAsked.await(60, TimeUnit.SECONDS), other.output());
                awaitStagedRows();

                assertEquals(1, second.run(), second.err);
                assertTrue(second.err.startsWith("every table: " + REFUSAL), second.err);

                // a crash: no finishRun, no release, only the operating system closing the process's connections
                other.process.destroyForcibly();
                other.process.waitFor(30, TimeUnit.SECONDS);
            }
            assertEquals(0, second.run(), "the killed process no longer holds the destination: " + second.err);
            assertEquals(ids("V", 300), column("SELECT id FROM users"));
            assertTrue(column(stagingTables()).isEmpty(), "the killed sync's staging tables are gone");
        }
    }

    @Test
    void aRunThatFailsBeforeItsEndStillGivesTheDestinationBack() throws Exception {
        // an edited sync route whose run fails after its tables, so that finishRun is never reached
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        String finish = "        - bean:\n            ref: incidentSync\n            method: finishRun\n";
        String route = Files.readString(routes.resolve("sync.camel.yaml"));
        assertTrue(route.contains(finish), route);
        Files.writeString(routes.resolve("sync.camel.yaml"), route.replace(finish, "        - throwException:\n"
                + "            exceptionType: java.lang.IllegalStateException\n            message: the run failed\n"));

        try (HostileApi.Sync settings = sync(fast)) {
            settings.settings.put("incident.routes.dir", routes.toString());
            Main main = new Application(settings.settings).main(false);
            main.start();
            try {
                ProducerTemplate template = main.getCamelContext().createProducerTemplate();
                IncidentSync incidentSync = main.getCamelContext().getRegistry().lookupByNameAndType("incidentSync", IncidentSync.class);
                for (int run = 1; run <= 2; run++) {
                    assertThrows(CamelExecutionException.class, () -> template.requestBody("direct:sync", null, SyncRun.class));
                    SyncRun last = incidentSync.lastRun();
                    assertTrue(last.ok(), "run " + run + " had the destination: " + last.results());
                }
            } finally {
                main.stop();
            }
        }
    }

    /** Waits until the first sync has written rows into its staging table: it is writing now. */
    void awaitStagedRows() throws Exception {
        assertTrue(thirdPageAsked.await(60, TimeUnit.SECONDS), "the slow sync reached its third page");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (!column("SELECT id FROM _sdc_stage_users").isEmpty()) {
                    return;
                }
            } catch (SQLException notYet) {
                // the staging table is created with the first batch
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the slow sync wrote nothing into _sdc_stage_users");
    }

    String stagingTables() {
        return "SELECT table_name FROM information_schema.tables WHERE lower(table_name) LIKE '\\_sdc\\_stage\\_%' "
                + "AND table_schema = " + (url.startsWith("jdbc:mariadb:") ? "DATABASE()" : "current_schema");
    }

    /** The first column of a query's rows, sorted. */
    TreeSet<String> column(String sql) throws SQLException {
        TreeSet<String> out = new TreeSet<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The ids the fake APIs give: U00001 up for the slow one's users, V00001 up for the fast one's, S1 up. */
    static TreeSet<String> ids(String prefix, int n) {
        TreeSet<String> out = new TreeSet<>();
        for (int i = 1; i <= n; i++) {
            out.add(prefix.equals("S") ? "S" + i : String.format("%s%05d", prefix, i));
        }
        return out;
    }
}
