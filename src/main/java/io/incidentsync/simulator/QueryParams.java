package io.incidentsync.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A query string: names and values URI-decoded (so mode%5Bone_of%5D is mode[one_of]), repeated names kept. */
final class QueryParams {
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    QueryParams(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return text;
        }
    }

    /** The first value, or null when the parameter is absent. */
    String first(String name) {
        List<String> all = values.get(name);
        return all == null ? null : all.get(0);
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The operators used with a bracketed filter, e.g. {one_of=[a, b]} for mode[one_of]=a&mode[one_of]=b. */
    Map<String, List<String>> filter(String name) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String prefix = name + "[";
        values.forEach((key, list) -> {
            if (key.startsWith(prefix) && key.endsWith("]")) {
                out.put(key.substring(prefix.length(), key.length() - 1), list);
            }
        });
        return out;
    }
}
