package io.incidentsync.simulator;

import java.util.List;

/** A small deterministic generator: the same (seed, stream, index) always yields the same sequence. */
final class Rand {
    private long state;

    Rand(long seed, long stream, long index) {
        state = mix(mix(seed ^ 0x5DEECE66DL) + mix(stream * 0x9E3779B97F4A7C15L) + index);
    }

    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state = mix(state);
        return state;
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    int between(int lowInclusive, int highInclusive) {
        return lowInclusive + nextInt(highInclusive - lowInclusive + 1);
    }

    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    boolean chance(double probability) {
        return nextDouble() < probability;
    }

    <T> T pick(List<T> items) {
        return items.get(nextInt(items.size()));
    }
}
