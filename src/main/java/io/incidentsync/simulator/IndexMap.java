package io.incidentsync.simulator;

import java.util.function.ObjIntConsumer;

/**
 * A map from record index to value that copies in O(largest index / 64): values sit in chunks of 64, and a copy
 * shares every chunk until it writes to one. Each change batch copies the whole state it changes, so a plain
 * HashMap copy would make the thousandth batch a thousand times dearer than the first.
 *
 * <p>Not thread-safe while written; {@link Overlay} writes one only before publishing it, and never after.
 */
final class IndexMap<V> {
    private static final int SHIFT = 6;
    private static final int MASK = (1 << SHIFT) - 1;

    private Object[][] chunks = new Object[0][];
    /** Which chunks this map already cloned for itself, so may write in place. */
    private boolean[] own = new boolean[0];
    private int size;

    /** A copy sharing every chunk; writes to either clone the chunk they touch first. */
    IndexMap<V> copy() {
        IndexMap<V> out = new IndexMap<>();
        out.chunks = chunks.clone();
        out.own = new boolean[chunks.length];
        out.size = size;
        // this map shares its chunks now too: it must not write in place either
        own = new boolean[chunks.length];
        return out;
    }

    @SuppressWarnings("unchecked")
    V get(int index) {
        int c = index >>> SHIFT;
        if (size == 0 || c >= chunks.length || chunks[c] == null) {
            return null;
        }
        return (V) chunks[c][index & MASK];
    }

    boolean containsKey(int index) {
        return get(index) != null;
    }

    /** Sets a value; null values are not stored (get answers null for "absent"). */
    void put(int index, V value) {
        if (value == null) {
            throw new IllegalArgumentException("an IndexMap holds no nulls");
        }
        int c = index >>> SHIFT;
        if (c >= chunks.length) {
            int length = Math.max(c + 1, chunks.length * 2);
            chunks = java.util.Arrays.copyOf(chunks, length);
            own = java.util.Arrays.copyOf(own, length);
        }
        if (!own[c]) {
            chunks[c] = chunks[c] == null ? new Object[MASK + 1] : chunks[c].clone();
            own[c] = true;
        }
        if (chunks[c][index & MASK] == null) {
            size++;
        }
        chunks[c][index & MASK] = value;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Every entry, in ascending index order. */
    @SuppressWarnings("unchecked")
    void forEach(ObjIntConsumer<V> action) {
        for (int c = 0; c < chunks.length; c++) {
            Object[] chunk = chunks[c];
            if (chunk == null) {
                continue;
            }
            for (int k = 0; k <= MASK; k++) {
                if (chunk[k] != null) {
                    action.accept((V) chunk[k], (c << SHIFT) | k);
                }
            }
        }
    }
}
