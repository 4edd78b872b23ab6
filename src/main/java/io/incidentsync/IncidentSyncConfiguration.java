package io.incidentsync;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.incidentsync.sync.IncidentSync;
import io.incidentsync.sync.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;

import javax.sql.DataSource;
import java.util.concurrent.ExecutorService;

/**
 * Binds the beans the routes use: {@code incidentSync} (the sync steps), {@code incidentSyncStreams}
 * (the pool that runs tables in parallel) and, unless the host application already has one,
 * {@code incidentDataSource} built from {@code incident.db.*}. The standalone jar and an embedding
 * Camel application both add this class (see README "Embedding").
 */
public class IncidentSyncConfiguration implements CamelConfiguration {

    public static final String DATA_SOURCE = "incidentDataSource";

    @Override
    public void configure(CamelContext context) {
        Settings settings = new Settings(key -> context.getPropertiesComponent().resolveProperty(key).orElse(null));
        DataSource dataSource = context.getRegistry().lookupByNameAndType(DATA_SOURCE, DataSource.class);
        boolean fromSettings = dataSource == null;
        if (fromSettings) {
            HikariDataSource own = dataSource(settings);
            dataSource = own;
            context.getRegistry().bind(DATA_SOURCE, dataSource);
            // closed once the routes have stopped, so a table ending on SIGTERM can still record that it stopped
            try {
                context.addService(new ServiceSupport() {
                    @Override
                    protected void doStop() {
                        own.close();
                    }
                }, true);
            } catch (Exception e) {
                throw RuntimeCamelException.wrapRuntimeCamelException(e);
            }
        }
        IncidentSync sync = new IncidentSync(settings, dataSource, fromSettings);
        context.getRegistry().bind("incidentSync", sync);
        // before Camel waits for the sync in flight: its requests are abandoned so it ends at once
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    sync.stop();
                }
            }
        });
        ExecutorService streams = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "incident-sync-streams", settings.concurrency());
        context.getRegistry().bind("incidentSyncStreams", streams);
        if (Boolean.parseBoolean(settings.get("incident.cluster.enabled"))) {
            ClusteredScheduler.configure(context, settings, dataSource);
        }
    }

    static HikariDataSource dataSource(Settings settings) {
        HikariConfig config = new HikariConfig();
        String url = settings.dbUrl();
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        // H2 would close the file from its own shutdown hook while the sync in flight still ends its
        // tables; the pool closes it instead, after the routes (above). H2 refuses this with AUTO_SERVER.
        if (upper.startsWith("JDBC:H2:") && !upper.contains("DB_CLOSE_ON_EXIT") && !upper.contains("AUTO_SERVER=TRUE")) {
            url += ";DB_CLOSE_ON_EXIT=FALSE";
        }
        config.setJdbcUrl(url);
        if (!settings.dbUser().isEmpty()) {
            config.setUsername(settings.dbUser());
        }
        if (!settings.dbPassword().isEmpty()) {
            config.setPassword(settings.dbPassword());
        }
        // a connection per table at once, one holding the destination's lock through the run, and spares
        config.setMaximumPoolSize(settings.concurrency() + 4);
        config.setMinimumIdle(0);
        config.setPoolName("incident-sync");
        // fail fast (one clear line) rather than hang when the database is unreachable
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }
}
