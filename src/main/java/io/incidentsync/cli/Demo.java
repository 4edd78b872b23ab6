package io.incidentsync.cli;

import io.incidentsync.Cli;
import io.incidentsync.simulator.Simulator;
import io.incidentsync.simulator.SimulatorConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code demo}: starts the simulator in this process, syncs it into the configured database
 * (the H2 file ./data/incident unless incident.db.url says otherwise) and prints what landed.
 * The simulator keeps the API's rate-limit shape on a 60x time scale, and the sync's budget follows
 * it, so the demo takes seconds rather than minutes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false, sortSynopsis = false,
        description = {"Start the built-in incident.io simulator, sync it into the configured database, print a summary.",
                "The database is the H2 file ./data/incident unless incident.db.url (INCIDENT_DB_URL) says otherwise."},
        optionListHeading = "%nOptions:%n",
        footer = {"", Cli.EXIT_CODES, Cli.EXIT_CODES_CONTINUED})
public final class Demo extends PrintingCommand {

    static final int TIME_SCALE = 60;

    @Option(names = "--incidents", paramLabel = "N", description = "incidents in the simulated account (default 500)")
    int incidents = 500;

    @Spec
    CommandSpec spec;

    public Demo(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws Exception {
        if (incidents < 1) {
            throw new ParameterException(spec.commandLine(), "--incidents must be at least 1, got " + incidents);
        }
        String key = "demo-" + Long.toHexString(System.nanoTime());
        SimulatorConfig config = new SimulatorConfig().seed(1).incidents(incidents).addKey(key, true)
                .timeScale(TIME_SCALE);
        try (Simulator simulator = Simulator.start(config, 0)) {
            out.println("demo: simulator with " + incidents + " incidents at " + simulator.baseUrl());
            Map<String, String> overrides = new HashMap<>();
            overrides.put("incident.api.url", simulator.baseUrl());
            overrides.put("incident.api.key", key);
            overrides.put("incident.rate.per-minute", Integer.toString(1200 * TIME_SCALE));
            overrides.put("incident.rate.incidents-per-minute", Integer.toString(60 * TIME_SCALE));
            Application app = new Application(overrides);
            return Cli.sync(app, out, err, run -> out.println(
                    "demo: the tables are in " + io.incidentsync.run.IncidentSync.redact(app.settings().dbUrl())));
        }
    }
}
