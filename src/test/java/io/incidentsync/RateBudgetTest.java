package io.incidentsync;

import io.incidentsync.simulator.SimulatorConfig;
import io.incidentsync.api.RateBudget;
import io.incidentsync.run.SyncRun;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our side of the rate limits: one budget for the key, one per limited endpoint, shared by every stream. */
class RateBudgetTest {

    @Test
    void fourStreamsWithinTheSameBudgetAsTheSimulatorsMeetNo429AndArePacedByIt() throws Exception {
        // Real time on both sides, so the buckets have the same size and refill: 40 a minute for the key.
        // A full sync needs more requests than the bucket holds, so the budget must pace the rest.
        int perMinute = 40;
        try (SyncHarness h = SyncHarness.startOnConfigClock(new SimulatorConfig().seed(1).incidents(300)
                .keyRatePerMinute(perMinute))) {
            h.settings.put("incident.rate.per-minute", Integer.toString(perMinute));
            h.settings.put("incident.rate.incidents-per-minute", "60");
            long started = System.nanoTime();
            SyncRun run = h.sync(SyncHarness.PRIVATE_KEY);
            double seconds = (System.nanoTime() - started) / 1e9;

            assertTrue(run.ok(), run.summary());
            assertEquals(0, h.simulator.rateLimited(), "no 429");
            long requests = h.simulator.totalRequests();
            double minimum = (requests - perMinute) * 60.0 / perMinute;
            assertTrue(minimum >= 5, "the sync makes " + requests + " requests: too few to empty the bucket");
            assertTrue(seconds >= minimum - 0.5, "took " + seconds + " s; the bucket allows no less than " + minimum + " s");
            assertEquals(4, mostAtOnce(run), "four tables synced at once");
            for (String table : OracleComparison.KEYS.keySet()) {
                OracleComparison.assertTableEquals(h, table, true);
            }
        }
    }

    /**
     * On a clock ten times faster (the bench's time scale 10) the API's bucket keeps its depth of 60:
     * the budget's window shrinks with it, to 59 at once and then the refill, instead of a real
     * minute's 590.
     */
    @Test
    void aShorterWindowHoldsFewerRequestsAtOnce() throws Exception {
        RateBudget scaled = new RateBudget(600, Map.of("/v2/incidents", 600.0), 6);
        long started = System.nanoTime();
        for (int i = 0; i < 60; i++) {
            scaled.acquire("/v2/incidents");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(seconds >= 0.09, "59 at once, the 60th a tenth of a second later; took " + seconds + " s");

        RateBudget minute = new RateBudget(600, Map.of("/v2/incidents", 600.0));
        started = System.nanoTime();
        for (int i = 0; i < 590; i++) {
            minute.acquire("/v2/incidents");
        }
        seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(seconds < 1, "a minute's window holds 590 at once; took " + seconds + " s");
    }

    @Test
    void anEndpointsBudgetPacesItsRequestsWithoutHoldingUpOtherEndpoints() throws Exception {
        RateBudget budget = new RateBudget(6000, Map.of("/v2/incidents", 60.0));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            long started = System.nanoTime();
            List<Future<?>> incidents = new ArrayList<>();
            for (int stream = 0; stream < 3; stream++) {
                incidents.add(pool.submit(() -> {
                    for (int i = 0; i < 21; i++) {
                        budget.acquire("/v2/incidents");
                    }
                    return null;
                }));
            }
            Future<Double> others = pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    budget.acquire("/v2/users");
                }
                return (System.nanoTime() - started) / 1e9;
            });
            assertTrue(others.get() < 1, "other endpoints were held up for " + others.get() + " s");
            for (Future<?> f : incidents) {
                f.get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            // 63 requests from a bucket of 60 refilled at one a second
            assertTrue(seconds >= 2.9 && seconds < 6, "63 incidents requests took " + seconds + " s");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theKeysBudgetIsSharedByEveryEndpoint() throws Exception {
        RateBudget budget = new RateBudget(120, Map.of("/v2/incidents", 6000.0));
        long started = System.nanoTime();
        for (int i = 0; i < 62; i++) {
            budget.acquire(i % 2 == 0 ? "/v2/incidents" : "/v2/users");
        }
        assertTrue((System.nanoTime() - started) / 1e9 < 0.5, "a full bucket gives at once");
        for (int i = 0; i < 60; i++) {
            budget.acquire(i % 2 == 0 ? "/v2/incidents" : "/v1/severities");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // 122 requests from a bucket of 120 refilled at two a second
        assertTrue(seconds >= 0.9 && seconds < 3, "took " + seconds + " s");
    }

    /** The most tables of the run that were syncing at the same moment. */
    static int mostAtOnce(SyncRun run) {
        int most = 0;
        for (SyncRun.Result r : run.results()) {
            Instant at = r.started().toInstant();
            int running = 0;
            for (SyncRun.Result other : run.results()) {
                if (!other.started().toInstant().isAfter(at) && other.finished().toInstant().isAfter(at)) {
                    running++;
                }
            }
            most = Math.max(most, running);
        }
        return most;
    }
}
