package io.incidentsync.simulator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** The {@code simulate} command: serves a simulated incident.io API until the process is stopped. */
public final class SimulateCommand {
    static final String USAGE = String.join("\n",
            "usage: simulate --api-key K [--port P] [--incidents N] [--seed S] [--private-scope] [options]",
            "Serves a simulated incident.io API on 127.0.0.1 until stopped (Ctrl-C or SIGTERM).",
            "  --api-key K             the bearer key to accept (default: $INCIDENT_API_KEY)",
            "  --port P                port to listen on; 0 picks a free one (default 8080)",
            "  --incidents N           incidents in the data set; the other tables scale with it (default 100)",
            "  --seed S                data set seed; the same seed gives identical answers (default 1)",
            "  --private-scope         the key may see private incidents",
            "  --latency-ms MS         delay added to every answer (default 0)",
            "  --time-scale X          rate-limit buckets refill X times faster (default 1)",
            "  --key-rate N            requests per minute per key (default 1200)",
            "  --incidents-rate N      requests per minute on /v2/incidents (default 60)",
            "  --no-rate-limits        never answer 429 on its own",
            "  --fail PATH:K:STATUS    answer STATUS on the K-th request to PATH",
            "  --reset PATH:K          reset the connection on the K-th request to PATH",
            "  --slow PATH:K:MS        answer the K-th request to PATH after MS milliseconds",
            "  --truncate PATH:K       cut the K-th answer of PATH off mid-record",
            "  --html PATH:K           answer the K-th request to PATH with a proxy's 502 HTML page",
            "  --rate-limit PATH:K:N   answer 429 to requests K..K+N-1 of PATH",
            "  --forbidden PATH:SCOPE  answer 403 missing_required_scope on every request to PATH",
            "  --add-after-page PATH:N     create a record once page N of PATH has been served",
            "  --remove-after-page PATH:N  delete a record not yet served once page N of PATH has been served",
            "  --unknown-field TABLE:NAME:VALUE  add a field unknown to the spec to every record of TABLE",
            "Flags that take PATH:K may be repeated.");

    /** A parsed command line: the configuration, the port and the faults to set once started. */
    record Options(SimulatorConfig config, int port, List<Consumer<Faults>> faults) {
    }

    private SimulateCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.getenv("INCIDENT_API_KEY"), System.out, System.err);
    }

    static int run(String[] args, String envKey, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Options options;
        try {
            options = parse(args, envKey);
        } catch (IllegalArgumentException e) {
            err.println("simulate: " + e.getMessage() + " (see simulate --help)");
            return 2;
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
        out.println("incident.io simulator listening on " + simulator.baseUrl());
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

    static Options parse(String[] args, String envKey) {
        SimulatorConfig config = new SimulatorConfig();
        List<Consumer<Faults>> faults = new ArrayList<>();
        int port = 8080;
        String key = null;
        boolean privateScope = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--private-scope" -> privateScope = true;
                case "--no-rate-limits" -> config.rateLimits(false);
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value"
                                : "unexpected argument '" + flag + "'");
                    }
                    String value = args[++i];
                    switch (flag) {
                        case "--api-key" -> key = value;
                        case "--port" -> port = integer(flag, value, 0, 65535);
                        case "--incidents" -> config.incidents(integer(flag, value, 1, Integer.MAX_VALUE / 4));
                        case "--seed" -> config.seed(longValue(flag, value));
                        case "--latency-ms" -> config.latencyMillis(integer(flag, value, 0, Integer.MAX_VALUE));
                        case "--time-scale" -> config.timeScale(decimal(flag, value));
                        case "--key-rate" -> config.keyRatePerMinute(integer(flag, value, 1, Integer.MAX_VALUE));
                        case "--incidents-rate" -> config.incidentsRatePerMinute(integer(flag, value, 1, Integer.MAX_VALUE));
                        default -> faults.add(fault(flag, value));
                    }
                }
            }
        }
        if (key == null) {
            key = envKey;
        }
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("--api-key is required (or set INCIDENT_API_KEY)");
        }
        config.addKey(key, privateScope);
        return new Options(config, port, faults);
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
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects an integer, got '" + value + "'");
        }
    }

    private static long longValue(String flag, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects an integer, got '" + value + "'");
        }
    }

    private static double decimal(String flag, String value) {
        try {
            double d = Double.parseDouble(value);
            if (!(d > 0)) {
                throw new IllegalArgumentException(flag + " must be positive, got " + value);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects a number, got '" + value + "'");
        }
    }
}
