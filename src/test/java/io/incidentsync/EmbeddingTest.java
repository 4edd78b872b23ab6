package io.incidentsync;

import io.incidentsync.cli.Application;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README, "Embedding": a Camel application of its own (its own context, routes, properties and
 * DataSource) includes our routes by classpath pattern, adds our configuration class, and gets the
 * same sync.
 */
class EmbeddingTest {

    @Test
    void aHostApplicationWithItsOwnDataSourceGetsTheSameTables() throws Exception {
        try (SyncHarness h = SyncHarness.start(200);
             // kept open to the end: the host's DataSource opens and closes a connection a statement, and H2,
             // closing its file with the last one, could be found as before the swaps by the next opener
             java.sql.Connection held = java.sql.DriverManager.getConnection(h.dbUrl)) {
            JdbcDataSource hostDataSource = new JdbcDataSource();
            hostDataSource.setURL(h.dbUrl);

            Main host = new Main();
            host.setDefaultPropertyPlaceholderLocation("false");
            host.bind("incidentDataSource", hostDataSource);
            host.configure().withRoutesIncludePattern("classpath:routes/*.camel.yaml");
            host.configure().addConfiguration(IncidentSyncConfiguration.class);
            host.configure().addRoutesBuilder(new RouteBuilder() {
                        @Override
                        public void configure() {
                            from("direct:host-own-route").setBody(constant("the host's own route"));
                        }
                    });
            Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
            settings.remove("incident.db.url");
            settings.put("incident.schedule.enabled", "false");
            settings.forEach(host::addInitialProperty);
            host.start();
            try {
                var template = host.getCamelContext().createProducerTemplate();
                template.sendBody("direct:sync", null);
                assertEquals("the host's own route", template.requestBody("direct:host-own-route", "", String.class));
                assertFalse(host.getCamelContext().getRouteController().getRouteStatus("scheduled-sync").isStarted(),
                        "the host chose to trigger syncs itself");
                assertTrue(host.getCamelContext().getRegistry().lookupByName("incidentDataSource") == hostDataSource,
                        "the sync used the host's DataSource, not one of its own");
            } finally {
                host.stop();
            }
            assertNull(Application.class.getResource("/application.properties"),
                    "the jar ships no application.properties at the classpath root to shadow the host's");
            for (String table : OracleComparison.KEYS.keySet()) {
                OracleComparison.assertTableEquals(h, table, true);
            }
        }
    }
}
