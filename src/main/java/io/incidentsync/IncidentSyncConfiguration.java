package io.incidentsync;

import io.incidentsync.run.ClusteredScheduler;
import io.incidentsync.run.Observability;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.incidentsync.schema.Catalog;
import io.incidentsync.api.IncidentApi;
import io.incidentsync.run.IncidentSync;
import io.incidentsync.api.RateBudget;
import io.incidentsync.config.Settings;
import io.incidentsync.store.SqlParameters;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;

import javax.sql.DataSource;
import java.util.concurrent.ExecutorService;

/**
 * Binds the beans the routes use: {@code incidentSync} (a run's start and end; it binds the steps of a
 * table's sync: {@code tableStart}, {@code tablePaging}, {@code tableWrites}, {@code recordDestinations},
 * {@code tableEnd}, and {@code incidentRefreshes} for webhooks), {@code incidentApi} (the
 * steps around the HTTP endpoint, and its client's deadline), {@code incidentRateBudget},
 * {@code incidentSqlParameters} (how the JDBC endpoint binds a statement's values),
 * {@code incidentSyncStreams} (the pool that runs tables in parallel) and, unless the host application already has one,
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
        Catalog catalog = Catalog.load();
        IncidentApi api = new IncidentApi(settings, catalog);
        api.setWatchdog(context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "incident-http-deadline"));
        context.getRegistry().bind("incidentApi", api);
        context.getRegistry().bind("incidentRateBudget", RateBudget.of(settings));
        context.getRegistry().bind("incidentSqlParameters", new SqlParameters());
        configureHttp(context, settings);
        IncidentSync sync = new IncidentSync(settings, dataSource, fromSettings, catalog, api);
        context.getRegistry().bind("incidentSync", sync);
        sync.bindSteps(context.getRegistry());
        // the webhook routes' steps (webhooks.camel.yaml); without incident.webhook.secret they answer 404
        context.getRegistry().bind("incidentWebhooks", new io.incidentsync.webhooks.IncidentWebhooks(
                new io.incidentsync.webhooks.WebhookReceiver(settings.webhookSecret(), java.time.Clock.systemUTC()), sync.metrics()));
        sync.startProgress(context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "incident-sync-progress"),
                settings.progressSeconds());
        DataSource checked = dataSource;
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent && Observability.available()
                        && Observability.served(context)) {
                    // Camel's health and meter registries exist once the context has started
                    Observability.install(context, sync, checked);
                }
                // before Camel waits for the sync in flight: its requests are abandoned so it ends at once
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    api.stop();
                }
            }
        });
        ExecutorService streams = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "incident-sync-streams", settings.concurrency());
        context.getRegistry().bind("incidentSyncStreams", streams);
        // each table has one page's write in flight at most (route write-page)
        context.getRegistry().bind("incidentSyncWriters", context.getExecutorServiceManager()
                .newFixedThreadPool(this, "incident-sync-writers", settings.concurrency()));
        if (Boolean.parseBoolean(settings.get("incident.cluster.enabled"))) {
            ClusteredScheduler.configure(context, settings, dataSource);
        }
    }

    /**
     * The HTTP components' timeouts come from incident.http.connect-timeout-seconds and
     * incident.http.read-timeout-seconds, unless camel.component.http(s).* sets them. The read timeout
     * is also the deadline of a whole answer, which the sync enforces itself (IncidentApi).
     */
    private static void configureHttp(CamelContext context, Settings settings) {
        for (String name : new String[] {"http", "https"}) {
            HttpComponent http = context.getComponent(name, HttpComponent.class);
            if (http == null) {
                continue;
            }
            if (!configured(context, name, "connect-timeout", "connectTimeout")) {
                http.setConnectTimeout(settings.connectTimeoutSeconds() * 1000L);
            }
            if (!configured(context, name, "connection-request-timeout", "connectionRequestTimeout")) {
                http.setConnectionRequestTimeout(settings.connectTimeoutSeconds() * 1000L);
            }
            if (!configured(context, name, "response-timeout", "responseTimeout")) {
                http.setResponseTimeout(settings.readTimeoutSeconds() * 1000L);
            }
            if (!configured(context, name, "so-timeout", "soTimeout")) {
                http.setSoTimeout(settings.readTimeoutSeconds() * 1000L);
            }
        }
    }

    private static boolean configured(CamelContext context, String component, String... keys) {
        for (String key : keys) {
            if (context.getPropertiesComponent().resolveProperty("camel.component." + component + "." + key).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A MariaDB or MySQL URL as the bundled MariaDB driver needs it: the swap sends several statements
     * in one (allowMultiQueries), and the driver takes jdbc:mysql: only when told to (permitMysqlScheme).
     * Options the user set stay as they are.
     */
    static String mariaDbUrl(String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        StringBuilder out = new StringBuilder(url);
        char separator = url.contains("?") ? '&' : '?';
        if (!lower.contains("allowmultiqueries=")) {
            out.append(separator).append("allowMultiQueries=true");
            separator = '&';
        }
        if (lower.startsWith("jdbc:mysql:") && !lower.contains("permitmysqlscheme")) {
            out.append(separator).append("permitMysqlScheme");
        }
        return out.toString();
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
        if (upper.startsWith("JDBC:H2:") && !upper.contains("LOCK_TIMEOUT")) {
            // H2's own default, one second, is shorter than another table's swap or staging DDL may hold
            // the schema lock while several tables end at once (an incremental run's tables end within
            // seconds of each other): a statement waits up to ten seconds rather than failing its table
            url += ";LOCK_TIMEOUT=10000";
        }
        if (upper.startsWith("JDBC:MARIADB:") || upper.startsWith("JDBC:MYSQL:")) {
            url = mariaDbUrl(url);
        }
        if (upper.startsWith("JDBC:H2:")) {
            // schema statements take turns on H2 (H2SchemaTurns: its schema locks deadlock otherwise)
            org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
            h2.setURL(url);
            h2.setUser(settings.dbUser());
            h2.setPassword(settings.dbPassword());
            config.setDataSource(io.incidentsync.store.H2SchemaTurns.wrap(h2, url));
        } else {
            config.setJdbcUrl(url);
            if (!settings.dbUser().isEmpty()) {
                config.setUsername(settings.dbUser());
            }
            if (!settings.dbPassword().isEmpty()) {
                config.setPassword(settings.dbPassword());
            }
        }
        // a connection per table and per table's page writer at once, one holding the destination's lock
        // through the run, and spares
        config.setMaximumPoolSize(settings.concurrency() * 2 + 4);
        config.setMinimumIdle(0);
        if (upper.startsWith("JDBC:H2:")) {
            // H2 refuses new connections while a swap holds its exclusive mode: the pool never opens one
            // during a run (IncidentSync.startRun opens them all first) and never retires one
            config.setMaxLifetime(0);
            config.setIdleTimeout(0);
        }
        config.setPoolName("incident-sync");
        // fail fast (one clear line) rather than hang when the database is unreachable
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }
}
