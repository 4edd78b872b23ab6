package io.incidentsync.cli;

import io.incidentsync.run.IncidentSync;
import io.incidentsync.config.Settings;
import io.incidentsync.run.SyncRun;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Boots the routes with Camel Main for the command line. Configuration is read once, in this order
 * (later wins): the jar's application.properties (packaged as incident-io-sync/application.properties),
 * ./application.properties, the environment
 * variables named after the keys, Java system properties, then values the caller sets (tests, demo,
 * bench). Camel then sees exactly the values that were checked ({@link #valuesFirst}).
 */
public final class Application {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Application.class);

    /** Where edited or added route files are read from instead of the jar's own, when set. */
    public static final String ROUTES_DIR = "incident.routes.dir";
    /** run's HTTP endpoint for webhooks, apart from the route files an embedding application includes. */
    static final String WEBHOOK_ENDPOINT = "classpath:routes/run/webhook-endpoint.yaml";
    /** The jar's own defaults, kept off the classpath root so an embedding application's file wins there. */
    static final String PACKAGED = "/incident-io-sync/application.properties";
    /** The packaged route files, each named (a wildcard would have Camel scan the whole jar for them). */
    static final String PACKAGED_ROUTES = String.join(",", java.util.stream.Stream.of("api", "destinations", "errors",
            "listings", "streams", "sync", "webhooks").map(f -> "classpath:routes/" + f + ".camel.yaml").toList());

    private final Map<String, String> values;
    /** Camel's own keys among the caller's values (camel.component.*, camel.beans.*), passed on as they are. */
    private final Map<String, String> camel = new LinkedHashMap<>();

    public Application(Map<String, String> overrides) {
        this.values = resolve(overrides);
        overrides.forEach((key, value) -> {
            if (key.startsWith("camel.") && value != null) {
                camel.put(key, value);
            }
        });
    }

    public Settings settings() {
        return new Settings(values::get);
    }

    public static Map<String, String> resolve(Map<String, String> overrides) {
        Properties props = new Properties();
        try (InputStream in = Application.class.getResourceAsStream(PACKAGED)) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the packaged application.properties", e);
        }
        Path local = Path.of("application.properties");
        if (Files.isRegularFile(local)) {
            try (Reader in = Files.newBufferedReader(local)) {
                props.load(in);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read ./application.properties: " + e.getMessage());
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        List<String> keys = new java.util.ArrayList<>(Settings.DEFAULTS.keySet());
        keys.add(ROUTES_DIR);
        keys.add("incident.schedule.enabled");
        for (String key : keys) {
            String value = props.getProperty(key);
            String env = System.getenv(Settings.envName(key));
            if (env != null && !env.isBlank()) {
                value = env;
            }
            value = System.getProperty(key, value);
            if (overrides.containsKey(key)) {
                value = overrides.get(key);
            }
            if (value != null && !value.isBlank()) {
                out.put(key, value.trim());
            }
        }
        return out;
    }

    /** A Camel Main with the routes and beans; the Quartz trigger runs only when {@code scheduled}. */
    public Main main(boolean scheduled) {
        Main main = new Main();
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void beforeConfigure(org.apache.camel.main.BaseMainSupport configuring) {
                valuesFirst(configuring.getCamelContext());
            }
        });
        main.setDefaultPropertyPlaceholderLocation("classpath:" + PACKAGED.substring(1)
                + ",file:application.properties;optional=true");
        values.forEach(main::addOverrideProperty);
        camel.forEach(main::addOverrideProperty);
        main.addOverrideProperty("incident.schedule.enabled", Boolean.toString(scheduled));
        if (!scheduled) {
            // the schedule's route is there but off: its scheduler need not start (nor take time to stop)
            main.addOverrideProperty("camel.component.quartz.auto-start-scheduler", "false");
        }
        int port = settings().serverPort();
        if (scheduled && port > 0) {
            // Camel's embedded management server: /observe/health and /observe/metrics (docs/operating.md)
            main.addOverrideProperty("camel.management.enabled", "true");
            main.addOverrideProperty("camel.management.port", Integer.toString(port));
            main.addOverrideProperty("camel.management.health-check-enabled", "true");
            main.addOverrideProperty("camel.management.metrics-enabled", "true");
            main.addOverrideProperty("camel.management.info-enabled", "false");
            // the webhook endpoint (platform-http) on the same port: Camel's HTTP server shares it with management
            main.addOverrideProperty("camel.server.enabled", "true");
            main.addOverrideProperty("camel.server.port", Integer.toString(port));
            // a delivery is read whole before its signature is checked: an unsigned flood stops at 5 MB each
            main.addOverrideProperty("camel.server.max-body-size", Long.toString(5L * 1024 * 1024));
            main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
                @Override
                public void afterConfigure(org.apache.camel.main.BaseMainSupport configured) {
                    // the route whose endpoint needs the HTTP server: run's own, never an embedding host's
                    try {
                        org.apache.camel.support.PluginHelper.getRoutesLoader(configured.getCamelContext()).loadRoutes(
                                org.apache.camel.support.ResourceHelper.resolveMandatoryResource(configured.getCamelContext(),
                                        WEBHOOK_ENDPOINT));
                    } catch (Exception e) {
                        throw org.apache.camel.RuntimeCamelException.wrapRuntimeCamelException(e);
                    }
                }
            });
            main.addOverrideProperty("camel.metrics.enabled", "true");
            main.addOverrideProperty("camel.metrics.enable-route-policy", "true");
            main.addOverrideProperty("camel.health.enabled", "true");
        }
        if (scheduled) {
            main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
                @Override
                public void afterStart(org.apache.camel.main.BaseMainSupport started) {
                    LOG.info(startLine(settings(), values.get("incident.schedule"), port));
                }
            });
        }
        String dir = values.get(ROUTES_DIR);
        String extra = values.get("incident.routes.extra");
        if (dir != null || extra != null) {
            // the packaged routes (or their edited copies), then the user's own routes beside them
            String pattern = dir != null ? "file:" + Path.of(dir).toAbsolutePath() + "/*.camel.yaml" : PACKAGED_ROUTES;
            if (extra != null) {
                pattern += ",file:" + Path.of(extra).toAbsolutePath() + "/*.camel.yaml";
            }
            main.addOverrideProperty("camel.main.routes-include-pattern", pattern);
        }
        return main;
    }

    /**
     * Makes the values this process settled on ({@link #resolve}, given to Camel as override properties)
     * win over the environment. Camel's own default looks a key up in the environment and the system
     * properties before anything else, so {@code INCIDENT_DB_URL} in a user's shell would beat bench's
     * fresh database and send the simulator's tables over the user's own, and {@code INCIDENT_API_KEY}
     * would beat demo's simulator key. The environment and the system properties are then read by a
     * source of our own, after the override properties and before the property files, so that for keys
     * the routes read but {@link Settings} does not know (a user's own placeholders) they still beat
     * the files, as docs/configuration.md says.
     */
    public static void valuesFirst(org.apache.camel.CamelContext context) {
        if (context.getPropertiesComponent() instanceof org.apache.camel.component.properties.PropertiesComponent pc) {
            pc.setEnvironmentVariableMode(
                    org.apache.camel.component.properties.PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
            pc.setSystemPropertiesMode(
                    org.apache.camel.component.properties.PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
            pc.addPropertiesSource(new EnvironmentSource());
        }
    }

    /** System properties, then environment variables named after the key, ahead of every property file. */
    static final class EnvironmentSource implements org.apache.camel.spi.PropertiesSource, org.apache.camel.Ordered {
        @Override
        public String getName() {
            return "incident-environment";
        }

        @Override
        public String getProperty(String name) {
            String value = System.getProperty(name);
            return value != null ? value : org.apache.camel.util.IOHelper.lookupEnvironmentVariable(name);
        }

        @Override
        public int getOrder() {
            return org.apache.camel.Ordered.HIGHEST;
        }
    }

    /**
     * What {@code run} says when it starts: where it writes (password masked), which tables, the
     * schedule and its next time, and the HTTP port.
     */
    public static String startLine(Settings settings, String cron, int port) {
        String schedule = cron == null ? "0 0 * * * ?" : cron;
        String next;
        try {
            java.util.Date at = new org.quartz.CronExpression(schedule).getNextValidTimeAfter(new java.util.Date());
            next = at == null ? "never" : java.time.OffsetDateTime.ofInstant(at.toInstant(), java.time.ZoneId.systemDefault())
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        } catch (java.text.ParseException e) {
            next = "unknown (" + e.getMessage() + ")";
        }
        return "run: syncing " + settings.streams().size() + " table(s) (" + String.join(",", settings.streams()) + ") from "
                + settings.apiUrl() + " into " + IncidentSync.redact(settings.dbUrl()) + " on schedule '" + schedule
                + "', next at " + next + "; " + (port > 0 ? "health and metrics on http://0.0.0.0:" + port
                + "/observe/health and /observe/metrics; " + (settings.webhookSecret() != null
                ? "webhooks on http://0.0.0.0:" + port + "/webhooks/incident-io"
                : "webhooks are off (set incident.webhook.secret, INCIDENT_WEBHOOK_SECRET, to receive them)")
                : "no HTTP port (incident.server.port is 0), so no health, metrics or webhooks");
    }

    /** Syncs the enabled tables once and returns the run (null if the run never started). */
    public SyncRun syncOnce() throws Exception {
        Main main = main(false);
        main.start();
        try {
            main.getCamelContext().createProducerTemplate().sendBody("direct:sync", null);
            return main.getCamelContext().getRegistry().lookupByNameAndType("incidentSync", IncidentSync.class).lastRun();
        } finally {
            main.stop();
        }
    }
}
