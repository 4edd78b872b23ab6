package io.incidentsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidentsync.schema.Catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of the records that are never written anywhere: not to a column, not inside a JSON column, not to a
 * destination. Always {@code alert_sources.secret_token}, the token that lets whoever holds it post alerts into the
 * account; and whatever {@code incident.columns.exclude} names, as {@code table.column} in the tables' own names: a
 * column of a table ({@code incidents.creator__user__email}, or {@code incidents.creator} for all of it) or of a
 * child table ({@code incidents__incident_role_assignments.assignee__email}). A field is removed from its record
 * before the record goes anywhere, and every value around it forgets its source text, so that a JSON column that
 * held it is written from what is left.
 */
public final class LeftOut {

    /** Left out whatever the settings say. */
    public static final List<String> ALWAYS = List.of("alert_sources.secret_token");

    /** By the table whose listing the records come from: the paths of the fields to remove, segment by segment. */
    private final Map<String, List<List<String>>> paths = new HashMap<>();

    /**
     * {@code named}: entries {@code table.column}, each table one of {@code tables} or a child table of one
     * ({@code table__...}), as {@code Settings} has checked.
     */
    public LeftOut(Collection<String> named, Collection<String> tables) {
        List<String> all = new ArrayList<>(ALWAYS);
        all.addAll(named);
        for (String entry : all) {
            int dot = entry.indexOf('.');
            String root = dot > 0 ? rootOf(entry.substring(0, dot), tables) : null;
            if (root == null || dot == entry.length() - 1) {
                throw new IllegalArgumentException("'" + entry + "' in incident.columns.exclude is not table.column of "
                        + "one of our tables or their child tables");
            }
            String table = entry.substring(0, dot);
            List<String> path = new ArrayList<>();
            if (table.length() > root.length()) {
                path.addAll(List.of(table.substring(root.length() + 2).split("__")));
            }
            path.addAll(List.of(entry.substring(dot + 1).split("__")));
            paths.computeIfAbsent(root, k -> new ArrayList<>()).add(path);
        }
    }

    /** The listed table {@code table} is, or is a child table of: the longest that matches; null for none. */
    public static String rootOf(String table, Collection<String> tables) {
        String best = null;
        for (String t : tables) {
            if ((table.equals(t) || table.startsWith(t + "__")) && (best == null || t.length() > best.length())) {
                best = t;
            }
        }
        return best;
    }

    /** The catalog's columns of {@code table} without the ones left out (and the flattened columns of one). */
    public List<Catalog.Column> columns(String table, List<Catalog.Column> columns) {
        List<String> gone = new ArrayList<>();
        for (List<String> path : paths.getOrDefault(table, List.of())) {
            gone.add(String.join("__", path));
        }
        if (gone.isEmpty()) {
            return columns;
        }
        return columns.stream().filter(c -> gone.stream().noneMatch(g -> c.name().equals(g) || c.name().startsWith(g + "__")))
                .toList();
    }

    /** The listing of {@code table} without the columns left out, in its own columns and its child tables'. */
    public Catalog.Listing listing(String table, Catalog.Listing listing) {
        List<String> gone = new ArrayList<>();
        for (List<String> path : paths.getOrDefault(table, List.of())) {
            gone.add(String.join("__", path));
        }
        if (gone.isEmpty()) {
            return listing;
        }
        List<Catalog.Child> children = new ArrayList<>();
        for (Catalog.Child child : listing.children()) {
            String above = String.join("__", child.steps()) + "__";
            children.add(new Catalog.Child(child.steps(), child.map(), child.scalars(), child.columns().stream()
                    .filter(c -> gone.stream().noneMatch(g -> (above + c.path()).equals(g) || (above + c.path()).startsWith(g + "__")))
                    .toList()));
        }
        return listing.with(columns(table, listing.columns()), children);
    }

    /** Removes the fields left out from one record of {@code table}'s listing. */
    public void apply(String table, ObjectNode record) {
        for (List<String> path : paths.getOrDefault(table, List.of())) {
            remove(record, path, 0);
        }
    }

    /**
     * Removes {@code path} from segment {@code i} on below {@code node}, in every element of an array on the way;
     * true when anything was removed, and then {@code node} forgets its source text.
     */
    private static boolean remove(JsonNode node, List<String> path, int i) {
        boolean removed = false;
        if (node.isArray()) {
            for (JsonNode element : node) {
                removed |= remove(element, path, i);
            }
        } else if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            String field = path.get(i);
            if (i == path.size() - 1) {
                removed = object.remove(field) != null;
            } else {
                JsonNode child = object.get(field);
                removed = child != null && remove(child, path, i + 1);
            }
        }
        if (removed) {
            SourceTree.forget(node);
        }
        return removed;
    }
}
