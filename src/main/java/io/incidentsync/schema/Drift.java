package io.incidentsync.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What differs between a committed JSON document (the catalog, the facts) and the one derived afresh, one line per
 * difference, named as a reader of incident.io's description would name it: "path /v2/foo added", "schema AlertV2
 * properties status type: string, now integer", "listing /v2/alerts column status removed". Objects are compared
 * key by key; arrays of named objects (parameters, columns) name by name; arrays of values (enum, required) value
 * by value.
 */
public final class Drift {

    private final List<String> lines = new ArrayList<>();

    private Drift() {
    }

    /** The differences from committed to derived, each line starting with the file's name. */
    public static List<String> between(String file, JsonNode committed, JsonNode derived) {
        Drift drift = new Drift();
        drift.compare(file + ": ", "", committed, derived);
        return drift.lines;
    }

    private void compare(String file, String where, JsonNode before, JsonNode after) {
        if (before.equals(after)) {
            return;
        }
        if (before.isObject() && after.isObject()) {
            compareNamed(file, name -> child(where, name), fields(before), fields(after));
        } else if (before.isArray() && after.isArray() && named(before) && named(after)
                && (!before.isEmpty() || !after.isEmpty())) {
            Map<String, JsonNode> was = byName(before);
            Map<String, JsonNode> now = byName(after);
            compareNamed(file, name -> singular(where) + " " + name, was, now);
            if (was.keySet().equals(now.keySet()) && !List.copyOf(was.keySet()).equals(List.copyOf(now.keySet()))) {
                lines.add(file + where + ": order changed");
            }
        } else if (before.isArray() && after.isArray() && values(before) && values(after)) {
            Set<String> was = texts(before);
            Set<String> now = texts(after);
            now.stream().filter(v -> !was.contains(v)).forEach(v -> lines.add(file + where + ": " + v + " added"));
            was.stream().filter(v -> !now.contains(v)).forEach(v -> lines.add(file + where + ": " + v + " removed"));
            if (was.equals(now)) {
                lines.add(file + where + ": order changed");
            }
        } else {
            lines.add(file + where + ": " + brief(before) + ", now " + brief(after));
        }
    }

    private void compareNamed(String file, Function<String, String> at, Map<String, JsonNode> was,
                              Map<String, JsonNode> now) {
        Set<String> names = new LinkedHashSet<>(was.keySet());
        names.addAll(now.keySet());
        for (String name : names) {
            if (!now.containsKey(name)) {
                lines.add(file + at.apply(name) + " removed");
            } else if (!was.containsKey(name)) {
                lines.add(file + at.apply(name) + " added");
            } else {
                compare(file, at.apply(name), was.get(name), now.get(name));
            }
        }
    }

    /** paths and schemas are maps of names: "path /v2/foo", "schema AlertV2", "webhook ..." read better. */
    private static String child(String where, String name) {
        switch (where) {
            case "":
                return name.startsWith("/") ? "listing " + name : name;
            case "paths":
                return "path " + name;
            case "components schemas":
                return "schema " + name;
            case "x-webhooks":
                return "webhook " + name.substring(name.lastIndexOf('/') + 1);
            default:
                return where + " " + name;
        }
    }

    /** "... parameters" holds parameters, each named "... parameter page_size". */
    private static String singular(String where) {
        return where.endsWith("s") ? where.substring(0, where.length() - 1) : where;
    }

    /** Every element an object with its own name; an empty list is a list of nothing named. */
    private static boolean named(JsonNode array) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode element : array) {
            if (!element.path("name").isTextual() || !names.add(element.get("name").asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean values(JsonNode array) {
        for (JsonNode element : array) {
            if (element.isContainerNode()) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, JsonNode> fields(JsonNode object) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static Map<String, JsonNode> byName(JsonNode array) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        array.forEach(element -> out.put(element.get("name").asText(), element));
        return out;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        array.forEach(element -> out.add(element.toString()));
        return out;
    }

    private static String brief(JsonNode value) {
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "a list of " + value.size();
        }
        return value.toString();
    }
}
