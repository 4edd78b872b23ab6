package io.incidentsync.store;

import io.incidentsync.config.Settings;
import io.incidentsync.schema.Catalog;
import io.incidentsync.schema.ColumnType;
import io.incidentsync.schema.Comments;
import io.incidentsync.run.Streams;
import io.incidentsync.schema.RecordFlattener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts one table's records into rows of its staging table, and keeps that table's columns: each
 * column's place in a row and its type, the columns a record brings that were never seen before, and
 * the columns widened to text by a value their type cannot hold. Once the staging table exists, each
 * such change is a statement queued for the write pipeline to send before the next rows.
 */
final class RowConverter {

    /** The table's load names the column changes in the log. */
    private static final Logger LOG = LoggerFactory.getLogger(TableLoad.class);

    static final String EXTRACTED_AT = "_sdc_extracted_at";

    private final String table;
    private final String stage;
    /** The endpoint listed, for the comments. */
    private final String endpoint;
    /** The declared columns by name, for the comments. */
    private final Map<String, Catalog.Column> byName = new HashMap<>();
    private final List<String> key;
    private final Dialect dialect;
    private final OffsetDateTime extractedAt;
    private final Map<String, ColumnType> columns = new LinkedHashMap<>();
    /** The live table's columns and their type names, by lower-case name. */
    private final Map<String, String> live;
    /** Columns the live table already holds as text (by lower-case name). */
    private final Set<String> liveText = new HashSet<>();
    /** Columns of the live table built at the swap from child listings: column name to child kind. */
    private final Map<String, String> childColumns;
    private final RecordFlattener flattener;
    /** The columns the description declares, by path. */
    private final Declared declared;
    /** Declared columns of no declared type: typed by their first value, or text when none has one. */
    private final List<String> untyped = new ArrayList<>();
    /** Arrays are kept as JSON columns (incident.arrays holds json). */
    private final boolean arraysAsJson;
    /** Arrays are kept aside for their child tables (incident.arrays holds tables). */
    private final boolean childTables;
    /** Statements that change the staging table's shape, sent before the next rows. */
    private final Deque<Sql> ddl;
    /** Each column's place in a converted row, and its type by place. */
    private final Map<String, Integer> positions = new HashMap<>();
    private final List<ColumnType> types = new ArrayList<>();
    private boolean created;
    /** Characters of text in the rows converted so far: what a copy at the swap would have to write. */
    private long stagedChars;

    RowConverter(String table, String endpoint, String stage, List<String> key, List<Catalog.Column> catalog, Map<String, String> live,
                 Map<String, String> childColumns, Dialect dialect, OffsetDateTime extractedAt, Settings.ArrayMode arrays,
                 Deque<Sql> ddl) {
        this.table = table;
        this.endpoint = endpoint;
        this.stage = stage;
        this.key = key;
        this.dialect = dialect;
        this.extractedAt = extractedAt;
        this.childColumns = childColumns;
        this.arraysAsJson = arrays.json();
        this.childTables = arrays.tables();
        this.ddl = ddl;
        this.live = live;
        // a column widened to text by an earlier sync stays text, so its values keep one form
        live.forEach((name, type) -> {
            if (dialect.isText(type)) {
                liveText.add(name);
            }
        });
        List<Catalog.Column> all = new ArrayList<>(catalog);
        for (String k : key) {
            if (catalog.stream().noneMatch(c -> c.name().equals(k))) {
                all.add(new Catalog.Column(k, ColumnType.TEXT));
            }
        }
        this.declared = new Declared(all);
        all.forEach(c -> byName.put(c.name(), c));
        for (Catalog.Column c : all) {
            if ((c.array() || c.map()) && !arraysAsJson) {
                continue;
            }
            if (c.type() != null) {
                // the catalog's names are already the flattener's (CatalogGenerator names columns with it)
                columns.put(c.name(), keptType(c.name(), c.type()));
            } else {
                untyped.add(c.name());
            }
        }
        columns.put(EXTRACTED_AT, ColumnType.TIMESTAMP);
        columns.put(Declared.UNDECLARED, ColumnType.JSON);
        columns.forEach((name, type) -> {
            positions.put(name, positions.size());
            types.add(type);
        });
        this.flattener = new RecordFlattener(declared.whole());
    }

    /**
     * The listing is complete: a column the description declares without a type that no record had a value
     * for is added as text, so that every account gets the same columns.
     */
    void complete() {
        for (String name : untyped) {
            ColumnType type = dialect.unseen(name, live);
            if (!positions.containsKey(name) && type != null) {
                addColumn(name, type);
            }
        }
    }

    /** One record converted: its row's values, and the arrays its child tables are made of (none unless kept). */
    record Row(Object[] values, List<Map.Entry<String, JsonNode>> arrays) {
    }

    /** Converts one record; a field never seen before gets a new column. */
    Row convert(ObjectNode record) {
        RowBuilder builder = new RowBuilder();
        flattener.walk(record, builder);
        return new Row(builder.finish(), builder.arrays == null ? List.of() : builder.arrays);
    }

    /** A converted row's primary key values. */
    Object[] keyOf(Object[] row) {
        Object[] parentKey = new Object[key.size()];
        for (int i = 0; i < parentKey.length; i++) {
            parentKey[i] = row[positions.get(key.get(i))];
        }
        return parentKey;
    }

    /** True once the staging table's creation was handed out ({@link #create()}). */
    boolean created() {
        return created;
    }

    /** The staging table's creation, with the columns known by now; later changes are queued as statements. */
    Sql create() {
        created = true;
        return Sql.of(StagingStatements.createTable(dialect, stage, withChildColumns(), key, comments()));
    }

    /** The table's comment and its columns', from the catalog's facts. */
    StagingStatements.Commented comments() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String column : withChildColumns().keySet()) {
            Catalog.Column c = byName.get(column);
            String text = c != null ? Comments.column(endpoint, c.path().replace("__", "."), c, key.contains(column), Streams.ALL)
                    : Comments.product(column, endpoint);
            if (text == null && key.contains(column)) {
                text = "primary key; not a field of the record: the sync adds it";
            }
            if (text != null) {
                out.put(column, text);
            }
        }
        return new StagingStatements.Commented(Comments.table(table, endpoint, key), out);
    }

    /** The columns, in row order, with the columns built from child listings (JSON) after them. */
    Map<String, ColumnType> withChildColumns() {
        Map<String, ColumnType> all = new LinkedHashMap<>(columns);
        childColumns.keySet().forEach(c -> all.put(c, ColumnType.JSON));
        return all;
    }

    /** The table's primary key columns. */
    List<String> key() {
        return key;
    }

    /** The columns' names, in row order. */
    List<String> names() {
        return new ArrayList<>(columns.keySet());
    }

    /** The columns' types, in row order. */
    List<ColumnType> types() {
        return new ArrayList<>(types);
    }

    /** A column's place in a row, or null when no record had it. */
    Integer position(String column) {
        return positions.get(column);
    }

    /** Characters of text in the rows converted so far. */
    long stagedChars() {
        return stagedChars;
    }

    /**
     * Places each column of one record as the flattener hands it over, converted to its JDBC value, by
     * column position (positions never change: columns are only ever added at the end), adding columns
     * never seen before; keeps the record's arrays aside for their child tables.
     */
    private final class RowBuilder implements RecordFlattener.Sink {
        private Object[] values = new Object[positions.size()];
        private List<Map.Entry<String, JsonNode>> arrays;
        private final Declared.Fields undeclared = new Declared.Fields();

        @Override
        public void accept(List<String> path, String column, JsonNode value) {
            Catalog.Column c = declared.place(path, column, value, undeclared);
            if (c == null) {
                return;
            }
            if (c.array() || c.map()) {
                if (childTables && value.isContainerNode()) {
                    if (arrays == null) {
                        arrays = new ArrayList<>(4);
                    }
                    arrays.add(Map.entry(c.name(), value));
                }
                if (!arraysAsJson) {
                    return;
                }
            }
            accept(c.name(), value);
        }

        @Override
        public void accept(String column, JsonNode value) {
            Integer position = positions.get(column);
            if (position == null) {
                if (value.isNull()) {
                    return;
                }
                position = addColumn(column, ColumnType.ofValue(value));
                values = Arrays.copyOf(values, positions.size());
            }
            try {
                values[position] = types.get(position).convert(value);
            } catch (ColumnType.DoesNotFit notThisType) {
                widen(column, position);
                values[position] = ColumnType.TEXT.convert(value);
            }
            if (values[position] instanceof String text) {
                stagedChars += text.length();
            }
        }

        Object[] finish() {
            values[positions.get(EXTRACTED_AT)] = extractedAt;
            JsonNode rest = undeclared.take();
            if (rest != null) {
                accept(Declared.UNDECLARED, rest);
            }
            return values;
        }
    }

    /** The type a column is created with: text when the live table already holds it as text. */
    private ColumnType keptType(String column, ColumnType type) {
        return type != ColumnType.JSON && liveText.contains(column) ? ColumnType.TEXT : type;
    }

    /**
     * A value its column's type cannot hold exactly: the column becomes text, which holds every value
     * without loss. Rows converted before keep their values, as text from the next statement on.
     */
    private void widen(String column, int position) {
        ColumnType from = types.get(position);
        LOG.info("{}: column {} holds a value that is not {}; it becomes text", table, column, from);
        types.set(position, ColumnType.TEXT);
        columns.put(column, ColumnType.TEXT);
        if (created) {
            ddl.add(Sql.of(dialect.widenToText(stage, column, from)));
        }
    }

    /** A field never seen before: its column, typed by its first value, goes at the end. */
    private int addColumn(String column, ColumnType type) {
        type = keptType(column, type);
        int position = positions.size();
        columns.put(column, type);
        positions.put(column, position);
        types.add(type);
        if (created) {
            ddl.add(Sql.of("ALTER TABLE " + dialect.quote(stage) + " ADD COLUMN " + dialect.quote(column) + " "
                    + dialect.type(type, false) + StagingStatements.inline(dialect, comments(), column)));
        }
        return position;
    }
}
