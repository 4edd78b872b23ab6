package io.incidentsync.run;

import io.incidentsync.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.utils.ConnectionProvider;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cluster-safe scheduling with Quartz's own clustered JDBC job store, kept in the destination
 * PostgreSQL database: every instance holds the trigger, Quartz fires each trigger time on one
 * instance only, the sync job is non-concurrent across the cluster, and when an instance dies
 * mid-sync the others take its trigger over at their next check-in.
 */
public final class ClusteredScheduler {

    private static final String SCRIPT = "/org/quartz/impl/jdbcjobstore/tables_postgres.sql";
    /** Serialises creating Quartz's tables when several instances start at once. */
    private static final long SCHEMA_LOCK = 0x1cde_5ca1eL;
    private static final Map<String, DataSource> DATA_SOURCES = new ConcurrentHashMap<>();

    private ClusteredScheduler() {
    }

    public static void configure(CamelContext context, Settings settings, DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            if (!c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres")) {
                throw new IllegalStateException("incident.cluster.enabled needs a PostgreSQL destination shared by every "
                        + "instance (incident.db.url is " + c.getMetaData().getDatabaseProductName() + ")");
            }
            createTables(c);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot prepare the cluster's Quartz tables in the destination database: "
                    + e.getMessage(), e);
        }
        String name = context.getName() + "-" + System.identityHashCode(dataSource);
        DATA_SOURCES.put(name, dataSource);
        Properties quartz = new Properties();
        quartz.setProperty("org.quartz.scheduler.instanceName", "incident-io-sync");
        quartz.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        quartz.setProperty("org.quartz.threadPool.threadCount", "2");
        quartz.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        quartz.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        quartz.setProperty("org.quartz.jobStore.isClustered", "true");
        quartz.setProperty("org.quartz.jobStore.clusterCheckinInterval", settings.get("incident.cluster.checkin-millis"));
        quartz.setProperty("org.quartz.jobStore.dataSource", "incident");
        quartz.setProperty("org.quartz.dataSource.incident.connectionProvider.class", Connections.class.getName());
        quartz.setProperty("org.quartz.dataSource.incident.name", name);
        QuartzComponent component = context.getComponent("quartz", QuartzComponent.class);
        component.setProperties(quartz);
        component.setPrefixInstanceName(false);
    }

    private static void createTables(Connection c) throws SQLException, IOException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")");
            try {
                try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "qrtz_locks", null)) {
                    if (rs.next()) {
                        return;
                    }
                }
                String script;
                try (InputStream in = org.quartz.Scheduler.class.getResourceAsStream(SCRIPT)) {
                    script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                for (String statement : script.replaceAll("(?m)^--.*$", "").split(";")) {
                    String sql = statement.trim();
                    if (!sql.isEmpty() && !sql.toUpperCase(java.util.Locale.ROOT).startsWith("DROP ") && !sql.equalsIgnoreCase("commit")) {
                        s.execute(sql);
                    }
                }
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")");
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** Hands Quartz's job store connections from the sync's own DataSource. */
    public static final class Connections implements ConnectionProvider {
        private String name;

        public void setName(String name) {
            this.name = name;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return DATA_SOURCES.get(name).getConnection();
        }

        @Override
        public void shutdown() {
            DATA_SOURCES.remove(name);
        }

        @Override
        public void initialize() {
            // the DataSource is the sync's and is already open
        }
    }
}
