package io.incidentsync;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.incidentsync.sync.IncidentSync;
import io.incidentsync.sync.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

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
            dataSource = dataSource(settings);
            context.getRegistry().bind(DATA_SOURCE, dataSource);
        }
        context.getRegistry().bind("incidentSync", new IncidentSync(settings, dataSource, fromSettings));
        ExecutorService streams = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "incident-sync-streams", settings.concurrency());
        context.getRegistry().bind("incidentSyncStreams", streams);
        if (Boolean.parseBoolean(settings.get("incident.cluster.enabled"))) {
            ClusteredScheduler.configure(context, settings, dataSource);
        }
    }

    static DataSource dataSource(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.dbUrl());
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
