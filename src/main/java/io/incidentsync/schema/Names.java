package io.incidentsync.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * The one rule that fits a table or column name into 63 characters (PostgreSQL keeps 63 bytes, MariaDB and
 * MySQL 64), readably, and never with a hash: a name is parts joined by {@code __}
 * ({@code workflows__expressions__operations__branches}); while it is too long, the parts but the first and the
 * last, from the left, have each of their words (split at {@code _}) cut to three letters
 * ({@code condition_groups} becomes {@code con_gro}); then the first part is; then, from the left, those parts
 * are cut to their words' initials ({@code cg}); then the last part's words are cut to three letters. A name
 * that still does not fit is cut at the limit, which no name of the catalog needs ({@code NamesTest} checks
 * every table and column of it, and that no two of a table's names become one).
 */
public final class Names {

    /** Identifiers at most this long fit every destination. */
    public static final int MAX = 63;

    private Names() {
    }

    /** The name, shortened by the rule to at most 63 characters. */
    public static String fit(String name) {
        return fit(name, MAX);
    }

    /** The name of a table made from another's: {@code incidents} and {@code custom_field_entries}. */
    public static String child(String table, String column) {
        return fit(table + "__" + column);
    }

    /** A name the product makes for its own use from a table's ({@code _sdc_stage_} and the table), fitted. */
    public static String prefixed(String prefix, String name) {
        return prefix + fit(name, MAX - prefix.length());
    }

    /** The name, shortened by the rule to at most {@code max} characters. */
    public static String fit(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        String[] parts = name.split("__", -1);
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i < parts.length - 1; i++) {
            order.add(i);
        }
        if (parts.length > 1) {
            order.add(0);
        }
        for (int letters : new int[] {3, 1}) {
            for (int i : order) {
                parts[i] = cut(parts[i], letters);
                String joined = String.join("__", parts);
                if (joined.length() <= max) {
                    return joined;
                }
            }
        }
        parts[parts.length - 1] = cut(parts[parts.length - 1], 3);
        String joined = String.join("__", parts);
        return joined.length() <= max ? joined : joined.substring(0, max);
    }

    /** Each word of a part cut to its first letters; empty words (a leading underscore) stay empty. */
    private static String cut(String part, int letters) {
        String[] words = part.split("_", -1);
        for (int i = 0; i < words.length; i++) {
            words[i] = words[i].substring(0, Math.min(letters, words[i].length()));
        }
        return String.join("_", words);
    }
}
