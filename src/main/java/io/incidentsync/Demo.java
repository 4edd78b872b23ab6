package io.incidentsync;

import io.incidentsync.simulator.Simulator;
import io.incidentsync.simulator.SimulatorConfig;
import io.incidentsync.sync.SyncRun;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code demo}: starts the simulator in this process, syncs it into the configured database
 * (the H2 file ./data/incident unless incident.db.url says otherwise) and prints what landed.
 * The simulator keeps the API's rate-limit shape on a 60x time scale, and the sync's budget follows
 * it, so the demo takes seconds rather than minutes.
 */
final class Demo {

    static final int TIME_SCALE = 60;

    private Demo() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        int incidents = 500;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--incidents") && i + 1 < args.length) {
                incidents = Integer.parseInt(args[++i]);
            } else {
                err.println("unknown demo option '" + args[i] + "': demo takes only --incidents N");
                return 2;
            }
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
            if (Cli.misconfigured(app, err)) {
                return 2;
            }
            SyncRun run = app.syncOnce();
            out.println(run.summary());
            out.println("demo: the tables are in " + io.incidentsync.sync.IncidentSync.redact(app.settings().dbUrl()));
            Cli.failureLines(run).forEach(err::println);
            return run.ok() ? 0 : 1;
        }
    }
}
