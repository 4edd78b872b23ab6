package io.incidentsync.store;

import io.incidentsync.schema.Catalog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The columns incident.io's description declares for one table (a listing's, or a child table's), by the
 * field's path: only these become columns, so the tables and columns follow from the description and the
 * settings, never from what an account's records hold. A field the description does not declare (one the API
 * added since, or a key of an object that is no map) goes, whole, into the table's {@code _sdc_undeclared}
 * JSON column, under its path: nothing is lost, and nothing is named after data.
 */
final class Declared {

    /** The JSON column of the fields a record has that the description does not declare. */
    static final String UNDECLARED = "_sdc_undeclared";

    private final Map<String, Catalog.Column> byPath = new HashMap<>();
    private final Set<String> whole = new HashSet<>();
    /** Each path list the flattener handed over, by identity, with its declared column (empty: none). */
    private final Map<List<String>, Optional<Catalog.Column>> seen = new IdentityHashMap<>();
    /** A map keyed by data has a path list per key: past this many, paths are looked up each time. */
    private static final int MAX_SEEN = 10_000;

    Declared(List<Catalog.Column> columns) {
        for (Catalog.Column c : columns) {
            byPath.put(c.path(), c);
            if (c.whole() || c.map()) {
                whole.add(c.path());
            }
        }
    }

    /** The paths (joined by {@code __}) of the columns whose objects are kept whole. */
    Set<String> whole() {
        return whole;
    }

    /**
     * The declared column of a field the flattener hands over, or null when there is none: the value (unless
     * null) then goes into {@code undeclared}.
     */
    Catalog.Column place(List<String> path, String column, JsonNode value, Fields undeclared) {
        Catalog.Column c = null;
        if (column != null) {
            // the flattener hands over the same path list for a field every record: looked up once, not joined each time
            Optional<Catalog.Column> known = seen.get(path);
            if (known == null) {
                known = Optional.ofNullable(byPath.get(String.join("__", path)));
                if (seen.size() < MAX_SEEN) {
                    seen.put(path, known);
                }
            }
            c = known.orElse(null);
        }
        if (c == null && !value.isNull()) {
            undeclared.put(path, value);
        }
        return c;
    }

    /** A record's undeclared fields, built up as the flattener hands them over. */
    static final class Fields {
        private ObjectNode root;

        void put(List<String> path, JsonNode value) {
            if (root == null) {
                root = JsonNodeFactory.instance.objectNode();
            }
            ObjectNode at = root;
            for (int i = 0; i < path.size() - 1; i++) {
                JsonNode next = at.get(path.get(i));
                at = next instanceof ObjectNode object ? object : at.putObject(path.get(i));
            }
            at.set(path.get(path.size() - 1), value);
        }

        /** The fields as one JSON object, or null when there were none. */
        JsonNode take() {
            JsonNode out = root;
            root = null;
            return out;
        }
    }
}
