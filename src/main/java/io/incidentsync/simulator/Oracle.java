package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** What a complete sync must end up with: the records of each table a key can see, in their current state. */
public final class Oracle {
    private final DataSet data;
    private final List<Endpoint> endpoints;

    Oracle(DataSet data, List<Endpoint> endpoints) {
        this.data = data;
        this.endpoints = endpoints;
    }

    /** The twelve table names, in a fixed order. */
    public List<String> tables() {
        return endpoints.stream().map(Endpoint::table).toList();
    }

    /**
     * Every record of table that a key of this scope can list, whatever its mode, status category or incident mode,
     * including records added or removed by faults and unknown fields, in ascending id order.
     */
    public List<ObjectNode> records(String table, boolean privateScope) {
        Endpoint endpoint = endpoints.stream().filter(e -> e.table().equals(table)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + table + "; tables are " + tables()));
        Table rows = data.table(table);
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.exists(i) && endpoint.visibility().visible(data, i, privateScope)) {
                out.add(rows.record(i));
            }
        }
        return out;
    }

    /** Placeholder until the simulator serves schedules. */
    public List<ObjectNode> scheduleEntries(java.time.Instant windowStart, java.time.Instant windowEnd) {
        return List.of();
    }
}
