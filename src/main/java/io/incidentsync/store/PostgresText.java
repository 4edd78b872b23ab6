package io.incidentsync.store;

/**
 * Text as PostgreSQL can store it. It cannot hold U+0000 in {@code text}, nor the escape <code>&#92;u0000</code>
 * in {@code jsonb}; it rejects a surrogate escape that is not half of a pair in {@code jsonb}; and its
 * driver sends a lone surrogate character as {@code ?}. Each of these becomes U+FFFD, the replacement
 * character a UTF-8 decoder puts in place of what it cannot decode; every other character is kept.
 * Every value of every row passes through here, so text with nothing to replace is returned as it is
 * after one scan, with nothing allocated.
 */
final class PostgresText {

    private static final char REPLACEMENT = '\uFFFD';

    private PostgresText() {
    }

    /** A {@code text} value: NUL and lone surrogates replaced. */
    static String text(String value) {
        char[] out = replaceCharacters(value, null, true);
        return out == null ? value : new String(out);
    }

    /**
     * A MariaDB or MySQL text value: lone surrogates replaced (the driver would send each as {@code ?});
     * NUL is kept, as those databases store it.
     */
    static String textKeepingNul(String value) {
        char[] out = replaceCharacters(value, null, false);
        return out == null ? value : new String(out);
    }

    /**
     * JSON text for a MariaDB or MySQL JSON column: lone surrogate characters and escapes replaced (their
     * JSON_VALID check refuses such an escape); NUL escapes are kept, as those databases store them.
     */
    static String jsonKeepingNul(String value) {
        char[] out = replaceEscapes(value, replaceCharacters(value, null, false), false);
        return out == null ? value : new String(out);
    }

    /**
     * JSON text for a {@code jsonb} value: the escapes <code>&#92;u0000</code> and lone surrogate escapes
     * become <code>&#92;ufffd</code>, and NUL or lone surrogate characters U+FFFD. The text keeps its
     * length. Escapes are ASCII, so the two kinds are found in two separate (and fast) passes.
     */
    static String json(String value) {
        char[] out = replaceEscapes(value, replaceCharacters(value, null, true), true);
        return out == null ? value : new String(out);
    }

    /** Writes U+FFFD over NUL and lone surrogate characters, into {@code out} or, at the first, a copy. */
    private static char[] replaceCharacters(String value, char[] out, boolean nul) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if ((nul && c == 0) || Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                if (out == null) {
                    out = value.toCharArray();
                }
                out[i] = REPLACEMENT;
            }
        }
        return out;
    }

    /**
     * Rewrites the NUL and lone surrogate escapes to <code>&#92;ufffd</code>. Backslashes only occur in
     * JSON strings, each starting an escape, so going from escape to escape tells
     * <code>&#92;&#92;u0000</code> (a backslash, then the text u0000) from <code>&#92;u0000</code>.
     */
    private static char[] replaceEscapes(String value, char[] out, boolean nul) {
        for (int i = value.indexOf('\\'); i >= 0; i = value.indexOf('\\', i)) {
            int unit = escaped(value, i);
            if (unit < 0) {
                // a two-character escape such as \\ or \"
                i += 2;
                continue;
            }
            int next = escaped(value, i + 6);
            if (Character.isHighSurrogate((char) unit) && next >= 0 && Character.isLowSurrogate((char) next)) {
                i += 12;
                continue;
            }
            if ((nul && unit == 0) || Character.isSurrogate((char) unit)) {
                if (out == null) {
                    out = value.toCharArray();
                }
                out[i + 2] = 'f';
                out[i + 3] = 'f';
                out[i + 4] = 'f';
                out[i + 5] = 'd';
            }
            i += 6;
        }
        return out;
    }

    /** The code unit of the escape <code>&#92;uXXXX</code> at {@code at}, or -1 when there is none there. */
    private static int escaped(String value, int at) {
        if (at + 6 > value.length() || value.charAt(at) != '\\' || value.charAt(at + 1) != 'u') {
            return -1;
        }
        int unit = 0;
        for (int k = at + 2; k < at + 6; k++) {
            int digit = Character.digit(value.charAt(k), 16);
            if (digit < 0) {
                return -1;
            }
            unit = unit * 16 + digit;
        }
        return unit;
    }
}
