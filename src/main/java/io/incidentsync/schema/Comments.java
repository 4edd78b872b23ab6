package io.incidentsync.schema;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a table or column holds and where it comes from, as the comment the product puts on it ({@code COMMENT ON}
 * or the database's equivalent), written from the catalog's facts: the endpoint and the field's path in the
 * record, its type, whether it is a key, and which table it joins to. SQL tools show these beside the names.
 */
public final class Comments {

    /** Columns the product fills itself, by name. */
    private static final Map<String, String> PRODUCT = Map.of(
            "_sdc_extracted_at", "when the sync that wrote the row started (UTC); written by the product",
            "_sdc_undeclared", "JSON object of the record's fields that incident.io's description does not declare, by"
                    + " path; null when none",
            "updates", "JSON array of the incident's incident_updates rows, in id order; written by the product",
            "actions", "JSON array of the incident's actions rows, in id order; written by the product");

    /** Objects whose name is not a table's: the table their id joins. */
    private static final Map<String, String> JOINS = Map.ofEntries(
            Map.entry("user", "users"), Map.entry("assignee", "users"), Map.entry("updater", "users"),
            Map.entry("creator", "users"), Map.entry("reporter", "users"), Map.entry("lead", "users"),
            Map.entry("role", "incident_roles"), Map.entry("status", "incident_statuses"),
            Map.entry("incident_status", "incident_statuses"), Map.entry("new_incident_status", "incident_statuses"),
            Map.entry("value_option", "custom_field_options"), Map.entry("value_catalog_entry", "catalog_entries"),
            Map.entry("catalog_entry", "catalog_entries"), Map.entry("new_severity", "severities"),
            Map.entry("incident_timestamp", "incident_timestamps"), Map.entry("option", "custom_field_options"));

    private Comments() {
    }

    /** A listed table's comment. */
    public static String table(String table, String endpoint, List<String> key) {
        return "incident.io GET " + endpoint + ": one row per record; primary key " + String.join(", ", key)
                + ". Written by incident-io-sync, replaced whole by each sync";
    }

    /** A child table's comment: one row per element of an array (or entry of a map) of its parent. */
    public static String child(String endpoint, String parent, String field, boolean map, List<String> key) {
        return "incident.io GET " + endpoint + ": one row per " + (map ? "entry of the map " : "element of the array ")
                + field + " of " + parent + "; joins " + parent + " on " + String.join(", ", key.stream()
                .filter(k -> k.startsWith("_sdc_source_key_")).map(k -> k + " = " + k.substring("_sdc_source_key_".length()))
                .toList()) + "; primary key " + String.join(", ", key);
    }

    /** A column's comment; {@code path} is the field's place in the record ({@code custom_field_entries[].values[].value_text}). */
    public static String column(String endpoint, String path, Catalog.Column c, boolean key, Collection<String> tables) {
        StringBuilder out = new StringBuilder("incident.io GET ").append(endpoint).append(": ").append(path).append(", ")
                .append(c.type() == null ? "typed by its first value (the description gives no type)"
                        : c.type().name().toLowerCase(Locale.ROOT));
        if (c.array()) {
            out.append(" (the array as JSON; its elements are rows of a child table)");
        } else if (c.map()) {
            out.append(" (the map as JSON; its entries are rows of a child table)");
        }
        if (key) {
            out.append("; primary key");
        }
        String joins = joins(c.path(), tables);
        if (joins != null) {
            out.append("; joins ").append(joins).append(".id");
        }
        return out.toString();
    }

    /** A column the product fills: its comment, or null for one it does not know. */
    public static String product(String column, String endpoint) {
        if (PRODUCT.containsKey(column)) {
            return PRODUCT.get(column);
        }
        if (column.startsWith("_sdc_source_key_")) {
            return "the parent record's " + column.substring("_sdc_source_key_".length()) + "; written by the product";
        }
        if (column.startsWith("_sdc_level_")) {
            return "the element's position in its array, from 0 (level " + column.replaceAll("\\D", "") + " down)";
        }
        if (column.startsWith("map_key")) {
            return "the key of the map's entry (for attribute_values, the attribute id)";
        }
        return null;
    }

    /** The table a column ending in {@code id} joins: {@code severity__id} joins severities, {@code incident_id} incidents. */
    static String joins(String path, Collection<String> tables) {
        String[] parts = path.split("__");
        String last = parts[parts.length - 1];
        String object;
        if (last.equals("id") && parts.length > 1) {
            object = parts[parts.length - 2];
        } else if (last.endsWith("_id") && last.length() > 3) {
            object = last.substring(0, last.length() - 3);
        } else {
            return null;
        }
        for (String name : new String[] {JOINS.get(object), object + "s", object.replaceAll("y$", "ies"), object + "es"}) {
            if (name != null && tables.contains(name)) {
                return name;
            }
        }
        return null;
    }

    /** Text as an SQL string literal. */
    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
