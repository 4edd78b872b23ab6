package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What changes have done to the generated data set up to one moment of the simulated clock: records replaced or
 * added, records deleted, and the few incident facts listings filter on. Records that no change touched are still
 * generated from (seed, index), so an overlay holds only what changed.
 *
 * <p>An overlay is built by copying the one before it ({@link #next}), changed while only the thread applying a
 * batch can see it, then frozen and published whole by {@link Timeline}: a page served from one overlay never sees
 * half a batch. Once frozen it never changes, so any number of threads may read it.
 */
final class Overlay {
    /** An incident's filterable facts and its two timestamps, as offsets from the data set's epoch. */
    record IncidentState(IncidentFacts facts, long createdOffset, long updatedOffset) {
    }

    /** What changes did to one table. */
    static final class Rows {
        private static final Rows NONE = new Rows(new IndexMap<>(), new IndexMap<>(), new IndexMap<>());

        private final IndexMap<ObjectNode> records;
        private final IndexMap<Boolean> deleted;
        /** Records added to a child table: the index of the incident each belongs to. */
        private final IndexMap<Integer> parents;

        private Rows(IndexMap<ObjectNode> records, IndexMap<Boolean> deleted, IndexMap<Integer> parents) {
            this.records = records;
            this.deleted = deleted;
            this.parents = parents;
        }

        private Rows copy() {
            return new Rows(records.copy(), deleted.copy(), parents.copy());
        }

        /** The record as a change left it, or null when no change replaced or added it. */
        ObjectNode record(int index) {
            return records.get(index);
        }

        boolean has(int index) {
            return records.containsKey(index);
        }

        boolean deleted(int index) {
            return deleted.containsKey(index);
        }

        /** The parent incident of a record a change added, or -1. */
        int parent(int index) {
            Integer parent = parents.get(index);
            return parent == null ? -1 : parent;
        }

        /** The indexes changes deleted, ascending. */
        List<Integer> deletedIndexes() {
            List<Integer> out = new ArrayList<>();
            deleted.forEach((yes, index) -> out.add(index));
            return out;
        }
    }

    private long nowOffset;
    private long sequence;
    private final Map<String, Rows> rows;
    private final IndexMap<IncidentState> incidents;
    private boolean frozen;

    private Overlay(long nowOffset, long sequence, Map<String, Rows> rows, IndexMap<IncidentState> incidents) {
        this.nowOffset = nowOffset;
        this.sequence = sequence;
        this.rows = rows;
        this.incidents = incidents;
    }

    /** Nothing changed yet; the clock stands at nowOffset. */
    static Overlay initial(long nowOffset) {
        Overlay overlay = new Overlay(nowOffset, 0, Map.of(), new IndexMap<>());
        overlay.frozen = true;
        return overlay;
    }

    /** A private, changeable copy to build the next state in; cheap, as it shares what it does not change. */
    Overlay next() {
        Map<String, Rows> copied = new HashMap<>();
        rows.forEach((table, r) -> copied.put(table, r.copy()));
        return new Overlay(nowOffset, sequence, copied, incidents.copy());
    }

    /** This overlay, made read-only; called once, before it is published. */
    Overlay freeze() {
        frozen = true;
        return this;
    }

    /** True while no record was replaced, added or deleted: every read can go straight to the generators. */
    boolean isEmpty() {
        return rows.isEmpty() && incidents.isEmpty();
    }

    /** The simulated "now", in milliseconds since the data set's epoch. */
    long nowOffset() {
        return nowOffset;
    }

    Rows rows(String table) {
        Rows r = rows.get(table);
        return r == null ? Rows.NONE : r;
    }

    /** The incident's facts and timestamps as changes left them, or null when no change touched it. */
    IncidentState incident(int index) {
        return incidents.get(index);
    }

    // ---------------------------------------------------------------- changing, before freeze()

    void nowOffset(long offset) {
        writable();
        nowOffset = offset;
    }

    /** The sequence number of the next change operation, counted. */
    long nextSequence() {
        writable();
        return sequence++;
    }

    void putRecord(String table, int index, ObjectNode record) {
        writable(table).records.put(index, record);
    }

    void delete(String table, int index) {
        writable(table).deleted.put(index, Boolean.TRUE);
    }

    void parent(String table, int index, int incident) {
        writable(table).parents.put(index, incident);
    }

    void incident(int index, IncidentState state) {
        writable();
        incidents.put(index, state);
    }

    private Rows writable(String table) {
        writable();
        return rows.computeIfAbsent(table, t -> new Rows(new IndexMap<>(), new IndexMap<>(), new IndexMap<>()));
    }

    private void writable() {
        if (frozen) {
            throw new IllegalStateException("a published overlay never changes");
        }
    }
}
