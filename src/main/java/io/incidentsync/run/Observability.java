package io.incidentsync.run;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The sync's health checks and metrics, added to Camel's own once the context has started
 * (docs/operating.md): served by Camel's embedded server on incident.server.port in {@code run} mode, or
 * by whatever an embedding application exposes. Used only when camel-health and Micrometer are on the
 * classpath.
 */
public final class Observability {

    private static final Logger LOG = LoggerFactory.getLogger(Observability.class);
    /** How often the database is tried in the background, so that a probe answers at once. */
    static final long DATABASE_CHECK_SECONDS = 5;

    private Observability() {
    }

    /** True when the classes this needs are there: the bundle's observability dependencies are optional. */
    public static boolean available() {
        try {
            Class.forName("org.apache.camel.impl.health.AbstractHealthCheck");
            Class.forName("io.micrometer.core.instrument.MeterRegistry");
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Whether anything serves health and metrics here: Camel's management server (run mode's port, or an
     * embedding application's own camel.management.enabled). A one-off sync has no reader for them and
     * no reason to try the database in the background.
     */
    public static boolean served(CamelContext context) {
        return context.getPropertiesComponent().resolveProperty("camel.management.enabled").map(Boolean::parseBoolean)
                .orElse(false);
    }

    /** Called once the context has started: Camel's health registry and meter registry exist by then. */
    public static void install(CamelContext context, IncidentSync sync, DataSource dataSource) {
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            DatabaseCheck database = new DatabaseCheck(dataSource);
            ScheduledExecutorService probe = context.getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(Observability.class, "incident-database-check");
            probe.scheduleWithFixedDelay(database::probe, 0, DATABASE_CHECK_SECONDS, TimeUnit.SECONDS);
            health.register(database);
            health.register(new LastRunCheck(sync));
        }
        MeterRegistry meters = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (meters != null) {
            bind(meters, sync.metrics());
        }
    }

    /** incident_sync_* by table, and the runs by outcome; read from the sync's figures at each scrape. */
    static void bind(MeterRegistry meters, SyncMetrics metrics) {
        for (String table : Streams.ALL) {
            SyncMetrics.Table t = metrics.table(table);
            Gauge.builder("incident.sync.rows", t, SyncMetrics.Table::rows).tag("table", table)
                    .description("rows of the live table after its last successful sync").register(meters);
            FunctionCounter.builder("incident.sync.requests", t, SyncMetrics.Table::requests).tag("table", table)
                    .description("requests sent to incident.io, retries included").register(meters);
            FunctionCounter.builder("incident.sync.retries", t, SyncMetrics.Table::retries).tag("table", table)
                    .description("requests sent again after a retryable failure").register(meters);
            FunctionCounter.builder("incident.sync.rate.limited", t, SyncMetrics.Table::rateLimited).tag("table", table)
                    .description("answers 429 Too Many Requests").register(meters);
            Gauge.builder("incident.sync.duration", t, SyncMetrics.Table::seconds).tag("table", table).baseUnit("seconds")
                    .description("how long the table's last sync took").register(meters);
            Gauge.builder("incident.sync.last.success.timestamp", t, SyncMetrics.Table::lastSuccess).tag("table", table)
                    .baseUnit("seconds").description("when the table last synced successfully (Unix time)").register(meters);
        }
        for (boolean ok : new boolean[] {true, false}) {
            FunctionCounter.builder("incident.sync.runs", metrics, m -> m.runs(ok)).tag("outcome", ok ? "ok" : "failed")
                    .description("syncs ended, by outcome").register(meters);
            FunctionCounter.builder("incident.webhook.refreshes", metrics, m -> m.refreshes(ok)).tag("outcome", ok ? "ok" : "failed")
                    .description("webhook refreshes (the events' incidents fetched and applied), by outcome").register(meters);
        }
        Gauge.builder("incident.webhook.pending", metrics, SyncMetrics::webhookPending)
                .description("incidents, follow-ups and actions waiting for a webhook refresh (each once)").register(meters);
        for (String outcome : SyncMetrics.DELIVERY_OUTCOMES) {
            FunctionCounter.builder("incident.webhook.deliveries", metrics, m -> m.deliveries(outcome)).tag("outcome", outcome)
                    .description("webhook deliveries received, by outcome").register(meters);
        }
    }

    /** Readiness: DOWN while the destination database cannot be reached (tried every few seconds). */
    static final class DatabaseCheck extends AbstractHealthCheck {
        private final DataSource dataSource;
        private volatile String problem = "not checked yet";

        DatabaseCheck(DataSource dataSource) {
            super("incident-sync", "incident-database");
            this.dataSource = dataSource;
        }

        void probe() {
            try (Connection c = dataSource.getConnection()) {
                problem = c.isValid(5) ? null : "the database did not answer in 5 s";
            } catch (Exception e) {
                // the pool's "request timed out" hides the driver's reason (refused, unknown host, password)
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                problem = String.valueOf(root.getMessage());
            } catch (Throwable e) {
                LOG.warn("the database check failed: {}", e.toString());
                problem = e.toString();
            }
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            String now = problem;
            if (now == null) {
                builder.up();
            } else {
                builder.message("the destination database cannot be reached: " + now).down();
            }
        }
    }

    /** Readiness: DOWN when every table of the last run failed (a wrong key, an unreachable API). */
    static final class LastRunCheck extends AbstractHealthCheck {
        private final IncidentSync sync;

        LastRunCheck(IncidentSync sync) {
            super("incident-sync", "incident-last-run");
            this.sync = sync;
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            SyncRun run = sync.lastRun();
            boolean allFailed = run != null && !run.results().isEmpty() && run.results().size() == run.tables().size()
                    && run.results().stream().noneMatch(SyncRun.Result::ok);
            if (allFailed) {
                builder.message("every table of the last sync failed: " + run.results().get(0).error()).down();
            } else {
                builder.up();
            }
        }
    }
}
