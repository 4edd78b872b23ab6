package io.incidentsync.routes;

import io.incidentsync.IncidentSyncConfiguration;
import io.incidentsync.Queries;
import io.incidentsync.run.IncidentSync;
import io.incidentsync.run.SyncRun;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.function.ThrowingConsumer;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The product's route files and beans in a plain Camel context, as the standalone jar binds them
 * ({@link IncidentSyncConfiguration}), on an H2 file of the test's own: routes can be advised before the
 * context starts, and a sync is one message to {@code direct:sync}.
 */
final class RouteHarness implements AutoCloseable {

    /** Every route file, in the order the templates and configurations they refer to are defined. */
    static final List<String> ROUTE_FILES = List.of("errors", "api", "listings", "destinations", "streams", "sync", "webhooks");
    /** The API's base URL: never contacted, since the tests advise the HTTP endpoint away. */
    static final String API_URL = "http://api.incident.invalid";
    static final String KEY = "route-test-key";

    final DefaultCamelContext context = new DefaultCamelContext();
    final Map<String, String> properties = new LinkedHashMap<>();
    private boolean loaded;

    RouteHarness(Path dir, String streams) {
        properties.put("incident.api.url", API_URL);
        properties.put("incident.api.key", KEY);
        properties.put("incident.db.url", "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
        properties.put("incident.streams", streams);
        properties.put("incident.http.max-attempts", "4");
        properties.put("incident.http.initial-backoff-millis", "10");
        properties.put("incident.http.read-timeout-seconds", "5");
        properties.put("incident.schedule.enabled", "false");
    }

    RouteHarness set(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** Binds the beans from {@link #properties} and loads the route files; from here on they are fixed. */
    RouteHarness load() throws Exception {
        Properties initial = new Properties();
        initial.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(initial);
        new IncidentSyncConfiguration().configure(context);
        RoutesLoader loader = PluginHelper.getRoutesLoader(context);
        for (String file : ROUTE_FILES) {
            loader.loadRoutes(ResourceHelper.resolveMandatoryResource(context, "file:routes/" + file + ".camel.yaml"));
        }
        loaded = true;
        return this;
    }

    RouteHarness advise(String routeId, ThrowingConsumer<AdviceWithRouteBuilder, Exception> advice) throws Exception {
        if (!loaded) {
            load();
        }
        AdviceWith.adviceWith(context, routeId, advice);
        return this;
    }

    /**
     * Replaces the HTTP endpoint of {@code incident-api-attempt} by {@code mock:incident-api}, which answers
     * each request as {@code api} says; the mock keeps every request it received.
     */
    MockEndpoint serve(FakeApi api) throws Exception {
        // the node's URI is the route file's placeholder ({{incident.api.url}}), resolved only when the endpoint
        // is made, so the HTTP endpoint is found by the client configurer only it names
        advise("incident-api-attempt", a -> a.weaveByToUri(".*httpClientConfigurer=#incidentApi.*").replace()
                .to("mock:incident-api"));
        MockEndpoint http = mock("mock:incident-api");
        http.whenAnyExchangeReceived(api);
        return http;
    }

    MockEndpoint mock(String uri) {
        return context.getEndpoint(uri, MockEndpoint.class);
    }

    RouteHarness start() throws Exception {
        if (!loaded) {
            load();
        }
        context.start();
        return this;
    }

    /** One sync, as the schedule would start it; returns when every table has ended. */
    SyncRun sync() {
        context.createProducerTemplate().sendBody("direct:sync", null);
        return incidentSync().lastRun();
    }

    IncidentSync incidentSync() {
        return context.getRegistry().lookupByNameAndType("incidentSync", IncidentSync.class);
    }

    /** What one sync against a fake API did: the run, and the requests the API received, in order. */
    record Served(SyncRun run, MockEndpoint http) {
        SyncRun.Result result(String table) {
            return RouteHarness.result(run, table);
        }

        List<FakeApi.Request> requests() {
            return http.getReceivedExchanges().stream().map(FakeApi::request).toList();
        }
    }

    /** Serves {@code api}, starts the routes, syncs once, and checks the API was asked exactly {@code requests} times. */
    Served syncAgainst(FakeApi api, int requests) throws Exception {
        MockEndpoint http = serve(api);
        http.expectedMessageCount(requests);
        start();
        SyncRun run = sync();
        http.assertIsSatisfied();
        return new Served(run, http);
    }

    static SyncRun.Result result(SyncRun run, String table) {
        return run.results().stream().filter(r -> r.table().equals(table)).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + table + " in\n" + run.summary()));
    }

    /** A connection from the sync's own pool, so the H2 file is opened with the sync's settings. */
    Connection connect() throws SQLException {
        return context.getRegistry().lookupByNameAndType("incidentDataSource", DataSource.class).getConnection();
    }

    long count(String sql) throws SQLException {
        return Queries.count(this::connect, sql);
    }

    /** The first column of every row, in the query's order, as text. */
    List<String> column(String sql) throws SQLException {
        return Queries.column(this::connect, sql).stream().map(v -> v == null ? null : v.toString()).toList();
    }

    boolean tableExists(String name) throws SQLException {
        return count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = '"
                + name.toUpperCase(java.util.Locale.ROOT) + "'") > 0;
    }

    @Override
    public void close() {
        context.stop();
    }
}
