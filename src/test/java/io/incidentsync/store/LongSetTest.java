package io.incidentsync.store;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongSetTest {

    @Test
    void agreesWithAHashSetOverManyValuesWithRepeatsZeroAndExtremes() {
        LongSet set = new LongSet();
        Set<Long> oracle = new HashSet<>();
        Random random = new Random(42);
        long[] special = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, 1L << 40};
        for (int i = 0; i < 300_000; i++) {
            long value = i % 1000 == 0 ? special[(i / 1000) % special.length]
                    // a narrow range, so values repeat; and multiples of 2^20, alike in their low bits
                    : i % 3 == 0 ? random.nextInt(50_000) : i % 3 == 1 ? ((long) random.nextInt(5_000)) << 20 : random.nextLong();
            assertEquals(oracle.add(value), set.add(value), "add " + value);
        }
        assertEquals(oracle.size(), set.size());
        for (long value : oracle) {
            assertTrue(set.contains(value), "contains " + value);
        }
        for (int i = 0; i < 10_000; i++) {
            long value = random.nextLong();
            assertEquals(oracle.contains(value), set.contains(value));
        }
    }

    @Test
    void zeroIsAValueLikeAnyOther() {
        LongSet set = new LongSet();
        assertFalse(set.contains(0));
        assertTrue(set.add(0));
        assertFalse(set.add(0));
        assertTrue(set.contains(0));
        assertEquals(1, set.size());
    }
}
