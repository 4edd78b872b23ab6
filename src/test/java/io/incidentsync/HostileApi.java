package io.incidentsync;

import io.incidentsync.cli.Application;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A deliberately hostile fake of the incident.io API, for the tests that hold the sync to its promises
 * under faults the simulator never makes: every answer is scripted by the test (status, headers, body,
 * a body that trickles or never ends, a redirect to another host). Each path answers what its handler
 * says; a path without one answers 404. It records every request, Authorization header included.
 */
public final class HostileApi implements AutoCloseable, AfterEachCallback {

    /** What one request looked like. */
    record Request(String path, Map<String, List<String>> query, String authorization, String acceptEncoding) {
        String param(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** An answer: status, headers, body, and how the body is sent. */
    static final class Reply {
        final int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        final byte[] body;
        long pauseMillis;
        boolean endless;

        private Reply(int status, byte[] body) {
            this.status = status;
            this.body = body;
            headers.put("Content-Type", "application/json");
        }

        static Reply json(String body) {
            return new Reply(200, body.getBytes(StandardCharsets.UTF_8));
        }

        static Reply status(int status, String body) {
            return new Reply(status, body.getBytes(StandardCharsets.UTF_8));
        }

        static Reply bytes(int status, byte[] body) {
            return new Reply(status, body);
        }

        Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Sends the body one byte at a time, pausing between bytes. */
        Reply trickle(long pauseMillis) {
            this.pauseMillis = pauseMillis;
            return this;
        }

        /** Sends the body, then whitespace forever (until the client hangs up). */
        Reply endless() {
            this.endless = true;
            return this;
        }
    }

    private final HttpServer server;
    private final Map<String, Function<Request, Reply>> handlers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private HostileApi(HttpServer server) {
        this.server = server;
    }

    static HostileApi start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HostileApi api = new HostileApi(server);
        server.createContext("/", api::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hostile-api");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return api;
    }

    /**
     * A started API for one test, closed after it: {@code @RegisterExtension final HostileApi api =
     * HostileApi.forEachTest();}.
     */
    static HostileApi forEachTest() {
        try {
            return start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /**
     * A sync of {@code streams} against an API of its own ({@code sync.api}) for one test, the API closed and
     * the sync's files deleted after it: {@code @RegisterExtension final HostileApi.Sync sync =
     * HostileApi.syncForEachTest("users");}.
     */
    static Sync syncForEachTest(String streams) {
        return syncForEachTest(streams, () -> Destination.H2);
    }

    /**
     * As {@link #syncForEachTest(String)}, writing to a fresh database of the kind {@code destination} gives
     * before each test: a parameterised class's {@code () -> db}, read once its parameter is set.
     */
    static Sync syncForEachTest(String streams, Supplier<Destination> destination) {
        try {
            return new Sync(start(), streams, destination);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    HostileApi on(String path, Function<Request, Reply> handler) {
        handlers.put(path, handler);
        return this;
    }

    List<Request> requests() {
        return requests;
    }

    List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /**
     * A cursor-paged listing of these pages: page k (from 1) answers to {@code after=c<k-1>} and carries
     * {@code after=c<k>} unless it is the last.
     */
    static Function<Request, Reply> pages(String arrayKey, List<List<String>> pages) {
        return request -> {
            String after = request.param("after");
            int index = after == null ? 0 : Integer.parseInt(after.substring(1));
            return Reply.json(page(arrayKey, pages.get(index), index + 1 < pages.size() ? "\"c" + (index + 1) + "\"" : null));
        };
    }

    /** One listing body: the records (JSON object texts) and pagination_meta with this after (JSON text, or none). */
    public static String page(String arrayKey, List<String> records, String afterJson) {
        return "{\"" + arrayKey + "\":[" + String.join(",", records) + "],\"pagination_meta\":{"
                + (afterJson == null ? "" : "\"after\":" + afterJson + ",") + "\"page_size\":250}}";
    }

    /** {@code n} user records, ids U00001 up, starting at {@code from}. */
    public static List<String> users(int from, int n) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(String.format("{\"id\":\"U%05d\",\"name\":\"User %d\",\"email\":\"user%d@example.com\",\"role\":\"viewer\"}", i, i, i));
        }
        return out;
    }

    /** Users split into pages of {@code size}. */
    public static List<List<String>> userPages(int total, int size) {
        List<List<String>> out = new ArrayList<>();
        for (int from = 1; from <= total; from += size) {
            out.add(users(from, Math.min(size, total - from + 1)));
        }
        return out;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Map<String, List<String>> query = new LinkedHashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                }
            }
            Request request = new Request(path, Collections.unmodifiableMap(query),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Accept-Encoding"));
            requests.add(request);
            Function<Request, Reply> handler = handlers.get(path);
            Reply reply = handler == null
                    ? Reply.status(404, "{\"type\":\"not_found\",\"status\":404,\"errors\":[{\"code\":\"not_found\",\"message\":\"Not found\"}]}")
                    : handler.apply(request);
            reply.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            boolean streamed = reply.pauseMillis > 0 || reply.endless;
            exchange.sendResponseHeaders(reply.status, streamed ? 0 : (reply.body.length == 0 ? -1 : reply.body.length));
            OutputStream out = exchange.getResponseBody();
            if (!streamed) {
                out.write(reply.body);
                return;
            }
            for (byte b : reply.body) {
                out.write(b);
                out.flush();
                if (reply.pauseMillis > 0) {
                    Thread.sleep(reply.pauseMillis);
                }
            }
            long until = System.currentTimeMillis() + 120_000;
            while (reply.endless && System.currentTimeMillis() < until) {
                out.write(' ');
                out.flush();
                Thread.sleep(50);
            }
        } catch (IOException | InterruptedException clientHungUp) {
            // the sync gave up on this answer: what the test wanted to see
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A sync through the command line's code path, against this API and an H2 file of its own. */
    static final class Sync implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
        /** The API this sync reads, its own. */
        final HostileApi api;
        private final Supplier<Destination> destination;
        final Path dir;
        final Map<String, String> settings = new LinkedHashMap<>();
        String out = "";
        String err = "";
        private java.sql.Connection held;

        /** A sync against api, which the caller closes; on H2 unless its settings say otherwise. */
        Sync(HostileApi api, String streams) throws IOException {
            this(api, streams, () -> Destination.H2);
        }

        private Sync(HostileApi api, String streams, Supplier<Destination> destination) throws IOException {
            this.api = api;
            this.destination = destination;
            dir = Files.createTempDirectory("incident-sync-hostile");
            settings.put("incident.api.url", api.baseUrl());
            settings.put("incident.api.key", "hostile-test-key");
            settings.put("incident.db.url", "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
            settings.put("incident.streams", streams);
            settings.put("incident.http.max-attempts", "3");
            settings.put("incident.http.initial-backoff-millis", "10");
            settings.put("incident.http.read-timeout-seconds", "5");
        }

        int run() throws Exception {
            hold();
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            int code = Cli.sync(new Application(settings), new PrintStream(o, true, StandardCharsets.UTF_8),
                    new PrintStream(e, true, StandardCharsets.UTF_8));
            out = o.toString(StandardCharsets.UTF_8);
            err = e.toString(StandardCharsets.UTF_8);
            return code;
        }

        /** The standard-error lines, blank ones left out. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        java.sql.Connection connect() throws java.sql.SQLException {
            hold();
            return java.sql.DriverManager.getConnection(settings.get("incident.db.url"));
        }

        /**
         * Keeps the H2 file open from before the first sync to the end of the test: H2 closes a file with its
         * last connection, and a read that opened it just after a sync ended found it as it was before the
         * sync's swaps ("Table USERS not found" after the sync had made it; ValueFitTest, ViewsAndGrantsTest,
         * KeyLeakTest, a few runs in ten). With the file open throughout, every read sees the sync's work.
         */
        private void hold() throws java.sql.SQLException {
            String url = settings.get("incident.db.url");
            if (held == null && url.startsWith("jdbc:h2:")) {
                held = java.sql.DriverManager.getConnection(url);
            }
        }

        /** Lets go of the connection that keeps the H2 file open. */
        private void release() throws java.sql.SQLException {
            if (held != null) {
                held.close();
                held = null;
            }
        }

        long count(String sql) throws java.sql.SQLException {
            try (var c = connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        /** A column's text by id, in id order. */
        Map<String, String> column(String table, String column) throws java.sql.SQLException {
            Map<String, String> out = new LinkedHashMap<>();
            try (var c = connect(); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT id, " + column + " FROM " + table + " ORDER BY id")) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        }

        /** The error {@code _sync_runs} recorded for the table that failed last. */
        String lastError() throws java.sql.SQLException {
            try (var c = connect(); var s = c.createStatement(); var rs = s.executeQuery(
                    "SELECT error FROM _sync_runs WHERE status = 'failed' ORDER BY finished_at DESC")) {
                return rs.next() ? rs.getString(1) : null;
            }
        }

        @Override
        public void beforeEach(ExtensionContext context) throws Exception {
            destination.get().on(this);
        }

        /** Only a sync from {@link #syncForEachTest} is an extension, and it owns its API. */
        @Override
        public void afterEach(ExtensionContext context) throws IOException {
            api.close();
            close();
        }

        @Override
        public void close() throws IOException {
            try {
                release();
            } catch (java.sql.SQLException e) {
                throw new IOException(e);
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
