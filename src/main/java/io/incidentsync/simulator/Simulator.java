package io.incidentsync.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** An in-process incident.io API: twenty-five list endpoints over a generated data set, with faults on demand. */
public final class Simulator implements AutoCloseable {
    private final HttpServer server;
    private final ApiHandler handler;
    private final Faults faults;
    private final Oracle oracle;

    private Simulator(SimulatorConfig config, int port) throws IOException {
        if (config.keys().isEmpty()) {
            throw new IllegalArgumentException("the simulator needs at least one API key (SimulatorConfig.addKey)");
        }
        DataSet data = new DataSet(config.seed(), config.incidents());
        List<Endpoint> endpoints = Endpoints.all();
        faults = new Faults(data);
        oracle = new Oracle(data, endpoints);
        handler = new ApiHandler(config, data, endpoints, faults);
        server = new HttpServer(port, handler);
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
        server.close();
    }
}
