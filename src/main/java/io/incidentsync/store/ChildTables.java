package io.incidentsync.store;

import io.incidentsync.schema.ColumnType;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A table's arrays as child tables, de-nested the way Stitch does it: the array {@code custom_field_entries}
 * of {@code incidents} becomes {@code incidents__custom_field_entries}, one row per element, keyed by the
 * parent's primary key ({@code _sdc_source_key_id}) and the element's position ({@code _sdc_level_0_id});
 * an element's fields are flattened as a parent's are; an array inside an element becomes the next
 * table down ({@code incidents__custom_field_entries__values}, adding {@code _sdc_level_1_id}); an
 * element that is no object is a {@code value} column. Like the parent, each child table is written
 * into a staging table and swapped in with the parent (see {@link TableLoad#swap()}).
 *
 * <p>Used by one table's route thread; the statements it returns carry their values, so they can be
 * written on another thread.
 */
public final class ChildTables {

    private static final Logger LOG = LoggerFactory.getLogger(ChildTables.class);

    public static final String SOURCE_KEY = "_sdc_source_key_";
    /** The column of an element that is not an object (a string of an array of strings). */
    static final String VALUE = "value";

    private final String parent;
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

    ChildTables(String parent, List<String> parentKey, Dialect dialect, DataSource dataSource, boolean keepJson) {
        this.parent = parent;
        this.sourceKeys = parentKey.stream().map(k -> SOURCE_KEY + k).collect(Collectors.toList());
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.keepJson = keepJson;
    }

    /** The child table of an array column of a table: {@code incidents__custom_field_entries}, at most 63 characters. */
    public static String tableName(String table, String column) {
        return TableLoad.derivedName(table + "__", column);
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

    /** Adds the elements of one array of a parent record; {@code parentKey} holds the parent's key values. */
    void add(String column, Object[] parentKey, JsonNode array) throws SQLException {
        addArray(tableName(parent, column), parentKey, new long[0], array);
    }

    private void addArray(String name, Object[] parentKey, long[] levels, JsonNode array) throws SQLException {
        Child child = children.get(name);
        if (child == null) {
            child = new Child(name, levels.length + 1);
            children.put(name, child);
        }
        long position = 0;
        for (JsonNode element : array) {
            long[] at = Arrays.copyOf(levels, levels.length + 1);
            at[levels.length] = position++;
            child.add(parentKey, at, element);
        }
    }

    /**
     * The arrays inside a value kept whole as one JSON column (an object keyed by data, such as
     * {@code attribute_values}, or one nested too deep), each with the column name of its path from the
     * record's top, so that they become child tables like any other array.
     */
    static void arraysInside(List<String> path, JsonNode value, List<Map.Entry<String, JsonNode>> out) {
        if (value.isArray()) {
            out.add(Map.entry(RecordFlattener.columnName(path), value));
            return;
        }
        for (java.util.Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isContainerNode()) {
                List<String> inner = new ArrayList<>(path);
                inner.add(field.getKey());
                arraysInside(inner, field.getValue(), out);
            }
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
            if (!c.batch.isEmpty() || !c.created || !c.ddl.isEmpty()) {
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

    /** Live child tables of the parent that no record of this run had: emptied with the swap. */
    List<String> vanished() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (String name : dialect.tables(c, parent + "__")) {
                if (!children.containsKey(name)) {
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

    /** One child table: its columns (added as elements show new fields), its staging table and rows waiting. */
    final class Child {
        final String name;
        final String stage;
        final List<String> key = new ArrayList<>();
        final Map<String, ColumnType> columns = new LinkedHashMap<>();
        private final Map<String, Integer> positions = new HashMap<>();
        private final List<ColumnType> types = new ArrayList<>();
        private final Set<String> liveText = new HashSet<>();
        private final RecordFlattener flattener;
        private final List<Object[]> batch = new ArrayList<>();
        private final Deque<Sql> ddl = new ArrayDeque<>();
        private boolean created;
        /** Characters of text in its rows: what a copy at the swap would have to write. */
        long stagedChars;

        Child(String name, int depth) throws SQLException {
            this.name = name;
            this.stage = TableLoad.derivedName("_sdc_stage_", name);
            for (String k : sourceKeys) {
                key.add(k);
                place(k, ColumnType.TEXT);
            }
            for (int level = 0; level < depth; level++) {
                key.add(levelColumn(level));
                place(levelColumn(level), ColumnType.BIGINT);
            }
            try (Connection c = dataSource.getConnection()) {
                dialect.columns(c, name).forEach((column, type) -> {
                    if (dialect.isText(type)) {
                        liveText.add(column);
                    }
                });
            }
            // an element's field that would take a key column's name is hashed instead
            this.flattener = new RecordFlattener(Set.of(), new HashSet<>(key));
            ddl.add(Sql.of("DROP TABLE IF EXISTS " + dialect.quote(stage)));
        }

        private int place(String column, ColumnType type) {
            int position = positions.size();
            columns.put(column, type);
            positions.put(column, position);
            types.add(type);
            return position;
        }

        void add(Object[] parentKey, long[] levels, JsonNode element) throws SQLException {
            Object[][] row = {new Object[positions.size()]};
            System.arraycopy(parentKey, 0, row[0], 0, parentKey.length);
            for (int i = 0; i < levels.length; i++) {
                row[0][parentKey.length + i] = levels[i];
            }
            if (element instanceof ObjectNode object) {
                List<Map.Entry<String, JsonNode>> arrays = new ArrayList<>();
                flattener.walk(object, new RecordFlattener.Sink() {
                    @Override
                    public void accept(String column, JsonNode value) {
                        throw new IllegalStateException("the flattener names every field's path");
                    }

                    @Override
                    public void accept(List<String> path, String column, JsonNode value) {
                        if (value.isObject()) {
                            arraysInside(path, value, arrays);
                        } else if (value.isArray()) {
                            arrays.add(Map.entry(column, value));
                            if (!keepJson) {
                                return;
                            }
                        }
                        row[0] = put(row[0], column, value);
                    }
                });
                for (Map.Entry<String, JsonNode> array : arrays) {
                    addArray(tableName(name, array.getKey()), parentKey, levels, array.getValue());
                }
            } else {
                row[0] = put(row[0], VALUE, element);
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
                ColumnType type = ColumnType.ofValue(value);
                if (type != ColumnType.JSON && liveText.contains(column)) {
                    type = ColumnType.TEXT;
                }
                position = place(column, type);
                if (created) {
                    ddl.add(Sql.of("ALTER TABLE " + dialect.quote(stage) + " ADD COLUMN " + dialect.quote(column) + " "
                            + dialect.type(type, false)));
                }
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

        void statements(List<Sql> out) {
            if (!created) {
                out.addAll(ddl);
                ddl.clear();
                out.add(Sql.of(StagingStatements.createTable(dialect, stage, columns, key)));
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
