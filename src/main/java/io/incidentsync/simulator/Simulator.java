package io.incidentsync.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process incident.io API: twenty-five list endpoints and three single-record ones over a generated data set,
 * with faults on demand, a simulated clock whose changes edit the data ({@link #changes}), and signed webhooks of
 * those changes ({@link #webhooks}).
 */
public final class Simulator implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Simulator.class);
    private final HttpServer server;
    private final ApiHandler handler;
    private final Faults faults;
    private final Oracle oracle;
    private final Webhooks webhooks;
    private final Changes changes;
    private final ScheduledExecutorService timer;

    private Simulator(SimulatorConfig config, int port) throws IOException {
        if (config.keys().isEmpty()) {
            throw new IllegalArgumentException("the simulator needs at least one API key (SimulatorConfig.addKey)");
        }
        DataSet data = new DataSet(config.seed(), config.incidents(), config.now());
        List<Endpoint> endpoints = Endpoints.all();
        faults = new Faults(data);
        oracle = new Oracle(data, endpoints);
        handler = new ApiHandler(config, data, endpoints, faults);
        webhooks = new Webhooks(config.seed());
        if (config.webhookUrl() != null) {
            webhooks.target(config.webhookUrl(), config.webhookSecret());
        }
        changes = new Changes(data, webhooks, config.seed());
        server = new HttpServer(port, handler);
        timer = config.changeEvery() == null ? null : changeTimer(config);
    }

    /** One random change per period, the clock moved on by the period first, until the limit if there is one. */
    private ScheduledExecutorService changeTimer(SimulatorConfig config) {
        ScheduledExecutorService out = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "incident-simulator-clock");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, config.changeEvery().toMillis());
        AtomicInteger applied = new AtomicInteger();
        out.scheduleAtFixedRate(() -> {
            if (config.changeLimit() > 0 && applied.get() >= config.changeLimit()) {
                out.shutdown();
                return;
            }
            try {
                changes.advance(config.changeEvery());
                changes.random();
                applied.incrementAndGet();
            } catch (RuntimeException e) {
                // a failed change must not end the timer (a scheduled task that throws is never run again)
                LOG.warn("simulated change failed: {}", e.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
        return out;
    }

    /** Serves on 127.0.0.1:port; port 0 picks a free one. */
    public static Simulator start(SimulatorConfig config, int port) {
        try {
            return new Simulator(config, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    /** "http://127.0.0.1:PORT", without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public Faults faults() {
        return faults;
    }

    public Oracle oracle() {
        return oracle;
    }

    /** The simulated clock: advance it, and create, edit and delete records as it runs. */
    public Changes changes() {
        return changes;
    }

    /** The webhook events changes emitted, where they are sent, and every delivery attempt. */
    public Webhooks webhooks() {
        return webhooks;
    }

    /** Requests received for a path such as "/v2/incidents", whatever the answer. */
    public long requests(String path) {
        return handler.requests(path);
    }

    public long totalRequests() {
        return handler.totalRequests();
    }

    /** 429s answered. */
    public long rateLimited() {
        return handler.rateLimited();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        webhooks.close();
        server.close();
    }
}
