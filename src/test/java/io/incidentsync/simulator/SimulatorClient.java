package io.incidentsync.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A plain GET against a running simulator, for tests that look at its answers directly. */
public final class SimulatorClient {

    /** One answer: status and body. */
    public record Reply(int status, String body) {
    }

    private SimulatorClient() {
    }

    public static Reply get(String url, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).build();
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(response.statusCode(), response.body());
    }
}
