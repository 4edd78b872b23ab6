package io.incidentsync.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every table of one simulated account, derived from a seed and an incident count. */
final class DataSet {
    final Catalog catalog;
    final Incidents incidents;
    final IncidentChildren children;
    private final Map<String, Table> tables = new LinkedHashMap<>();

    DataSet(long seed, int incidentCount) {
        int userCount = incidentCount / 10 + 10;
        Times times = new Times(seed);
        Users users = new Users(seed);
        catalog = new Catalog(seed, times, users);
        incidents = new Incidents(seed, incidentCount, userCount, times, catalog, users);
        children = new IncidentChildren(seed, incidentCount, times, catalog, users, incidents);

        Ids updateIds = TableCode.INCIDENT_UPDATE.ids(seed);
        Ids actionIds = TableCode.ACTION.ids(seed);
        Ids followUpIds = TableCode.FOLLOW_UP.ids(seed);
        add(new Table("incidents", incidents.ids(), incidentCount, incidents::record, true));
        add(new Table("actions", actionIds, incidentCount, i -> children.action(actionIds, i), true));
        add(fixed("custom_field_options", TableCode.CUSTOM_FIELD_OPTION, seed, catalog.options));
        add(fixed("custom_fields", TableCode.CUSTOM_FIELD, seed, catalog.customFields));
        add(new Table("follow_ups", followUpIds, incidentCount, i -> children.followUp(followUpIds, i), true));
        add(fixed("incident_roles", TableCode.ROLE, seed, catalog.roles));
        add(fixed("incident_statuses", TableCode.STATUS, seed, catalog.statuses));
        add(fixed("incident_timestamps", TableCode.TIMESTAMP, seed, catalog.timestamps));
        add(fixed("incident_types", TableCode.INCIDENT_TYPE, seed, catalog.incidentTypes));
        add(new Table("incident_updates", updateIds, incidentCount * IncidentChildren.UPDATES_PER_INCIDENT,
                i -> children.update(updateIds, i), true));
        add(fixed("severities", TableCode.SEVERITY, seed, catalog.severities));
        add(new Table("users", users.ids(), userCount, i -> users.listed(i, catalog), true));
    }

    private static Table fixed(String name, TableCode code, long seed, List<? extends com.fasterxml.jackson.databind.node.ObjectNode> rows) {
        return new Table(name, code.ids(seed), rows.size(), rows::get, false);
    }

    private void add(Table table) {
        tables.put(table.name(), table);
    }

    Table table(String name) {
        Table table = tables.get(name);
        if (table == null) {
            throw new IllegalArgumentException("no table " + name + "; tables are " + tables.keySet());
        }
        return table;
    }

    List<String> tableNames() {
        return List.copyOf(tables.keySet());
    }
}
