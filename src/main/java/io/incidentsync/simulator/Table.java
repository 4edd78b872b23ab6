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
 * (records added at the end, records removed, fields the spec does not know yet).
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

    /** growable: the generator can build records past baseCount, so faults may add records. */
    Table(String name, Ids ids, int baseCount, IntFunction<ObjectNode> generator, boolean growable) {
        this.name = name;
        this.ids = ids;
        this.baseCount = baseCount;
        this.generator = generator;
        this.growable = growable;
    }

    String name() {
        return name;
    }

    int size() {
        return baseCount + added.get();
    }

    boolean exists(int index) {
        return index >= 0 && index < size() && !removed.contains(index);
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
        return withUnknownFields(generator.apply(index));
    }

    /** node with the fields faults added to this table's records; node itself when there are none. */
    ObjectNode withUnknownFields(ObjectNode node) {
        if (unknownFields.isEmpty()) {
            return node;
        }
        ObjectNode copy = node.deepCopy();
        unknownFields.forEach((field, value) -> copy.set(field, Json.MAPPER.valueToTree(value)));
        return copy;
    }

    int add() {
        if (!growable) {
            throw new UnsupportedOperationException("records cannot be added to " + name);
        }
        return baseCount + added.getAndIncrement();
    }

    void remove(int index) {
        removed.add(index);
    }

    void unknownField(String field, Object value) {
        unknownFields.put(field, value);
    }

    void clearFaults() {
        unknownFields.clear();
    }
}
