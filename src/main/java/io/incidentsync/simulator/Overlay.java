package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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
        private static final Rows NONE = new Rows(Map.of(), Set.of(), Map.of());

        private final Map<Integer, ObjectNode> records;
        private final Set<Integer> deleted;
        /** Records added to a child table: the index of the incident each belongs to. */
        private final Map<Integer, Integer> parents;

        private Rows(Map<Integer, ObjectNode> records, Set<Integer> deleted, Map<Integer, Integer> parents) {
            this.records = records;
            this.deleted = deleted;
            this.parents = parents;
        }

        private Rows copy() {
            return new Rows(new HashMap<>(records), new HashSet<>(deleted), new HashMap<>(parents));
        }

        private Rows frozen() {
            return new Rows(Collections.unmodifiableMap(records), Collections.unmodifiableSet(deleted),
                    Collections.unmodifiableMap(parents));
        }

        /** The record as a change left it, or null when no change replaced or added it. */
        ObjectNode record(int index) {
            return records.isEmpty() ? null : records.get(index);
        }

        boolean has(int index) {
            return records.containsKey(index);
        }

        boolean deleted(int index) {
            return !deleted.isEmpty() && deleted.contains(index);
        }

        /** The parent incident of a record a change added, or -1. */
        int parent(int index) {
            if (parents.isEmpty()) {
                return -1;
            }
            Integer parent = parents.get(index);
            return parent == null ? -1 : parent;
        }

        Set<Integer> deletedIndexes() {
            return deleted;
        }
    }

    private long nowOffset;
    private long sequence;
    private final Map<String, Rows> rows;
    private final Map<Integer, IncidentState> incidents;
    private boolean frozen;

    private Overlay(long nowOffset, long sequence, Map<String, Rows> rows, Map<Integer, IncidentState> incidents) {
        this.nowOffset = nowOffset;
        this.sequence = sequence;
        this.rows = rows;
        this.incidents = incidents;
    }

    /** Nothing changed yet; the clock stands at nowOffset. */
    static Overlay initial(long nowOffset) {
        Overlay overlay = new Overlay(nowOffset, 0, Map.of(), Map.of());
        overlay.frozen = true;
        return overlay;
    }

    /** A private, changeable copy to build the next state in. */
    Overlay next() {
        Map<String, Rows> copied = new HashMap<>();
        rows.forEach((table, r) -> copied.put(table, r.copy()));
        return new Overlay(nowOffset, sequence, copied, new HashMap<>(incidents));
    }

    /** This overlay, made read-only; called once, before it is published. */
    Overlay freeze() {
        Map<String, Rows> frozenRows = new HashMap<>();
        rows.forEach((table, r) -> frozenRows.put(table, r.frozen()));
        Overlay out = new Overlay(nowOffset, sequence, Collections.unmodifiableMap(frozenRows),
                Collections.unmodifiableMap(incidents));
        out.frozen = true;
        frozen = true;
        return out;
    }

    /** True while no record was replaced, added or deleted: every read can go straight to the generators. */
    boolean isEmpty() {
        return rows.isEmpty() && incidents.isEmpty();
    }

    /** The simulated "now", in milliseconds since the data set's epoch. */
    long nowOffset() {
        return nowOffset;
    }

    /** How many change operations led here; each seeds its own random stream from this. */
    long sequence() {
        return sequence;
    }

    Rows rows(String table) {
        Rows r = rows.get(table);
        return r == null ? Rows.NONE : r;
    }

    /** The incident's facts and timestamps as changes left them, or null when no change touched it. */
    IncidentState incident(int index) {
        return incidents.isEmpty() ? null : incidents.get(index);
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
        writable(table).deleted.add(index);
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
        return rows.computeIfAbsent(table, t -> new Rows(new HashMap<>(), new HashSet<>(), new HashMap<>()));
    }

    private void writable() {
        if (frozen) {
            throw new IllegalStateException("a published overlay never changes");
        }
    }
}
