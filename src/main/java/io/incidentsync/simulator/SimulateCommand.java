package io.incidentsync.simulator;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The {@code simulate} command: serves a simulated incident.io API until the process is stopped.
 * Fault flags are kept in the order given and checked once the command line is read.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = {"java -jar incident-io-sync.jar simulate --api-key K [--port P]",
                "       [--incidents N] [--seed S] [--now INSTANT] [--private-scope] [OPTIONS]"},
        description = {"Serve the incident.io simulator on 127.0.0.1 until stopped (Ctrl-C or SIGTERM).",
                "It prints `incident.io simulator listening on http://127.0.0.1:P` once it serves."},
        optionListHeading = "%nOptions:%n",
        footer = {"", "Flags that take PATH:K may be repeated; K counts requests from the start.",
                "Exit codes: 0 stopped, 1 it could not start (the port taken), 2 bad usage."})
public final class SimulateCommand implements Callable<Integer> {

    /** A parsed command line: the configuration, the port and the faults to set once started. */
    record Options(SimulatorConfig config, int port, List<Consumer<Faults>> faults) {
    }

    /** A fault flag as given, checked when the options are built. */
    private record FaultFlag(String flag, String value) {
    }

    @Option(order = 1, names = "--api-key", paramLabel = "K", description = "the bearer key to accept (default: $INCIDENT_API_KEY)")
    String apiKey;

    @Option(order = 2, names = "--port", paramLabel = "P", description = "port to listen on; 0 picks a free one (default 8080)")
    int port = 8080;

    @Option(order = 3, names = "--incidents", paramLabel = "N",
            description = "incidents in the data set; the other tables scale with it (default 100)")
    Integer incidents;

    @Option(order = 4, names = "--seed", paramLabel = "S", description = "data set seed; the same seed gives identical answers (default 1)")
    Long seed;

    @Option(order = 4, names = "--now", paramLabel = "INSTANT",
            description = "the moment the data leads up to, RFC 3339 (e.g. 2026-06-01T09:00:00Z): records are spread over "
                    + "the year before it and the simulated clock starts there (default: when it starts)")
    String now;

    @Option(order = 5, names = "--private-scope", description = "the key may see private incidents")
    boolean privateScope;

    @Option(order = 6, names = "--latency-ms", paramLabel = "MS", description = "delay added to every answer (default 0)")
    Integer latencyMillis;

    @Option(order = 7, names = "--time-scale", paramLabel = "X", description = "rate-limit buckets refill X times faster (default 1)")
    Double timeScale;

    @Option(order = 8, names = "--key-rate", paramLabel = "N", description = "requests per minute per key (default 1200)")
    Integer keyRate;

    @Option(order = 9, names = "--incidents-rate", paramLabel = "N", description = "requests per minute on /v2/incidents (default 60)")
    Integer incidentsRate;

    @Option(order = 10, names = "--no-rate-limits", description = "never answer 429 on its own")
    boolean noRateLimits;

    private final List<FaultFlag> faultFlags = new ArrayList<>();

    @Option(order = 11, names = "--fail", paramLabel = "PATH:K:STATUS", description = "answer STATUS on the K-th request to PATH")
    void fail(String value) {
        faultFlags.add(new FaultFlag("--fail", value));
    }

    @Option(order = 12, names = "--reset", paramLabel = "PATH:K", description = "reset the connection on the K-th request to PATH")
    void reset(String value) {
        faultFlags.add(new FaultFlag("--reset", value));
    }

    @Option(order = 13, names = "--slow", paramLabel = "PATH:K:MS", description = "answer the K-th request to PATH after MS milliseconds")
    void slow(String value) {
        faultFlags.add(new FaultFlag("--slow", value));
    }

    @Option(order = 14, names = "--truncate", paramLabel = "PATH:K", description = "cut the K-th answer of PATH off mid-record")
    void truncate(String value) {
        faultFlags.add(new FaultFlag("--truncate", value));
    }

    @Option(order = 15, names = "--html", paramLabel = "PATH:K", description = "answer the K-th request to PATH with a proxy's 502 HTML page")
    void html(String value) {
        faultFlags.add(new FaultFlag("--html", value));
    }

    @Option(order = 16, names = "--rate-limit", paramLabel = "PATH:K:N", description = "answer 429 to requests K..K+N-1 of PATH")
    void rateLimit(String value) {
        faultFlags.add(new FaultFlag("--rate-limit", value));
    }

    @Option(order = 17, names = "--forbidden", paramLabel = "PATH:SCOPE", description = "answer 403 missing_required_scope on every request to PATH")
    void forbidden(String value) {
        faultFlags.add(new FaultFlag("--forbidden", value));
    }

    @Option(order = 18, names = "--add-after-page", paramLabel = "PATH:N", description = "create a record once page N of PATH has been served")
    void addAfterPage(String value) {
        faultFlags.add(new FaultFlag("--add-after-page", value));
    }

    @Option(order = 19, names = "--remove-after-page", paramLabel = "PATH:N",
            description = "delete a record not yet served once page N of PATH has been served")
    void removeAfterPage(String value) {
        faultFlags.add(new FaultFlag("--remove-after-page", value));
    }

    @Option(order = 20, names = "--unknown-field", paramLabel = "TABLE:NAME:VALUE",
            description = "add a field unknown to the spec to every record of TABLE (VALUE: a number, true/false, "
                    + "a JSON object, or text)")
    void unknownField(String value) {
        faultFlags.add(new FaultFlag("--unknown-field", value));
    }

    @Option(order = 21, names = "--change-every", paramLabel = "SECONDS",
            description = "every SECONDS, move the simulated clock on as much and apply one seeded random change "
                    + "(edit, create or delete an incident; post an update; create or edit a follow-up or action), "
                    + "printing one line per change (default: the data never changes)")
    Double changeEvery;

    @Option(order = 22, names = "--change-limit", paramLabel = "N", description = "stop changing after N changes (default: never)")
    Integer changeLimit;

    @Option(order = 23, names = "--webhook-url", paramLabel = "URL",
            description = "POST every change's webhook events to URL, signed the Svix way (needs --webhook-secret)")
    String webhookUrl;

    @Option(order = 24, names = "--webhook-secret", paramLabel = "whsec_...",
            description = "the signing secret of --webhook-url: whsec_ followed by base64")
    String webhookSecret;

    @Spec
    CommandSpec spec;

    private final String envKey;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * The command as the command line runs it: envKey is the key served when --api-key is not given
     * (the environment's INCIDENT_API_KEY), out and err where it reports.
     */
    public SimulateCommand(String envKey, PrintStream out, PrintStream err) {
        this.envKey = envKey;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        Options options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Simulator simulator;
        try {
            simulator = Simulator.start(options.config(), options.port());
        } catch (RuntimeException e) {
            err.println("simulate: " + e.getMessage());
            return 1;
        }
        options.faults().forEach(fault -> fault.accept(simulator.faults()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }));
        simulator.changes().onChange(change -> {
            out.println("change " + change);
            out.flush();
        });
        out.println("incident.io simulator listening on " + simulator.baseUrl());
        if (options.config().changeEvery() != null) {
            out.println("The data changes every " + options.config().changeEvery().toMillis() / 1000.0
                    + " s, from simulated " + simulator.changes().now()
                    + (simulator.webhooks().enabled() ? "; webhooks are sent for each change." : "."));
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            simulator.close();
        }
        return 0;
    }

    /** The options of a command line of simulate's, as it would serve them; IllegalArgumentException says what is wrong. */
    static Options parse(String[] args, String envKey) {
        SimulateCommand command = new SimulateCommand(envKey, null, null);
        try {
            new CommandLine(command).setOverwrittenOptionsAllowed(true).setExpandAtFiles(false).parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return command.options();
    }

    /** The options given, checked. */
    Options options() {
        SimulatorConfig config = new SimulatorConfig();
        if (incidents != null) {
            config.incidents(range("--incidents", incidents, 1, Integer.MAX_VALUE / 4));
        }
        if (seed != null) {
            config.seed(seed);
        }
        if (now != null) {
            try {
                config.now(java.time.Instant.parse(now.trim()));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("--now must be an RFC 3339 instant such as 2026-06-01T09:00:00Z, got " + now);
            }
        }
        if (latencyMillis != null) {
            config.latencyMillis(range("--latency-ms", latencyMillis, 0, Integer.MAX_VALUE));
        }
        if (timeScale != null) {
            config.timeScale(positive("--time-scale", timeScale));
        }
        if (keyRate != null) {
            config.keyRatePerMinute(range("--key-rate", keyRate, 1, Integer.MAX_VALUE));
        }
        if (incidentsRate != null) {
            config.incidentsRatePerMinute(range("--incidents-rate", incidentsRate, 1, Integer.MAX_VALUE));
        }
        if (noRateLimits) {
            config.rateLimits(false);
        }
        if (changeEvery != null) {
            double seconds = positive("--change-every", changeEvery);
            if (seconds < 0.001) {
                throw new IllegalArgumentException("--change-every must be at least 0.001 seconds, got " + seconds);
            }
            config.changeEvery(java.time.Duration.ofNanos(Math.round(seconds * 1_000_000) * 1000));
        }
        if (changeLimit != null) {
            config.changeLimit(range("--change-limit", changeLimit, 1, Integer.MAX_VALUE));
        }
        if (webhookUrl != null || webhookSecret != null) {
            if (webhookUrl == null || webhookSecret == null) {
                throw new IllegalArgumentException(webhookUrl == null ? "--webhook-secret needs --webhook-url"
                        : "--webhook-url needs --webhook-secret");
            }
            try {
                config.webhook(webhookUrl, webhookSecret);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((e.getMessage().contains("secret") ? "--webhook-secret: "
                        : "--webhook-url: ") + e.getMessage());
            }
        }
        int listen = range("--port", port, 0, 65535);
        List<Consumer<Faults>> faults = new ArrayList<>();
        for (FaultFlag f : faultFlags) {
            faults.add(fault(f.flag(), f.value()));
        }
        String key = apiKey != null ? apiKey : envKey;
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("--api-key is required (or set INCIDENT_API_KEY)");
        }
        config.addKey(key, privateScope);
        return new Options(config, listen, faults);
    }

    private static Consumer<Faults> fault(String flag, String value) {
        String[] parts;
        switch (flag) {
            case "--fail" -> {
                parts = split(flag, value, 3);
                int k = integer(flag, parts[1], 1, Integer.MAX_VALUE);
                int status = integer(flag, parts[2], 400, 599);
                return f -> f.status(parts[0], k, status);
            }
            case "--reset" -> {
                parts = split(flag, value, 2);
                int k = integer(flag, parts[1], 1, Integer.MAX_VALUE);
                return f -> f.reset(parts[0], k);
            }
            case "--slow" -> {
                parts = split(flag, value, 3);
                int k = integer(flag, parts[1], 1, Integer.MAX_VALUE);
                long millis = longValue(flag, parts[2]);
                return f -> f.slow(parts[0], k, millis);
            }
            case "--truncate" -> {
                parts = split(flag, value, 2);
                int k = integer(flag, parts[1], 1, Integer.MAX_VALUE);
                return f -> f.truncate(parts[0], k);
            }
            case "--html" -> {
                parts = split(flag, value, 2);
                int k = integer(flag, parts[1], 1, Integer.MAX_VALUE);
                return f -> f.html(parts[0], k);
            }
            case "--rate-limit" -> {
                parts = split(flag, value, 3);
                int k = integer(flag, parts[1], 1, Integer.MAX_VALUE);
                int count = integer(flag, parts[2], 1, Integer.MAX_VALUE);
                return f -> f.rateLimitBurst(parts[0], k, count);
            }
            case "--forbidden" -> {
                parts = split(flag, value, 2);
                return f -> f.forbidden(parts[0], parts[1]);
            }
            case "--add-after-page" -> {
                parts = split(flag, value, 2);
                int page = integer(flag, parts[1], 1, Integer.MAX_VALUE);
                return f -> f.addRecordAfterPage(parts[0], page);
            }
            case "--remove-after-page" -> {
                parts = split(flag, value, 2);
                int page = integer(flag, parts[1], 1, Integer.MAX_VALUE);
                return f -> f.removeRecordAfterPage(parts[0], page);
            }
            case "--unknown-field" -> {
                parts = split(flag, value, 3);
                List<String> tables = Endpoints.all().stream().map(Endpoint::table).toList();
                if (!tables.contains(parts[0])) {
                    throw new IllegalArgumentException(flag + ": no table '" + parts[0] + "'; tables are " + tables);
                }
                Object parsed = scalar(parts[2]);
                return f -> f.unknownField(parts[0], parts[1], parsed);
            }
            default -> throw new IllegalArgumentException("unknown option " + flag);
        }
    }

    /** true/false and numbers become JSON booleans and numbers; a JSON object a nested object; anything else text. */
    private static Object scalar(String text) {
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        try {
            return text.contains(".") ? (Object) Double.valueOf(text) : (Object) Long.valueOf(text);
        } catch (NumberFormatException notNumber) {
            if (text.startsWith("{")) {
                try {
                    return Json.MAPPER.readValue(text, Map.class);
                } catch (java.io.IOException notJson) {
                    return text;
                }
            }
            return text;
        }
    }

    private static String[] split(String flag, String value, int parts) {
        String[] out = value.split(":", parts);
        if (out.length != parts || out[0].isEmpty()) {
            throw new IllegalArgumentException(flag + " expects " + (parts == 2 ? "PATH:K" : "three ':'-separated parts")
                    + ", got '" + value + "'");
        }
        return out;
    }

    private static int integer(String flag, String value, int min, int max) {
        try {
            return range(flag, Integer.parseInt(value), min, max);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects an integer, got '" + value + "'");
        }
    }

    private static int range(String flag, int n, int min, int max) {
        if (n < min || n > max) {
            throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    private static long longValue(String flag, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects an integer, got '" + value + "'");
        }
    }

    private static double positive(String flag, double d) {
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(flag + " must be a positive number, got " + d);
        }
        return d;
    }
}
