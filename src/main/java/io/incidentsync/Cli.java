package io.incidentsync;

import io.incidentsync.bench.Bench;
import io.incidentsync.cli.Application;
import io.incidentsync.cli.CatalogCommand;
import io.incidentsync.cli.Demo;
import io.incidentsync.cli.JitChoice;
import io.incidentsync.simulator.SimulateCommand;
import io.incidentsync.run.SyncRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The command line of the runnable jar: {@code run} (the default), {@code sync}, {@code demo}, {@code simulate},
 * {@code bench} and {@code catalog} (for maintainers: the committed catalog against incident.io's description),
 * each answering {@code --help} and {@code --version}. Exit codes: 0 success, 1 a table failed, 2 a configuration
 * error or bad usage (an unknown command or option, a bad option value).
 * The API key is read from the configuration only, never from the command line.
 */
@Command(name = Cli.NAME, mixinStandardHelpOptions = true, sortOptions = false, sortSynopsis = false,
        synopsisSubcommandLabel = "[COMMAND]",
        description = {"Replicates the incident.io API into SQL tables (H2 by default, PostgreSQL, MariaDB or MySQL).",
                "Without a command it runs `run`."},
        commandListHeading = "%nCommands:%n",
        optionListHeading = "%nOptions:%n",
        footer = {"",
                "Configuration: application.properties, each key overridable by its",
                "environment variable (INCIDENT_API_KEY, INCIDENT_API_URL, INCIDENT_DB_URL,",
                "INCIDENT_STREAMS, ...); see README. The API key is read from there only,",
                "never from the command line.",
                "Exit codes: 0 success, 1 a table failed, 2 configuration error or bad usage."})
public final class Cli implements Callable<Integer> {

    /** How the usage names the program. */
    static final String NAME = "java -jar incident-io-sync.jar";

    /** Written into the jar by the Maven jar plugin; absent when the classes run from a directory. */
    static final String POM_PROPERTIES = "META-INF/maven/io.incidentsync/incident-io-sync/pom.properties";

    /** The exit codes of a sync, as two lines of a usage's footer. */
    public static final String EXIT_CODES = "Exit codes: 0 every enabled table synced; 1 a table failed, with one line";
    public static final String EXIT_CODES_CONTINUED = "per cause on standard error; 2 configuration error or bad usage.";

    private final PrintStream err;

    private Cli(PrintStream err) {
        this.err = err;
    }

    public static void main(String[] args) {
        // H2 hashes every string it is given, to share equal values through a cache; a sync's values
        // are kilobytes of text seen once, so the cache costs time and saves nothing. Only this process
        // (the standalone jar) is ours to set it for, and -Dh2.objectCache=true still wins.
        if (System.getProperty("h2.objectCache") == null) {
            System.setProperty("h2.objectCache", "false");
        }
        // the jar's log4j2.properties picks its appender by this name: any other would silence every log line
        String format = System.getProperty("incident.log.format", System.getenv().getOrDefault("INCIDENT_LOG_FORMAT", "text"));
        if (!format.equals("text") && !format.equals("json")) {
            System.err.println("configuration error: '" + format + "' is neither text nor json for INCIDENT_LOG_FORMAT"
                    + " (incident.log.format)");
            System.exit(2);
        }
        // a one-sync process compiles with C1 alone (JitChoice says why); run keeps the JVM's default
        try {
            if (JitChoice.mode(args, JitChoice.configured()).equals(JitChoice.C1)) {
                JitChoice.useC1Only();
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv("INCIDENT_API_KEY"), out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with the key {@code simulate} falls back on given. */
    public static int run(String[] args, String simulatorKey, PrintStream out, PrintStream err) {
        CommandLine cli = commandLine(simulatorKey, out, err);
        try {
            return cli.execute(args);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    /** No command: {@code run}. */
    @Override
    public Integer call() throws Exception {
        return schedule(new Application(Map.of()), err);
    }

    static CommandLine commandLine(String simulatorKey, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Cli(err));
        cli.addSubcommand(new Run(err));
        cli.addSubcommand(new Sync(out, err));
        cli.addSubcommand(new Demo(out, err));
        cli.addSubcommand(new SimulateCommand(simulatorKey, out, err));
        cli.addSubcommand(new Bench(out, err));
        cli.addSubcommand(new CatalogCommand(out, err));
        cli.addSubcommand(new CommandLine.HelpCommand());
        // set on the whole tree, so after every command is added
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
        // an argument starting with @ is a value, never the name of a file of arguments
        cli.setExpandAtFiles(false);
        // the last of a repeated option wins, and simulate's fault flags are taken in the order given
        cli.setOverwrittenOptionsAllowed(true);
        CommandLine.IVersionProvider version = () -> new String[] {versionLine(Cli.class.getClassLoader())};
        setVersion(cli, version);
        cli.setParameterExceptionHandler((e, args) -> badUsage(e, err));
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            err.println("error: " + e.getMessage());
            return 1;
        });
        return cli;
    }

    private static void setVersion(CommandLine command, CommandLine.IVersionProvider version) {
        command.getCommandSpec().versionProvider(version);
        command.getSubcommands().values().forEach(sub -> setVersion(sub, version));
    }

    /**
     * Bad usage exits 2. An unknown command or option: one line naming it, then the usage of that command.
     * Anything else (a bad or missing value): one line saying why.
     */
    private static int badUsage(ParameterException e, PrintStream err) {
        CommandLine command = e.getCommandLine();
        boolean top = command.getParent() == null;
        String prefix = top ? "" : command.getCommandName() + ": ";
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            if (top && !first.startsWith("-")) {
                err.println("unknown command '" + first + "': use run, sync, demo, simulate, bench or catalog (--help)");
            } else if (unmatched.isUnknownOption() || first.startsWith("--")) {
                err.println(prefix + "unknown option '" + first + "'");
            } else {
                err.println(prefix + "unexpected argument '" + first + "'");
            }
            command.usage(err);
            return 2;
        }
        err.println(prefix + e.getMessage() + " (see " + (top ? "" : command.getCommandName() + " ") + "--help)");
        return 2;
    }

    /** {@code incident-io-sync VERSION}, the version the jar was built as. */
    static String versionLine(ClassLoader loader) {
        String version = version(loader);
        return version == null ? "incident-io-sync (version unknown: not run from the jar)" : "incident-io-sync " + version;
    }

    static String version(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "").strip();
            return version.isEmpty() ? null : version;
        } catch (IOException e) {
            return null;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, sortSynopsis = false,
            description = {"Sync on the incident.schedule cron until stopped (the default command).",
                    "SIGTERM (Ctrl-C) stops it cleanly and at once: each table being synced keeps its previous rows."},
            optionListHeading = "%nOptions:%n",
            footer = {"", "Exit codes: 0 stopped, 2 configuration error or bad usage."})
    static final class Run implements Callable<Integer> {
        private final PrintStream err;

        Run(PrintStream err) {
            this.err = err;
        }

        @Override
        public Integer call() throws Exception {
            return schedule(new Application(Map.of()), err);
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true, sortOptions = false, sortSynopsis = false,
            description = {"Sync the enabled tables once; exit 0 if all succeeded, 1 if any failed.",
                    "Prints a summary table on standard output."},
            optionListHeading = "%nOptions:%n",
            footer = {"", EXIT_CODES, EXIT_CODES_CONTINUED})
    static final class Sync implements Callable<Integer> {
        private final PrintStream out;
        private final PrintStream err;

        @picocli.CommandLine.Option(names = "--full", description = {"Read every table in full (a full refresh),",
                "even where an incremental read would do; drops",
                "records deleted at incident.io (incident.sync.full)"})
        boolean full;

        Sync(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws Exception {
            return sync(new Application(full ? Map.of("incident.sync.full", "true") : Map.of()), out, err);
        }
    }

    /** Prints each configuration problem on its own line; true when there was any. */
    public static boolean misconfigured(Application app, PrintStream err) {
        List<String> problems = app.settings().validate();
        problems.forEach(p -> err.println("configuration error: " + p));
        return !problems.isEmpty();
    }

    static int sync(Application app, PrintStream out, PrintStream err) throws Exception {
        return sync(app, out, err, run -> { });
    }

    /** One sync and its report; {@code afterSummary} may add lines of its own after the run's summary. */
    public static int sync(Application app, PrintStream out, PrintStream err, Consumer<SyncRun> afterSummary)
            throws Exception {
        if (misconfigured(app, err)) {
            return 2;
        }
        SyncRun run = app.syncOnce();
        if (run == null) {
            err.println("error: the sync did not start; see the log above");
            return 1;
        }
        out.println(run.summary());
        afterSummary.accept(run);
        failureLines(run).forEach(err::println);
        return run.ok() ? 0 : 1;
    }

    /**
     * One line for each cause of failure, naming the tables it failed: {@code users: cause}, or
     * {@code every table: cause} when one cause (a wrong key, an unreachable database) failed them all.
     */
    public static List<String> failureLines(SyncRun run) {
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
