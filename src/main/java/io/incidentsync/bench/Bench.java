package io.incidentsync.bench;

import io.incidentsync.Cli;
import io.incidentsync.IncidentSyncConfiguration;
import io.incidentsync.cli.Application;
import io.incidentsync.cli.JitChoice;
import io.incidentsync.cli.PrintingCommand;
import io.incidentsync.simulator.Simulator;
import io.incidentsync.simulator.SimulatorConfig;
import io.incidentsync.run.IncidentSync;
import io.incidentsync.run.TableSpec;
import io.incidentsync.run.TableSpecs;
import io.incidentsync.config.Settings;
import io.incidentsync.run.SyncRun;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import javax.sql.DataSource;
import java.util.Properties;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code bench}: syncs the in-process simulator into a fresh database and sets what it took against
 * what it could have taken: requests against the fewest the data set needs, wall time against the
 * floor the rate limits and latency allow, the writer's rows a second against plain JDBC batch inserts
 * of the same rows, and the peak heap. The last line printed is for machines.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, sortSynopsis = false,
        description = {"Measure a full sync against the simulator.",
                "Starts the incident.io simulator in this process, syncs all 25 tables into a fresh database "
                        + "and reports requests, wall time, write throughput and peak heap against their floors."},
        optionListHeading = "%nOptions:%n",
        footer = {"",
                "The last line is for machines:",
                "  bench: incidents=N rows=R requests=Q min_requests=M wall_s=W floor_s=F",
                "         write_rows_per_s=X raw_rows_per_s=Y write_ratio=Z peak_heap_mb=H",
                "         and with --write-floor, write_floor_s=S at its end",
                "Exit codes: 0 measured, 1 the sync failed, 2 configuration error or bad usage."})
public final class Bench extends PrintingCommand {

    static final int KEY_PER_MINUTE = 1200;
    static final int INCIDENTS_PER_MINUTE = 60;

    @Option(names = "--incidents", paramLabel = "N",
            description = "incidents in the simulated account (default 20000), with their updates, actions and follow-ups")
    int incidents = 20_000;

    @Option(names = "--db", paramLabel = "h2|postgres",
            description = "destination (default h2, a new file database in a temporary directory); postgres uses "
                    + "INCIDENT_DB_URL when it is a jdbc:postgresql URL, else INCIDENT_TEST_PG_URL, in a new schema "
                    + "dropped afterwards")
    String db = "h2";

    @Option(names = "--latency-ms", paramLabel = "MS", description = "simulated round trip of each request (default 30)")
    int latencyMillis = 30;

    @Option(names = "--time-scale", paramLabel = "X",
            description = "the API's rate limits (1,200 a minute per key, 60 a minute on /v2/incidents) refill X times "
                    + "faster, and the sync's budget with them (default 1: real speed)")
    double timeScale = 1;

    @Option(names = "--concurrency", paramLabel = "C", description = {"tables synced at once", "(default incident.sync.concurrency)"})
    Integer concurrency;

    @Option(names = "--write-sample", paramLabel = "ROWS",
            description = "rows per table (incidents, incident_updates) for the write measurement (default 10000)")
    int writeSample = 10_000;

    @Option(names = "--write-floor",
            description = {"also time plain JDBC batch inserts of every row the sync left, read into memory first, "
                    + "into empty tables of the same columns and keys: how long this database takes to store them with "
                    + "nothing else to do (holds every row in the heap: 20000 incidents ran in the default 6 GB)"})
    boolean writeFloor;

    @Spec
    CommandSpec spec;

    public Bench(PrintStream out, PrintStream err) {
        super(out, err);
    }

    /** What the command line asked for. */
    record Options(int incidents, String db, int latencyMillis, double timeScale, Integer concurrency, int writeSample,
                   boolean writeFloor) {
    }

    /** {@code bench args}, as the command line runs it. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String[] command = new String[args.length + 1];
        command[0] = "bench";
        System.arraycopy(args, 0, command, 1, args.length);
        return Cli.run(command, out, err);
    }

    @Override
    public Integer call() {
        Options options = options();
        try (HeapSampler heap = new HeapSampler()) {
            return bench(options, heap, out, err);
        } catch (Exception e) {
            err.println("bench: error: " + e.getMessage());
            return 1;
        }
    }

    /** The options given, checked; a value out of range is bad usage. */
    Options options() {
        positive(incidents, "--incidents");
        if (!db.equals("h2") && !db.equals("postgres")) {
            throw new ParameterException(spec.commandLine(), "--db takes h2 or postgres, not '" + db + "'");
        }
        if (latencyMillis < 0) {
            throw new ParameterException(spec.commandLine(), "--latency-ms must not be negative");
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new ParameterException(spec.commandLine(), "--time-scale must be a positive number");
        }
        if (concurrency != null) {
            positive(concurrency, "--concurrency");
        }
        positive(writeSample, "--write-sample");
        return new Options(incidents, db, latencyMillis, timeScale, concurrency, writeSample, writeFloor);
    }

    private void positive(int value, String option) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1");
        }
    }

    private static int bench(Options options, HeapSampler heap, PrintStream out, PrintStream err) throws Exception {
        String syncKey = "bench-sync-" + Long.toHexString(System.nanoTime());
        String writerKey = "bench-writer-" + Long.toHexString(System.nanoTime());
        SimulatorConfig config = new SimulatorConfig().seed(1).incidents(options.incidents())
                .addKey(syncKey, true).addKey(writerKey, true)
                .keyRatePerMinute(KEY_PER_MINUTE).incidentsRatePerMinute(INCIDENTS_PER_MINUTE)
                .timeScale(options.timeScale()).latencyMillis(options.latencyMillis());
        try (Simulator simulator = Simulator.start(config, 0); Database db = Database.fresh(options.db())) {
            Map<String, String> overrides = new HashMap<>();
            overrides.put("incident.api.url", simulator.baseUrl());
            overrides.put("incident.api.key", syncKey);
            overrides.put("incident.db.url", db.url);
            overrides.put("incident.db.user", db.user);
            overrides.put("incident.db.password", db.password);
            overrides.put("incident.streams", "");
            overrides.put("incident.rate.per-minute", Double.toString(KEY_PER_MINUTE * options.timeScale()));
            overrides.put("incident.rate.incidents-per-minute", Double.toString(INCIDENTS_PER_MINUTE * options.timeScale()));
            // the simulator's buckets keep their depth and refill faster: its minute is 60 / X seconds
            overrides.put("incident.rate.window-seconds", Double.toString(60 / options.timeScale()));
            if (options.concurrency() != null) {
                overrides.put("incident.sync.concurrency", Integer.toString(options.concurrency()));
            }
            Application app = new Application(overrides);
            if (Cli.misconfigured(app, err)) {
                return 2;
            }
            out.printf(Locale.ROOT, "bench: %d incidents, %d ms a request, rate limits %d/min per key and %d/min on "
                            + "/v2/incidents at time scale %s, %d tables at once, into %s%n",
                    options.incidents(), options.latencyMillis(), KEY_PER_MINUTE, INCIDENTS_PER_MINUTE,
                    trim(options.timeScale()), app.settings().concurrency(), IncidentSync.redact(db.url));

            long start = System.nanoTime();
            SyncRun run = app.syncOnce();
            double wall = (System.nanoTime() - start) / 1e9;
            long requests = simulator.totalRequests();
            long rateLimited = simulator.rateLimited();
            if (run == null || !run.ok()) {
                err.println("bench: the sync failed, so there is nothing to measure");
                if (run != null) {
                    out.println(run.summary());
                    Cli.failureLines(run).forEach(err::println);
                }
                return 1;
            }
            out.println(run.summary());

            Map<String, Long> rows = new HashMap<>();
            run.results().forEach(r -> rows.put(r.table(), r.rows()));
            // the child tables' rows are written by the same sync, so they count
            long totalRows = rows.values().stream().mapToLong(Long::longValue).sum()
                    + run.results().stream().mapToLong(SyncRun.Result::childRowCount).sum();
            List<Floor.Chain> chains;
            Comparison write;
            Comparison json;
            TableSpecs specs = tableSpecs(overrides);
            Map<String, String> writerSettings = new HashMap<>(overrides);
            writerSettings.put("incident.api.key", writerKey);
            try (Connection writer = db.connect(); Connection reader = db.connect();
                 CamelContext routes = writerRoutes(writerSettings)) {
                Map<String, List<Long>> perParent = new HashMap<>();
                for (TableSpec spec : specs.all()) {
                    if (spec.perParent() && spec.paged()) {
                        perParent.put(spec.table(), perParent(writer, spec.table(), spec.parentParameter(),
                                rows.getOrDefault(specs.byPath(spec.parentPath()).table(), 0L)));
                    }
                }
                chains = minimumRequests(specs, rows, perParent);
                write = WriterBenchmark.measure(specs, routes.createProducerTemplate(),
                        routes.getRegistry().lookupByNameAndType(IncidentSyncConfiguration.DATA_SOURCE, DataSource.class),
                        writer, reader, options.writeSample());
                json = WriterBenchmark.measureJson(specs, routes.createProducerTemplate(), options.writeSample());
            }
            // the peak of the sync and the write measurement, before the write floor fills the heap
            long peakMb = Math.round(heap.peakBytes() / (1024.0 * 1024.0));
            WriteFloor.Result stored = options.writeFloor()
                    ? WriteFloor.measure(db::connect, app.settings().concurrency()) : null;
            long min = Floor.requests(chains);
            int partitions = partitions(specs, rows);
            Floor.Limits limits = new Floor.Limits(KEY_PER_MINUTE, INCIDENTS_PER_MINUTE, options.timeScale());
            double floor = Floor.seconds(chains, options.latencyMillis() / 1000.0, app.settings().concurrency(), limits);
            double ratio = write.oursPerSecond() / write.plainPerSecond();
            long maxMb = Math.round(Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));

            out.printf(Locale.ROOT, "requests: %d made, minimum %d; target at most %d (one more per partition, %d "
                            + "partitions): %s; %d answered 429%n",
                    requests, min, min + partitions, partitions, requests <= min + partitions ? "met" : "MISSED", rateLimited);
            out.println(wallVerdict(wall, floor, stored == null ? null : stored.seconds()));
            out.printf(Locale.ROOT, "write: %.0f rows/s through the writer, %.0f rows/s plain JDBC batch inserts "
                            + "(%d rows of incidents and incident_updates and their child tables); ratio %.2f, target at least 0.5: %s%n",
                    write.oursPerSecond(), write.plainPerSecond(), write.count(), ratio,
                    ratio >= 0.5 ? "met" : "MISSED");
            out.printf(Locale.ROOT, "json: %d incidents read %.0f records/s by the streaming reader, %.0f records/s by "
                            + "Camel Jackson's data format (unmarshal to a tree; JSON columns written out again)%n",
                    json.count(), json.oursPerSecond(), json.plainPerSecond());
            if (stored != null) {
                out.printf(Locale.ROOT, "write floor: %d rows of %d tables, read into memory, inserted again by plain "
                                + "JDBC batches into tables of the same columns and keys, %d at once, in %.2f s (%.2fx the "
                                + "network floor; %.1f s of CPU)%n",
                        stored.rows(), stored.tables(), app.settings().concurrency(), stored.seconds(),
                        stored.seconds() / floor, stored.cpuSeconds());
            }
            out.printf(Locale.ROOT, "heap: peak %d MB of %d MB (simulator and sync in one process)%n", peakMb, maxMb);
            out.printf(Locale.ROOT, "compiler: %s%n", JitChoice.inUse());
            out.printf(Locale.ROOT, "bench: incidents=%d rows=%d requests=%d min_requests=%d wall_s=%.2f floor_s=%.2f "
                            + "write_rows_per_s=%.0f raw_rows_per_s=%.0f write_ratio=%.2f peak_heap_mb=%d%s%n",
                    options.incidents(), totalRows, requests, min, wall, floor, write.oursPerSecond(),
                    write.plainPerSecond(), ratio, peakMb,
                    stored == null ? "" : String.format(Locale.ROOT, " write_floor_s=%.2f", stored.seconds()));
            return 0;
        }
    }

    /**
     * The tables' facts as the sync that {@code overrides} configures reads them: its routes' templatedRoute
     * entries, the edited copies in incident.routes.dir when it names them, else the packaged ones.
     */
    static TableSpecs tableSpecs(Map<String, String> overrides) throws Exception {
        return TableSpecs.read(Application.resolve(overrides).get(Application.ROUTES_DIR));
    }

    /**
     * The wall-time verdict: a sync can beat neither the network floor (the rate limits, the round trips,
     * the listings walked at once) nor the write floor (storing its rows with nothing else to do, measured
     * only with --write-floor), so the target is 1.25 times the larger, and the line says which one bound it.
     */
    static String wallVerdict(double wall, double networkFloor, Double writeFloor) {
        boolean writeBinds = writeFloor != null && writeFloor > networkFloor;
        double bound = writeBinds ? writeFloor : networkFloor;
        String floors = writeFloor == null
                ? String.format(Locale.ROOT, "network floor %.2f s (no write floor measured: --write-floor)", networkFloor)
                : String.format(Locale.ROOT, "network floor %.2f s, write floor %.2f s", networkFloor, writeFloor);
        return String.format(Locale.ROOT, "wall: %.2f s; %s; bound by the %s floor: %.2fx of %.2f s; "
                        + "target at most 1.25x (%.2f s): %s", wall, floors, writeBinds ? "write" : "network",
                wall / bound, bound, 1.25 * bound, wall <= 1.25 * bound ? "met" : "MISSED");
    }

    /**
     * The fewest requests each table needs for the rows the sync found, by its templatedRoute entry: a
     * paged listing the pages its rows fill at its page size (at least one); a listing per parent record
     * the parent listing's requests plus each parent's (its pages when paged, else one: custom field
     * options per custom field, catalog entries per catalog type, schedule entries per schedule); a
     * listing per incident mode one call per mode; any other table one.
     */
    static List<Floor.Chain> minimumRequests(TableSpecs specs, Map<String, Long> rows, Map<String, List<Long>> perParent) {
        List<Floor.Chain> chains = new ArrayList<>();
        rows.forEach((table, count) -> {
            TableSpec spec = specs.get(table);
            long requests;
            if (spec.perParent()) {
                long parents = rows.getOrDefault(specs.byPath(spec.parentPath()).table(), 0L);
                long parentRequests = spec.parentPageSize().isEmpty() ? 1 : pages(parents, Integer.parseInt(spec.parentPageSize()));
                requests = parentRequests + (spec.paged()
                        ? perParent.getOrDefault(table, List.of()).stream().mapToLong(n -> pages(n, spec.pageRows())).sum()
                        : parents);
            } else if (!spec.modes().isEmpty()) {
                requests = spec.modes().size();
            } else {
                requests = spec.paged() ? pages(count, spec.pageRows()) : 1;
            }
            chains.add(new Floor.Chain(table, requests, table.equals("incidents")));
        });
        chains.sort(Comparator.comparing(Floor.Chain::table));
        return chains;
    }

    private static long pages(long rows, int pageSize) {
        return Math.max(1, (rows + pageSize - 1) / pageSize);
    }

    /** The listings walked: one per table, but one per parent record for listings per parent, one per mode for actions and follow-ups. */
    static int partitions(TableSpecs specs, Map<String, Long> rows) {
        int out = 0;
        for (String table : rows.keySet()) {
            TableSpec spec = specs.get(table);
            if (spec.perParent()) {
                out += rows.getOrDefault(specs.byPath(spec.parentPath()).table(), 0L).intValue();
            } else if (!spec.modes().isEmpty()) {
                out += spec.modes().size();
            } else {
                out += 1;
            }
        }
        return out;
    }

    /** The rows of a listing per parent record, per parent, including the parents that have none. */
    private static List<Long> perParent(Connection c, String table, String parentColumn, long parents) throws SQLException {
        List<Long> out = new ArrayList<>();
        if (parents > 0) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " GROUP BY " + parentColumn)) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        while (out.size() < parents) {
            out.add(0L);
        }
        return out;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** The destination: a new H2 file database, or a new schema on the PostgreSQL server; removed on close. */
    private static final class Database implements AutoCloseable {
        final String url;
        final String user;
        final String password;
        private final Path dir;
        private final String baseUrl;
        private final String schema;

        private Database(String url, String user, String password, Path dir, String baseUrl, String schema) {
            this.url = url;
            this.user = user;
            this.password = password;
            this.dir = dir;
            this.baseUrl = baseUrl;
            this.schema = schema;
        }

        static Database fresh(String kind) throws IOException, SQLException {
            if (kind.equals("h2")) {
                Path dir = Files.createTempDirectory("incident-io-bench-");
                return new Database("jdbc:h2:file:" + dir.resolve("bench").toAbsolutePath(), "", "", dir, null, null);
            }
            Map<String, String> configured = Application.resolve(Map.of());
            String base = configured.getOrDefault("incident.db.url", "");
            String user = configured.getOrDefault("incident.db.user", "");
            String password = configured.getOrDefault("incident.db.password", "");
            if (!base.startsWith("jdbc:postgresql")) {
                base = System.getenv().getOrDefault("INCIDENT_TEST_PG_URL", "");
                user = "";
                password = "";
            }
            if (!base.startsWith("jdbc:postgresql")) {
                throw new IllegalArgumentException("--db postgres needs a PostgreSQL JDBC URL: set INCIDENT_DB_URL "
                        + "(or INCIDENT_TEST_PG_URL), e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
            }
            String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection c = DriverManager.getConnection(base, user, password); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            return new Database(url, user, password, null, base, schema);
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public void close() throws IOException, SQLException {
            if (schema != null) {
                try (Connection c = DriverManager.getConnection(baseUrl, user, password); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /**
     * The routes the writer benchmark sends through, as the sync has them: the API route to read pages
     * and the statement route to write them, with the beans the configuration binds.
     */
    private static CamelContext writerRoutes(Map<String, String> settings) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.putAll(Application.resolve(settings));
        // the bench's own database and key, not INCIDENT_DB_URL's (see Application.valuesFirst)
        camel.getPropertiesComponent().setOverrideProperties(properties);
        Application.valuesFirst(camel);
        new IncidentSyncConfiguration().configure(camel);
        RoutesLoader loader = PluginHelper.getRoutesLoader(camel);
        for (String file : List.of("errors", "api", "listings")) {
            loader.loadRoutes(ResourceHelper.resolveMandatoryResource(camel, "classpath:routes/" + file + ".camel.yaml"));
        }
        camel.start();
        return camel;
    }
}
