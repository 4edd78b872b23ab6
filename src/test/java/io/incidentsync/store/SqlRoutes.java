package io.incidentsync.store;

import io.incidentsync.api.IncidentApi;
import io.incidentsync.config.Settings;
import io.incidentsync.run.IncidentSync;
import io.incidentsync.schema.Catalog;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.h2.jdbcx.JdbcDataSource;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;

/**
 * The product's statement routes (incident-sql and incident-jdbc of routes/listings.camel.yaml) on an H2
 * file, for tests of the writer: statements a {@link TableLoad} builds reach the database the way they
 * do in a sync, through the Camel JDBC endpoint.
 */
final class SqlRoutes implements AutoCloseable {

    final DefaultCamelContext camel = new DefaultCamelContext();
    final DataSource dataSource;
    private final ProducerTemplate template;

    SqlRoutes(String url) throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        this.dataSource = h2;
        camel.getRegistry().bind("incidentDataSource", dataSource);
        camel.getRegistry().bind("incidentSqlParameters", new SqlParameters());
        camel.getRegistry().bind("incidentSyncWriters", camel.getExecutorServiceManager().newFixedThreadPool(this, "writers", 2));
        Settings settings = new Settings(Map.of("incident.api.key", "unused")::get);
        IncidentSync sync = new IncidentSync(settings, dataSource, false, Catalog.load(),
                new IncidentApi(settings, Catalog.load()));
        camel.getRegistry().bind("incidentSync", sync);
        sync.bindSteps(camel.getRegistry());
        RoutesLoader loader = PluginHelper.getRoutesLoader(camel);
        for (String file : List.of("errors", "listings")) {
            loader.loadRoutes(ResourceHelper.resolveMandatoryResource(camel, "file:routes/" + file + ".camel.yaml"));
        }
        camel.start();
        template = camel.createProducerTemplate();
    }

    /** Sends statements (a list or an iterator) as the routes do; a failure throws CamelExecutionException. */
    void send(Object statements) {
        template.sendBody("direct:incident-sql", statements);
    }

    @Override
    public void close() {
        camel.stop();
    }
}
