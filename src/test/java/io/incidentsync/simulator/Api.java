package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A tiny client for the simulator, as a sync would call it. */
final class Api {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final List<String> ALL_MODES = List.of("standard", "retrospective", "test", "tutorial");
    static final List<String> ALL_CATEGORIES =
            List.of("triage", "declined", "merged", "canceled", "live", "learning", "closed", "paused");

    record Answer(int status, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return MAPPER.readTree(raw.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String body() {
            return raw.body();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String key;

    Api(String baseUrl, String key) {
        this.baseUrl = baseUrl;
        this.key = key;
    }

    /** params alternate name, value; names are URI-encoded, so brackets travel as %5B and %5D. */
    Answer get(String path, String... params) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < params.length; i += 2) {
            query.append(query.length() == 0 ? "?" : "&")
                    .append(URLEncoder.encode(params[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
        }
        return getRaw(path + query);
    }

    Answer getRaw(String pathAndQuery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            HttpResponse<String> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every page of a cursor listing; each answer is handed to onPage before the next request. */
    List<JsonNode> walk(String path, String arrayKey, int pageSize, List<String> params,
                        java.util.function.Consumer<Answer> onPage) {
        List<JsonNode> records = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 100_000; page++) {
            List<String> all = new ArrayList<>(params);
            all.add("page_size");
            all.add(Integer.toString(pageSize));
            if (after != null) {
                all.add("after");
                all.add(after);
            }
            Answer answer = get(path, all.toArray(String[]::new));
            if (answer.status() != 200) {
                throw new AssertionError(path + " answered " + answer.status() + ": " + answer.body());
            }
            onPage.accept(answer);
            JsonNode body = answer.json();
            body.get(arrayKey).forEach(records::add);
            JsonNode next = body.path("pagination_meta").get("after");
            if (next == null) {
                return records;
            }
            after = next.asText();
        }
        throw new AssertionError(path + " never reached its last page");
    }

    List<JsonNode> walk(String path, String arrayKey, int pageSize, List<String> params) {
        return walk(path, arrayKey, pageSize, params, answer -> { });
    }

    static List<String> everyModeAndCategory() {
        List<String> params = new ArrayList<>();
        ALL_MODES.forEach(m -> params.addAll(List.of("mode[one_of]", m)));
        ALL_CATEGORIES.forEach(c -> params.addAll(List.of("status_category[one_of]", c)));
        return params;
    }

    static List<String> ids(List<? extends JsonNode> records) {
        return records.stream().map(r -> r.get("id").asText()).toList();
    }
}
