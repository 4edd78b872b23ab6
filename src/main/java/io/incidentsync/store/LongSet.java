package io.incidentsync.store;

/**
 * A set of 64-bit values in one array (open addressing, linear probing, at most half full): 8 to 16
 * bytes a value, where a {@code HashSet<Long>} takes about 56 (a boxed Long and a map node each).
 * Used for one value per record of a table, so its size follows the table's row count.
 */
final class LongSet {

    private static final int MIN_CAPACITY = 16;

    private long[] slots = new long[MIN_CAPACITY];
    /** 0 marks an empty slot, so the value 0 is kept aside. */
    private boolean hasZero;
    private int size;

    /** Adds value; false when it was already there. */
    boolean add(long value) {
        if (value == 0) {
            if (hasZero) {
                return false;
            }
            hasZero = true;
            size++;
            return true;
        }
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        if (!insert(slots, value)) {
            return false;
        }
        size++;
        return true;
    }

    boolean contains(long value) {
        if (value == 0) {
            return hasZero;
        }
        int mask = slots.length - 1;
        for (int i = slot(value, mask); ; i = (i + 1) & mask) {
            if (slots[i] == value) {
                return true;
            }
            if (slots[i] == 0) {
                return false;
            }
        }
    }

    int size() {
        return size;
    }

    private static boolean insert(long[] into, long value) {
        int mask = into.length - 1;
        for (int i = slot(value, mask); ; i = (i + 1) & mask) {
            if (into[i] == value) {
                return false;
            }
            if (into[i] == 0) {
                into[i] = value;
                return true;
            }
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long value : slots) {
            if (value != 0) {
                insert(bigger, value);
            }
        }
        slots = bigger;
    }

    /** The value's bits mixed (the finaliser of MurmurHash3), so values alike in their low bits spread out. */
    private static int slot(long value, int mask) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
