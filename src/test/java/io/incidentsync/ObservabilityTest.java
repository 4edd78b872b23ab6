package io.incidentsync;

import io.incidentsync.cli.Application;
import org.apache.camel.main.Main;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code run} mode's HTTP port: after a scheduled sync, /observe/health is UP and /observe/metrics
 * holds the tables' row counts; when the database stops, readiness turns DOWN (HTTP 503) and
 * liveness stays UP. The database is an H2 server of the test's own, so it can be stopped.
 */
class ObservabilityTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthAndMetricsFollowTheSyncsAndTheDatabase() throws Exception {
        try (SyncHarness h = SyncHarness.start(300)) {
            Server database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", h.dir.toString()).start();
            String url = "jdbc:h2:tcp://127.0.0.1:" + database.getPort() + "/obs";
            int port = freePort();
            Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
            settings.put("incident.db.url", url);
            settings.put("incident.schedule", "0/2 * * * * ?");
            settings.put("incident.server.port", Integer.toString(port));
            Main main = new Application(settings).main(true);
            main.start();
            try {
                String base = "http://127.0.0.1:" + port;
                String metrics = await(() -> {
                    String m = get(base + "/observe/metrics").body();
                    return value(m, "incident_sync_runs_total{outcome=\"ok\"}") >= 1 ? m : null;
                }, 60, "a scheduled sync to succeed");
                long rows;
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM incidents")) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                assertEquals(h.simulator.oracle().records("incidents", true).size(), rows);
                assertEquals(rows, value(metrics, "incident_sync_rows{table=\"incidents\"}"), metrics);
                assertTrue(value(metrics, "incident_sync_requests_total{table=\"incidents\"}") >= 2, "300 incidents are two pages");
                assertTrue(value(metrics, "incident_sync_last_success_timestamp_seconds{table=\"users\"}") > 1.7e9);
                assertTrue(metrics.contains("incident_sync_retries_total{table=\"users\"}"), metrics);
                assertTrue(metrics.contains("incident_sync_rate_limited_total{table=\"users\"}"), metrics);
                assertTrue(metrics.contains("incident_sync_duration_seconds{table=\"incidents\"}"), metrics);
                assertTrue(metrics.contains("incident_sync_runs_total{outcome=\"failed\"}"), metrics);
                assertTrue(metrics.lines().anyMatch(l -> l.startsWith("camel_exchanges_total") && l.contains("routeId=\"sync\"")),
                        "Camel's own route metrics are there too");

                HttpResponse<String> health = get(base + "/observe/health");
                assertEquals(200, health.statusCode(), health.body());
                assertTrue(health.body().contains("\"status\":\"UP\""), health.body());

                // no more scheduled syncs: the readiness that turns DOWN is the database check's own
                main.getCamelContext().getRouteController().stopRoute("scheduled-sync");
                database.stop();
                HttpResponse<String> down = await(() -> {
                    HttpResponse<String> r = get(base + "/observe/health/ready");
                    return r.statusCode() == 503 && r.body().contains("\"incident-database\"") ? r : null;
                }, 60, "the database check to turn readiness DOWN once the database stopped");
                assertTrue(down.body().contains("\"status\":\"DOWN\"") && down.body().contains("incident-database"), down.body());
                HttpResponse<String> live = get(base + "/observe/health/live");
                assertEquals(200, live.statusCode(), "the process itself is alive: " + live.body());
            } finally {
                main.stop();
                database.stop();
            }
        }
    }

    /** The value of a metric line that starts with {@code series}, or -1 when there is none. */
    static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    static <T> T await(Probe<T> probe, int seconds, String what) throws Exception {
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < until) {
            try {
                T got = probe.get();
                if (got != null) {
                    return got;
                }
            } catch (java.io.IOException notYet) {
                // the server is still starting
            }
            Thread.sleep(250);
        }
        return fail("waited " + seconds + " s for " + what);
    }

    static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
