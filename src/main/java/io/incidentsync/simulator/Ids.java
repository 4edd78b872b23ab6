package io.incidentsync.simulator;

/**
 * ULID-like ids: 26 Crockford base32 characters. The first 16 are fixed per table and seed, the last 10 are the
 * record's index, so ids sort in index order and {@code after=<id>} finds its place without a lookup.
 */
final class Ids {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final int INDEX_CHARS = 10;

    private final String prefix;

    /** tableCode tells tables apart so no two records of the whole data set share an id. */
    Ids(long seed, int tableCode) {
        long millis = 1_700_000_000_000L + Math.floorMod(Rand.mix(seed), 30L * 86_400_000L) + tableCode * 1000L;
        prefix = encode(millis, 10) + encode(Math.floorMod(Rand.mix(seed * 31 + tableCode), 1L << 30), 6);
    }

    String id(long index) {
        return prefix + encode(index, INDEX_CHARS);
    }

    /** The index an id of this table encodes, or -1 when it is not one of this table's ids. */
    long index(String id) {
        if (id == null || id.length() != prefix.length() + INDEX_CHARS || !id.startsWith(prefix)) {
            return -1;
        }
        long value = 0;
        for (int i = prefix.length(); i < id.length(); i++) {
            int digit = digit(id.charAt(i));
            if (digit < 0) {
                return -1;
            }
            value = value * 32 + digit;
        }
        return value;
    }

    static String encode(long value, int width) {
        char[] out = new char[width];
        for (int i = width - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (value & 31)];
            value >>>= 5;
        }
        return new String(out);
    }

    private static int digit(char c) {
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
