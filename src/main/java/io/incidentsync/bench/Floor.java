package io.incidentsync.bench;

import java.util.List;

/**
 * The least wall time a sync can take for a given set of requests: no sync can beat the API's token
 * buckets, the round trip of each request, or the number of listings it walks at once. Writing is
 * taken to cost nothing, so the floor is what the network alone allows.
 */
public final class Floor {

    /** A table's requests, which its sync makes one after another (a cursor needs the page before it). */
    public record Chain(String table, long requests, boolean incidentsBucket) {
    }

    /**
     * The rate limits as the API states them (per minute, bucket capacity a minute's worth, full at the
     * start) and the time scale that speeds up their refill.
     */
    public record Limits(double keyPerMinute, double incidentsPerMinute, double timeScale) {
        double keyPerSecond() {
            return keyPerMinute * timeScale / 60;
        }

        double incidentsPerSecond() {
            return incidentsPerMinute * timeScale / 60;
        }
    }

    private Floor() {
    }

    public static long requests(List<Chain> chains) {
        return chains.stream().mapToLong(Chain::requests).sum();
    }

    /** The largest of {@link #latencyBound}, {@link #keyBucketBound} and {@link #incidentsBound}. */
    public static double seconds(List<Chain> chains, double latencySeconds, int concurrency, Limits limits) {
        return Math.max(latencyBound(chains, latencySeconds, concurrency),
                Math.max(keyBucketBound(requests(chains), latencySeconds, limits),
                        incidentsBound(chains, latencySeconds, limits)));
    }

    /** Every request takes a round trip; no table is faster than its own chain, and at most {@code concurrency} run at once. */
    static double latencyBound(List<Chain> chains, double latencySeconds, int concurrency) {
        long longest = chains.stream().mapToLong(Chain::requests).max().orElse(0);
        return Math.max(longest * latencySeconds, requests(chains) * latencySeconds / concurrency);
    }

    /** The last of Q requests needs the key bucket's Q-th token: Q minus the full bucket, refilled at the key's rate. */
    static double keyBucketBound(long requests, double latencySeconds, Limits limits) {
        return Math.max(0, requests - limits.keyPerMinute()) / limits.keyPerSecond() + latencySeconds;
    }

    /**
     * The incidents listing pages one after another through its own bucket: page k is sent no sooner
     * than a round trip after page k-1, nor before that bucket holds its k-th token.
     */
    static double incidentsBound(List<Chain> chains, double latencySeconds, Limits limits) {
        long pages = chains.stream().filter(Chain::incidentsBucket).mapToLong(Chain::requests).sum();
        if (pages == 0) {
            return 0;
        }
        double sent = 0;
        for (long k = 2; k <= pages; k++) {
            double token = Math.max(0, k - limits.incidentsPerMinute()) / limits.incidentsPerSecond();
            sent = Math.max(sent + latencySeconds, token);
        }
        return sent + latencySeconds;
    }
}
