package io.incidentsync.store;

import io.incidentsync.api.Page;
import io.incidentsync.schema.ColumnType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The rows of one table's load on their way to its staging table: converted rows wait in a batch, or,
 * while the child listings they embed are still running, on disk; the statements that write them are
 * handed out in order, a page's worth at a time, with the staging table's creation and any change of
 * its columns before the rows that need it.
 */
final class StagingWrites {

    /** Rows buffered before a statement is sent even within one page, for unpaged listings of any size. */
    static final int MAX_BATCH = 500;
    /**
     * Rows one child table may gather before the page's end writes them: a page's arrays (a page of
     * 250 incidents holds some 8,000 custom field options) wait for the page's one write.
     */
    static final int MAX_CHILD_BATCH = 20_000;

    private final String table;
    private final String stage;
    private final Dialect dialect;
    private final RowConverter rows;
    /** The arrays' child tables (incident.arrays holds tables), else null. */
    private final ChildTables children;
    private final String childKind;
    /** Columns of the live table built at the swap from child listings: column name to child kind. */
    private final Map<String, String> childColumns;
    /** True once the child listings the columns above are built from are complete. */
    private final BooleanSupplier childrenReady;
    private final EmbeddedChildren embedded;
    /** Statements that change the staging table's shape, sent before the next rows. */
    private final Deque<Sql> ddl;
    private final List<Object[]> batch = new ArrayList<>();
    private final List<String[]> childBatch = new ArrayList<>();
    /**
     * While the child listings are still running, converted rows wait on disk instead of being
     * written without their child arrays and rewritten later.
     */
    private boolean spooling;
    /** The spool is being written to the staging table, a batch at a time. */
    private boolean draining;
    private RowSpool spool;

    StagingWrites(String table, String stage, Dialect dialect, RowConverter rows, ChildTables children, String childKind,
                  Map<String, String> childColumns, BooleanSupplier childrenReady, EmbeddedChildren embedded, Deque<Sql> ddl) {
        this.table = table;
        this.stage = stage;
        this.dialect = dialect;
        this.rows = rows;
        this.children = children;
        this.childKind = childKind;
        this.childColumns = childColumns;
        this.childrenReady = childrenReady;
        this.embedded = embedded;
        this.ddl = ddl;
        this.spooling = !childColumns.isEmpty();
    }

    /** Adds one converted record: its row, its arrays' child rows, and the record itself for a child kind's listing. */
    void add(RowConverter.Row row, ObjectNode record) {
        if (children != null) {
            Object[] parentKey = rows.keyOf(row.values());
            children.startParent(parentKey);
            try {
                for (Map.Entry<String, JsonNode> array : row.arrays()) {
                    children.add(array.getKey(), parentKey, array.getValue());
                }
            } catch (SQLException e) {
                throw new SyncSqlException(e);
            }
        }
        if (childKind != null) {
            childBatch.add(new String[] {record.path("incident_id").asText(), record.path("id").asText(), Page.json(record)});
        }
        if (spooling) {
            try {
                if (spool == null) {
                    spool = new RowSpool(table);
                }
                spool.write(row.values());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        batch.add(row.values());
    }

    /** True when the rows waiting make a statement of their own, even before the page ends. */
    boolean isBatchFull() {
        return batch.size() >= MAX_BATCH || childBatch.size() >= MAX_BATCH
                || (children != null && children.waiting() >= MAX_CHILD_BATCH);
    }

    /** A page ended: once the child listings are complete, the spooled rows may be written. */
    void pageEnded() {
        if (spooling && childrenReady.getAsBoolean()) {
            startDraining();
        }
    }

    /** The listing is complete: the spooled rows go with what is left. */
    void listingEnded() {
        rows.complete();
        if (children != null) {
            children.complete();
        }
        if (spooling) {
            startDraining();
        }
    }

    /** True when rows wait on disk and can now be written. */
    boolean isDraining() {
        return draining;
    }

    private void startDraining() {
        spooling = false;
        draining = spool != null;
    }

    /** The statements that write what waits, with or without the spooled rows that may be draining. */
    Iterator<Sql> writes(boolean withSpool) {
        return new Iterator<>() {
            private final Deque<Sql> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                try {
                    fill();
                } catch (SQLException e) {
                    throw new SyncSqlException(e);
                }
                return !ready.isEmpty();
            }

            @Override
            public Sql next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }

            private void fill() throws SQLException {
                while (ready.isEmpty()) {
                    if (!ddl.isEmpty()) {
                        ready.addAll(ddl);
                        ddl.clear();
                    } else if (!rows.created()) {
                        ready.add(rows.create());
                    } else if (!batch.isEmpty() || !childBatch.isEmpty() || (children != null && children.pending())) {
                        ready.addAll(rowStatements());
                    } else if (!withSpool || !draining || !readSpool()) {
                        return;
                    }
                }
            }
        };
    }

    /** Moves up to a batch of spooled rows into the batch; false once the spool is empty. */
    private boolean readSpool() throws SQLException {
        try {
            Object[] row;
            while (batch.size() < MAX_BATCH && (row = spool.next()) != null) {
                batch.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (batch.isEmpty()) {
            draining = false;
            deleteSpool();
            return false;
        }
        return true;
    }

    /** Deletes the spool, if any; never throws. */
    void deleteSpool() {
        if (spool != null) {
            spool.close();
            spool = null;
        }
    }

    /**
     * The statements for the rows waiting: one multi-row upsert of the rows (two or more only when the
     * rows hold more than {@link StagingStatements#MAX_PARAMETERS} values), and one of the child records.
     * A record listed twice in them is written once, its last version. Each text value is bound as the
     * database can store it ({@link Dialect#storable}): the incident ids too, so they match their
     * children's stored ones.
     */
    private List<Sql> rowStatements() throws SQLException {
        List<Sql> out = new ArrayList<>();
        if (!batch.isEmpty()) {
            List<String> names = rows.names();
            List<ColumnType> allTypes = rows.types();
            int plain = names.size();
            List<String> childNames = new ArrayList<>(childColumns.keySet());
            for (String child : childNames) {
                names.add(child);
                allTypes.add(ColumnType.JSON);
            }
            List<Object[]> values = new ArrayList<>(batch.size());
            for (Object[] row : batch) {
                Object[] full = StagingStatements.bindable(dialect, row, plain, allTypes);
                values.add(full.length == names.size() ? full : Arrays.copyOf(full, names.size()));
            }
            batch.clear();
            if (!childNames.isEmpty()) {
                Integer idPosition = rows.position("id");
                List<String> ids = new ArrayList<>(values.size());
                for (Object[] row : values) {
                    ids.add(idPosition == null || row[idPosition] == null ? null : row[idPosition].toString());
                }
                List<String> distinct = ids.stream().filter(v -> v != null).distinct().collect(Collectors.toList());
                for (int c = 0; c < childNames.size(); c++) {
                    Map<String, String> arrays = embedded.arrays(childColumns.get(childNames.get(c)), distinct);
                    for (int r = 0; r < values.size(); r++) {
                        String array = ids.get(r) == null ? "[]" : arrays.getOrDefault(ids.get(r), "[]");
                        values.get(r)[plain + c] = dialect.storable(ColumnType.JSON, array);
                    }
                }
            }
            out.addAll(StagingStatements.upserts(dialect, stage, names, allTypes, rows.key(), values));
        }
        if (!childBatch.isEmpty()) {
            List<String> cols = List.of("incident_id", "id", "record");
            List<Object[]> values = new ArrayList<>(childBatch.size());
            for (String[] child : childBatch) {
                values.add(new Object[] {dialect.storable(ColumnType.TEXT, child[0]), dialect.storable(ColumnType.TEXT, child[1]),
                        // the record's JSON text, which becomes part of an incidents JSON column
                        dialect.storable(ColumnType.JSON, child[2])});
            }
            childBatch.clear();
            out.addAll(StagingStatements.upserts(dialect, TableLoad.childStage(childKind), cols,
                    Collections.nCopies(cols.size(), ColumnType.TEXT), List.of("incident_id", "id"), values));
        }
        if (children != null) {
            out.addAll(children.statements());
        }
        return out;
    }
}
