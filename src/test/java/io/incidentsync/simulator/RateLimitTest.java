package io.incidentsync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Token buckets per key and for /v2/incidents, answering the documented 429. */
class RateLimitTest {
    @Test
    void anEmptyIncidentsBucketAnswers429WithRetryAfter() {
        try (Simulator simulator = Simulator.start(new SimulatorConfig().incidents(20).addKey("k", true)
                .incidentsRatePerMinute(5), 0)) {
            Api api = new Api(simulator.baseUrl(), "k");
            for (int i = 0; i < 5; i++) {
                assertEquals(200, api.get("/v2/incidents").status(), "request " + (i + 1));
            }
            Api.Answer limited = api.get("/v2/incidents");
            assertEquals(429, limited.status());
            assertNotNull(limited.header("Retry-After"));
            assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
            assertEquals("5", limited.header("X-RateLimit-Limit"));
            assertEquals("too_many_requests", limited.json().get("type").asText());
            assertEquals(5, limited.json().at("/rate_limit/limit").asInt());
            assertTrue(limited.json().at("/rate_limit/retry_after").asText().endsWith(" UTC"));
            assertEquals(200, api.get("/v1/severities").status(), "other endpoints draw only on the key's bucket");
            assertEquals(1, simulator.rateLimited());
        }
    }

    @Test
    void theKeyBucketCoversEveryEndpointAndEachKeyHasItsOwn() {
        try (Simulator simulator = Simulator.start(new SimulatorConfig().incidents(20).addKey("a", true)
                .addKey("b", false).keyRatePerMinute(3), 0)) {
            Api a = new Api(simulator.baseUrl(), "a");
            assertEquals(200, a.get("/v1/severities").status());
            assertEquals(200, a.get("/v2/users").status());
            assertEquals(200, a.get("/v2/incidents").status());
            Api.Answer limited = a.get("/v2/custom_fields");
            assertEquals(429, limited.status());
            assertEquals("api_key", limited.json().at("/rate_limit/name").asText());
            assertEquals(200, new Api(simulator.baseUrl(), "b").get("/v1/severities").status());
        }
    }

    @Test
    void aScaledClockRefillsTheBucketFast() throws InterruptedException {
        try (Simulator simulator = Simulator.start(new SimulatorConfig().incidents(20).addKey("k", true)
                .incidentsRatePerMinute(60).timeScale(10), 0)) {
            Api api = new Api(simulator.baseUrl(), "k");
            int limited = 0;
            for (int i = 0; i < 300 && limited == 0; i++) {
                limited += api.get("/v2/incidents", "page_size", "1").status() == 429 ? 1 : 0;
            }
            assertEquals(1, limited, "60 tokens refilling at 10 a second drain within 300 quick requests");
            Thread.sleep(300); // at 10x the bucket refills 10 tokens per real second
            assertEquals(200, api.get("/v2/incidents", "page_size", "1").status());
        }
    }

    @Test
    void failedAuthenticationSpendsNoTokens() {
        try (Simulator simulator = Simulator.start(new SimulatorConfig().incidents(20).addKey("k", true)
                .keyRatePerMinute(2), 0)) {
            Api wrong = new Api(simulator.baseUrl(), "wrong");
            for (int i = 0; i < 5; i++) {
                assertEquals(401, wrong.get("/v1/severities").status());
            }
            Api right = new Api(simulator.baseUrl(), "k");
            assertEquals(200, right.get("/v1/severities").status());
            assertEquals(200, right.get("/v1/severities").status());
            assertEquals(429, right.get("/v1/severities").status());
        }
    }
}
