package io.incidentsync.store;

import io.incidentsync.schema.Catalog;
import io.incidentsync.schema.CatalogGenerator;
import io.incidentsync.schema.ColumnType;
import io.incidentsync.schema.Comments;
import io.incidentsync.run.Streams;
import io.incidentsync.schema.Names;
import io.incidentsync.schema.RecordFlattener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A table's arrays and maps as child tables, the ones incident.io's description declares (the catalog's
 * children), whatever the records hold: the array {@code custom_field_entries} of {@code incidents} becomes
 * {@code incidents__custom_field_entries}, one row per element, keyed by the parent's primary key
 * ({@code _sdc_source_key_id}) and the element's position ({@code _sdc_level_0_id}); an element's fields are
 * flattened as a parent's are; an array inside an element becomes the next table down
 * ({@code incidents__custom_field_entries__values}, adding {@code _sdc_level_1_id}); an element that is no
 * object is a {@code value} column. A map (an object keyed by data, such as a catalog entry's
 * {@code attribute_values}) is a table too, one row per entry, keyed by the parent's key and the entry's key
 * ({@code map_key}), never a table or column named after a key. Like the parent, each child table is written
 * into a staging table and swapped in with the parent (see {@link TableLoad#swap()}).
 *
 * <p>Used by one table's route thread; the statements it returns carry their values, so they can be
 * written on another thread.
 */
public final class ChildTables {

    private static final Logger LOG = LoggerFactory.getLogger(ChildTables.class);

    public static final String SOURCE_KEY = "_sdc_source_key_";
    /** The column of an element that is not an object (a string of an array of strings). */
    static final String VALUE = CatalogGenerator.VALUE;
    /** The column holding a map entry's key. */
    public static final String MAP_KEY = CatalogGenerator.MAP_KEY;

    private final String parent;
    /** The endpoint listed, for the comments. */
    private final String endpoint;
    /** The declared child tables by their steps, for the comments. */
    private final Map<List<String>, Catalog.Child> specs = new HashMap<>();
    private final List<String> sourceKeys;
    private final Dialect dialect;
    private final DataSource dataSource;
    /** Arrays inside elements are also kept as JSON columns (incident.arrays holds json). */
    private final boolean keepJson;
    private final Map<String, Child> children = new LinkedHashMap<>();
    /**
     * A hash of each parent key whose arrays this run has added. A record listed twice (it moved
     * between pages while they were read) replaces its rows: its earlier elements are removed. Two
     * keys sharing a hash only cost a needless delete. Eight to sixteen bytes a record, never the rows.
     */
    private final LongSet parents = new LongSet();

    ChildTables(String parent, String endpoint, List<String> parentKey, List<Catalog.Child> declared, Dialect dialect,
                DataSource dataSource, boolean keepJson) throws SQLException {
        this.parent = parent;
        this.endpoint = endpoint;
        for (Catalog.Child spec : declared) {
            specs.put(spec.steps(), spec);
        }
        this.sourceKeys = parentKey.stream().map(k -> SOURCE_KEY + k).collect(Collectors.toList());
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.keepJson = keepJson;
        Map<List<String>, List<Map.Entry<String, ColumnType>>> keys = stepKeys(declared);
        for (Catalog.Child spec : declared) {
            String name = spec.table(parent);
            children.put(name, new Child(name, spec, keys.get(spec.steps())));
        }
    }

    /**
     * The key columns each declared child table adds to its parent's ({@code _sdc_source_key_<k>}), by its
     * steps: a position ({@code _sdc_level_<n>_id}) for each array on the way down, a {@code map_key} for each
     * map ({@code map_key_1} for a second).
     */
    public static Map<List<String>, List<Map.Entry<String, ColumnType>>> stepKeys(List<Catalog.Child> declared) {
        // the catalog lists a table before the tables below it
        Map<List<String>, List<Map.Entry<String, ColumnType>>> keys = new HashMap<>();
        for (Catalog.Child spec : declared) {
            List<String> above = spec.steps().subList(0, spec.steps().size() - 1);
            List<Map.Entry<String, ColumnType>> key = new ArrayList<>(keys.getOrDefault(above, List.of()));
            if (spec.map()) {
                long maps = key.stream().filter(k -> k.getKey().startsWith(MAP_KEY)).count();
                key.add(Map.entry(maps == 0 ? MAP_KEY : MAP_KEY + "_" + maps, ColumnType.TEXT));
            } else {
                long levels = key.stream().filter(k -> k.getKey().startsWith("_sdc_level_")).count();
                key.add(Map.entry(levelColumn((int) levels), ColumnType.BIGINT));
            }
            keys.put(spec.steps(), key);
        }
        return keys;
    }

    /** The child table of an array column of a table: {@code incidents__custom_field_entries}, at most 63 characters. */
    public static String tableName(String table, String column) {
        return Names.child(table, column);
    }

    public static String levelColumn(int level) {
        return "_sdc_level_" + level + "_id";
    }

    /**
     * Starts a parent record's arrays; a parent key seen before in this run loses the rows it had, so
     * its child rows are those of its last listing, as its parent row is.
     */
    void startParent(Object[] parentKey) {
        // FNV-1a, 64 bits: ids that differ in a character or two do not collide, as they would under
        // String.hashCode's polynomial ("...0P" and "...11")
        long hash = 0xcbf29ce484222325L;
        for (Object part : parentKey) {
            String text = String.valueOf(part);
            for (int i = 0; i < text.length(); i++) {
                hash = (hash ^ text.charAt(i)) * 0x100000001b3L;
            }
            hash = (hash ^ 0x1f) * 0x100000001b3L;
        }
        if (!parents.add(hash)) {
            for (Child c : children.values()) {
                c.forget(parentKey);
            }
        }
    }

    /** Adds the elements of one array or map of a parent record; {@code parentKey} holds the parent's key values. */
    void add(String column, Object[] parentKey, JsonNode value) throws SQLException {
        addValue(tableName(parent, column), parentKey, new Object[0], value);
    }

    /** The elements of an array (or entries of a map) into their table; a value of another kind stays in its JSON column. */
    private void addValue(String name, Object[] parentKey, Object[] steps, JsonNode value) throws SQLException {
        Child child = children.get(name);
        if (child == null) {
            return;
        }
        if (child.spec.map()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                Object[] at = Arrays.copyOf(steps, steps.length + 1);
                at[steps.length] = entry.getKey();
                child.add(parentKey, at, entry.getValue());
            }
        } else if (value.isArray()) {
            long position = 0;
            for (JsonNode element : value) {
                Object[] at = Arrays.copyOf(steps, steps.length + 1);
                at[steps.length] = position++;
                child.add(parentKey, at, element);
            }
        }
    }

    /** The listing is complete: each table gets the declared columns no element had a value for. */
    void complete() {
        for (Child c : children.values()) {
            c.complete();
        }
    }

    /** Rows waiting to be written, in all child tables. */
    int waiting() {
        int n = 0;
        for (Child c : children.values()) {
            n = Math.max(n, c.batch.size());
        }
        return n;
    }

    /** True when some child table has rows, or a table, still to write. */
    boolean pending() {
        for (Child c : children.values()) {
            if (!c.batch.isEmpty() || (!c.created && c.mustCreate()) || (c.created && !c.ddl.isEmpty())) {
                return true;
            }
        }
        return false;
    }

    /** The statements that write what waits: each child table's staging table, new columns, then its rows. */
    List<Sql> statements() {
        List<Sql> out = new ArrayList<>();
        // a child's rows may add grandchildren while they are converted, never while written: copy the list
        for (Child c : new ArrayList<>(children.values())) {
            c.statements(out);
        }
        return out;
    }

    /** The child tables of this run, in the order first seen. */
    Collection<Child> all() {
        return children.values();
    }

    /**
     * Live child tables of the parent that this run wrote no row to (none of its records had an element there,
     * or the catalog no longer declares them): emptied with the swap, with no staging table to make.
     */
    List<String> vanished() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (String name : dialect.tables(c, parent + "__")) {
                if (!children.containsKey(name) || !children.get(name).staged()) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /** The statements that drop every staging table this load made; never fail the table. */
    List<Sql> abort() {
        List<Sql> out = new ArrayList<>();
        for (Child c : children.values()) {
            out.add(Sql.allowedToFail("DROP TABLE IF EXISTS " + dialect.quote(c.stage),
                    parent + ": cannot drop " + c.stage + "; the next sync drops it"));
        }
        return out;
    }

    /** One child table: its declared columns, its staging table and rows waiting. */
    final class Child {
        final String name;
        final String stage;
        final Catalog.Child spec;
        final List<String> key = new ArrayList<>();
        final Map<String, ColumnType> columns = new LinkedHashMap<>();
        private final Map<String, Integer> positions = new HashMap<>();
        private final List<ColumnType> types = new ArrayList<>();
        private final Set<String> liveText = new HashSet<>();
        /** The live child table's columns and their type names, by lower-case name. */
        private final Map<String, String> live = new HashMap<>();
        private final Declared declared;
        private final List<String> untyped = new ArrayList<>();
        private final RecordFlattener flattener;
        private final List<Object[]> batch = new ArrayList<>();
        private final Deque<Sql> ddl = new ArrayDeque<>();
        private boolean created;
        /** Characters of text in its rows: what a copy at the swap would have to write. */
        long stagedChars;

        Child(String name, Catalog.Child spec, List<Map.Entry<String, ColumnType>> steps) throws SQLException {
            this.name = name;
            this.spec = spec;
            this.stage = TableLoad.derivedName("_sdc_stage_", name);
            for (String k : sourceKeys) {
                key.add(k);
                place(k, ColumnType.TEXT);
            }
            for (Map.Entry<String, ColumnType> step : steps) {
                key.add(step.getKey());
                place(step.getKey(), step.getValue());
            }
            try (Connection c = dataSource.getConnection()) {
                live.putAll(dialect.columns(c, name));
                live.forEach((column, type) -> {
                    if (dialect.isText(type)) {
                        liveText.add(column);
                    }
                });
            }
            this.declared = new Declared(spec.columns());
            for (Catalog.Column c : spec.columns()) {
                if ((c.array() || c.map()) && !keepJson) {
                    continue;
                }
                if (c.type() == null) {
                    untyped.add(c.name());
                } else {
                    place(c.name(), c.type() != ColumnType.JSON && liveText.contains(c.name()) ? ColumnType.TEXT : c.type());
                }
            }
            place(Declared.UNDECLARED, ColumnType.JSON);
            this.flattener = new RecordFlattener(declared.whole());
            ddl.add(Sql.of("DROP TABLE IF EXISTS " + dialect.quote(stage)));
        }

        /** The table's comment and its columns', from the catalog's facts. */
        StagingStatements.Commented comments() {
            StringBuilder prefix = new StringBuilder();
            List<String> steps = spec.steps();
            for (int i = 0; i < steps.size(); i++) {
                Catalog.Child at = specs.get(steps.subList(0, i + 1));
                prefix.append(steps.get(i).replace("__", ".")).append(at != null && at.map() ? ".<key>." : "[].");
            }
            Map<String, Catalog.Column> byName = new HashMap<>();
            spec.columns().forEach(c -> byName.put(c.name(), c));
            Map<String, String> out = new LinkedHashMap<>();
            for (String column : columns.keySet()) {
                Catalog.Column c = byName.get(column);
                String text = c == null ? Comments.product(column, endpoint) : Comments.column(endpoint, spec.scalars()
                        ? prefix.substring(0, prefix.length() - 1) : prefix + c.path().replace("__", "."), c, false, Streams.ALL);
                if (text != null) {
                    out.put(column, text);
                }
            }
            String parentName = steps.size() == 1 ? parent
                    : new Catalog.Child(steps.subList(0, steps.size() - 1), false, false, List.of()).table(parent);
            return new StagingStatements.Commented(Comments.child(endpoint, parentName, steps.get(steps.size() - 1),
                    spec.map(), key), out);
        }

        void complete() {
            for (String column : untyped) {
                ColumnType type = dialect.unseen(column, live);
                if (!positions.containsKey(column) && type != null) {
                    addColumn(column, type);
                }
            }
        }

        /** A column of no declared type, typed by its first value (text for one no element had), at the end. */
        private int addColumn(String column, ColumnType type) {
            if (type != ColumnType.JSON && liveText.contains(column)) {
                type = ColumnType.TEXT;
            }
            int position = place(column, type);
            if (created) {
                ddl.add(Sql.of("ALTER TABLE " + dialect.quote(stage) + " ADD COLUMN " + dialect.quote(column) + " "
                        + dialect.type(type, false) + StagingStatements.inline(dialect, comments(), column)));
            }
            return position;
        }

        private int place(String column, ColumnType type) {
            int position = positions.size();
            columns.put(column, type);
            positions.put(column, position);
            types.add(type);
            return position;
        }

        void add(Object[] parentKey, Object[] steps, JsonNode element) throws SQLException {
            Object[][] row = {new Object[positions.size()]};
            System.arraycopy(parentKey, 0, row[0], 0, parentKey.length);
            System.arraycopy(steps, 0, row[0], parentKey.length, steps.length);
            if (element instanceof ObjectNode object && !spec.scalars()) {
                List<Map.Entry<String, JsonNode>> inner = new ArrayList<>();
                Declared.Fields undeclared = new Declared.Fields();
                flattener.walk(object, new RecordFlattener.Sink() {
                    @Override
                    public void accept(String column, JsonNode value) {
                        throw new IllegalStateException("the flattener names every field's path");
                    }

                    @Override
                    public void accept(List<String> path, String column, JsonNode value) {
                        Catalog.Column c = declared.place(path, column, value, undeclared);
                        if (c == null) {
                            return;
                        }
                        if (c.array() || c.map()) {
                            if (value.isContainerNode()) {
                                inner.add(Map.entry(c.name(), value));
                            }
                            if (!keepJson) {
                                return;
                            }
                        }
                        row[0] = put(row[0], c.name(), value);
                    }
                });
                JsonNode rest = undeclared.take();
                if (rest != null) {
                    row[0] = put(row[0], Declared.UNDECLARED, rest);
                }
                for (Map.Entry<String, JsonNode> array : inner) {
                    addValue(tableName(name, array.getKey()), parentKey, steps, array.getValue());
                }
            } else if (spec.scalars()) {
                row[0] = put(row[0], VALUE, element);
            } else if (!element.isNull()) {
                // a scalar where the description declares objects: kept, whole
                row[0] = put(row[0], Declared.UNDECLARED, element);
            }
            batch.add(row[0]);
        }

        /** Removes the rows of one parent: those waiting, and those already in the staging table. */
        void forget(Object[] parentKey) {
            batch.removeIf(row -> {
                for (int i = 0; i < parentKey.length; i++) {
                    if (!java.util.Objects.equals(row[i], parentKey[i])) {
                        return false;
                    }
                }
                return true;
            });
            if (created) {
                List<ColumnType> keyTypes = java.util.Collections.nCopies(parentKey.length, ColumnType.TEXT);
                Object[] values = StagingStatements.bindable(dialect, parentKey.clone(), parentKey.length, keyTypes);
                ddl.add(Sql.of("DELETE FROM " + dialect.quote(stage) + " WHERE "
                        + sourceKeys.stream().map(k -> dialect.quote(k) + " = ?").collect(Collectors.joining(" AND ")),
                        Arrays.asList(values)));
            }
        }

        private Object[] put(Object[] row, String column, JsonNode value) {
            Integer position = positions.get(column);
            if (position == null) {
                if (value.isNull()) {
                    return row;
                }
                position = addColumn(column, ColumnType.ofValue(value));
                row = Arrays.copyOf(row, positions.size());
            }
            try {
                row[position] = types.get(position).convert(value);
            } catch (ColumnType.DoesNotFit notThisType) {
                ColumnType from = types.get(position);
                LOG.info("{}: column {} holds a value that is not {}; it becomes text", name, column, from);
                types.set(position, ColumnType.TEXT);
                columns.put(column, ColumnType.TEXT);
                if (created) {
                    ddl.add(Sql.of(dialect.widenToText(stage, column, from)));
                }
                row[position] = ColumnType.TEXT.convert(value);
            }
            if (row[position] instanceof String text) {
                stagedChars += text.length();
            }
            return row;
        }

        /** True once its staging table exists: a table no element reached has none while its live table fits. */
        boolean staged() {
            return created;
        }

        /** Its live table is missing or lacks a column: the staging table is made even with no row, to take its place. */
        boolean mustCreate() {
            return live.isEmpty() || !live.keySet().containsAll(columns.keySet());
        }

        void statements(List<Sql> out) {
            if (!created && batch.isEmpty() && !mustCreate()) {
                return;
            }
            if (!created) {
                out.addAll(ddl);
                ddl.clear();
                out.add(Sql.of(StagingStatements.createTable(dialect, stage, columns, key, comments())));
                created = true;
            }
            out.addAll(ddl);
            ddl.clear();
            if (batch.isEmpty()) {
                return;
            }
            List<String> names = new ArrayList<>(columns.keySet());
            List<ColumnType> allTypes = new ArrayList<>(types);
            List<Object[]> values = new ArrayList<>(batch.size());
            for (Object[] row : batch) {
                values.add(StagingStatements.bindable(dialect, row, names.size(), allTypes));
            }
            batch.clear();
            // every row's key is new to the staging table (a parent listed again lost its rows first)
            out.addAll(StagingStatements.inserts(dialect, stage, names, allTypes, values));
        }
    }
}
