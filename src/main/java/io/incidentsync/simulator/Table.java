package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * One table of the data set: records addressed by index, built on demand, plus what faults changed since start
 * (records added at the end, records removed, fields the spec does not know yet) and what the simulated clock's
 * changes did (the current {@link Overlay}: records replaced, added or deleted).
 */
final class Table {
    private final String name;
    private final Ids ids;
    private final int baseCount;
    private final IntFunction<ObjectNode> generator;
    private final boolean growable;
    private final AtomicInteger added = new AtomicInteger();
    private final Set<Integer> removed = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> unknownFields = new ConcurrentSkipListMap<>();
    private final Map<String, Map<String, Object>> mapEntries = new ConcurrentSkipListMap<>();
    /**
     * Indexes a change reserved. Such a record exists only in the overlays that hold it: a page pinned to an overlay
     * from before the change must not see the generator's stand-in for that index.
     */
    private final Set<Integer> changeOwned = ConcurrentHashMap.newKeySet();
    private final Timeline timeline;

    /** growable: the generator can build records past baseCount, so faults and changes may add records. */
    Table(String name, Ids ids, int baseCount, IntFunction<ObjectNode> generator, boolean growable,
          Timeline timeline) {
        this.name = name;
        this.ids = ids;
        this.baseCount = baseCount;
        this.generator = generator;
        this.growable = growable;
        this.timeline = timeline;
    }

    String name() {
        return name;
    }

    int size() {
        return baseCount + added.get();
    }

    boolean exists(int index) {
        if (index < 0 || index >= size() || removed.contains(index)) {
            return false;
        }
        Overlay overlay = timeline.current();
        if (overlay.isEmpty() && changeOwned.isEmpty()) {
            return true;
        }
        Overlay.Rows rows = overlay.rows(name);
        return !rows.deleted(index) && (!changeOwned.contains(index) || rows.has(index));
    }

    String id(int index) {
        return ids.id(index);
    }

    /** The index an id of this table stands for, or -1. */
    long indexOf(String id) {
        return ids.index(id);
    }

    /** The record as the API serves it now. Callers may keep but must not change it. */
    ObjectNode record(int index) {
        ObjectNode changed = timeline.current().rows(name).record(index);
        return withUnknownFields(changed != null ? changed : generator.apply(index));
    }

    /** The record as changes left it, or as generated, without the fields faults add: what a change starts from. */
    ObjectNode current(int index) {
        ObjectNode changed = timeline.current().rows(name).record(index);
        return changed != null ? changed : generator.apply(index);
    }

    /** The record as the generator builds it from its index, ignoring changes and faults. */
    ObjectNode generated(int index) {
        return generator.apply(index);
    }

    /** node with the fields faults added to this table's records; node itself when there are none. */
    ObjectNode withUnknownFields(ObjectNode node) {
        if (unknownFields.isEmpty() && mapEntries.isEmpty()) {
            return node;
        }
        ObjectNode copy = node.deepCopy();
        unknownFields.forEach((field, value) -> copy.set(field, Json.MAPPER.valueToTree(value)));
        mapEntries.forEach((field, entries) -> {
            if (copy.get(field) instanceof ObjectNode map) {
                entries.forEach((key, value) -> map.set(key, Json.MAPPER.valueToTree(value)));
            }
        });
        return copy;
    }

    synchronized int add() {
        if (!growable) {
            throw new UnsupportedOperationException("records cannot be added to " + name);
        }
        return baseCount + added.getAndIncrement();
    }

    /**
     * An index for a record a change adds; it exists once an overlay holding its record is published. Marked as
     * the change's before the table grows, so no reader ever sees the index without knowing whose it is.
     */
    synchronized int reserve() {
        if (!growable) {
            throw new UnsupportedOperationException("records cannot be added to " + name);
        }
        int index = baseCount + added.get();
        changeOwned.add(index);
        added.incrementAndGet();
        return index;
    }

    void remove(int index) {
        removed.add(index);
    }

    void unknownField(String field, Object value) {
        unknownFields.put(field, value);
    }

    /** Every record's object {@code field} (a map keyed by data) gains the entry {@code key}. */
    void mapEntry(String field, String key, Object value) {
        mapEntries.computeIfAbsent(field, f -> new ConcurrentSkipListMap<>()).put(key, value);
    }

    void clearFaults() {
        unknownFields.clear();
        mapEntries.clear();
    }
}
