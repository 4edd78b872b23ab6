package io.incidentsync;

import io.incidentsync.simulator.SimulateCommand;
import io.incidentsync.sync.SyncRun;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The command line of the runnable jar. Exit codes: 0 success, 1 a table failed, 2 a configuration error. */
public final class Cli {

    static final String USAGE = String.join("\n",
            "usage: java -jar incident-io-sync.jar [COMMAND]",
            "",
            "Replicates the incident.io API into SQL tables (H2 by default, or PostgreSQL).",
            "",
            "commands:",
            "  run        sync on the incident.schedule cron until stopped (the default command)",
            "  sync       sync the enabled tables once; exit 0 if all succeeded, 1 if any failed",
            "  demo       start the built-in incident.io simulator, sync it into the configured database, print a summary",
            "  simulate   serve the incident.io simulator (simulate --help for its options)",
            "  bench      measure a full sync against the simulator (bench --help for its options)",
            "  --help     this text",
            "",
            "configuration: application.properties, each key overridable by its environment variable",
            "(INCIDENT_API_KEY, INCIDENT_API_URL, INCIDENT_DB_URL, INCIDENT_STREAMS, ...); see README.",
            "exit codes: 0 success, 1 a table failed, 2 configuration error");

    private Cli() {
    }

    public static void main(String[] args) {
        // H2 hashes every string it is given, to share equal values through a cache; a sync's values
        // are kilobytes of text seen once, so the cache costs time and saves nothing. Only this process
        // (the standalone jar) is ours to set it for, and -Dh2.objectCache=true still wins.
        if (System.getProperty("h2.objectCache") == null) {
            System.setProperty("h2.objectCache", "false");
        }
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "run" : args[0];
        String[] rest = args.length == 0 ? new String[0] : Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "--help":
                case "-h":
                case "help":
                    out.println(USAGE);
                    return 0;
                case "sync":
                    return sync(new Application(Map.of()), out, err);
                case "run":
                    return schedule(new Application(Map.of()), err);
                case "demo":
                    return Demo.run(rest, out, err);
                case "simulate":
                    return SimulateCommand.run(rest);
                case "bench":
                    return Bench.run(rest, out, err);
                default:
                    err.println("unknown command '" + command + "': use run, sync, demo, simulate or bench (--help)");
                    return 2;
            }
        } catch (Exception e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** Prints each configuration problem on its own line; true when there was any. */
    static boolean misconfigured(Application app, PrintStream err) {
        List<String> problems = app.settings().validate();
        problems.forEach(p -> err.println("configuration error: " + p));
        return !problems.isEmpty();
    }

    static int sync(Application app, PrintStream out, PrintStream err) throws Exception {
        if (misconfigured(app, err)) {
            return 2;
        }
        SyncRun run = app.syncOnce();
        if (run == null) {
            err.println("error: the sync did not start; see the log above");
            return 1;
        }
        out.println(run.summary());
        failureLines(run).forEach(err::println);
        return run.ok() ? 0 : 1;
    }

    /**
     * One line for each cause of failure, naming the tables it failed: {@code users: cause}, or
     * {@code every table: cause} when one cause (a wrong key, an unreachable database) failed them all.
     */
    static List<String> failureLines(SyncRun run) {
        Map<String, List<String>> tablesByCause = new LinkedHashMap<>();
        run.results().stream().filter(r -> !r.ok())
                .forEach(r -> tablesByCause.computeIfAbsent(r.error(), cause -> new ArrayList<>()).add(r.table()));
        List<String> lines = new ArrayList<>();
        tablesByCause.forEach((cause, tables) -> lines.add(
                (tables.size() > 1 && tables.size() == run.results().size() ? "every table" : String.join(", ", tables))
                        + ": " + cause));
        return lines;
    }

    private static int schedule(Application app, PrintStream err) throws Exception {
        if (misconfigured(app, err)) {
            return 2;
        }
        app.main(true).run();
        return 0;
    }
}
