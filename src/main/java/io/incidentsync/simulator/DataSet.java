package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Every table of one simulated account, derived from a seed and an incident count. */
final class DataSet {
    final Catalog catalog;
    final Incidents incidents;
    final IncidentChildren children;
    final Schedules schedules;
    final CatalogTypes catalogTypes;
    final Workflows workflows;
    final Alerting alerting;
    final Escalations escalations;
    final Attachments attachments;
    final Times times;
    final Timeline timeline;
    private final Map<String, Table> tables = new LinkedHashMap<>();

    DataSet(long seed, int incidentCount, java.time.Instant now) {
        int userCount = incidentCount / 10 + 10;
        times = new Times(now);
        timeline = new Timeline(Overlay.initial(times.nowOffset()));
        Users users = new Users(seed);
        catalog = new Catalog(seed, times, users);
        incidents = new Incidents(seed, incidentCount, userCount, times, catalog, users, timeline);
        children = new IncidentChildren(seed, incidentCount, times, catalog, users, incidents, timeline);

        Ids updateIds = TableCode.INCIDENT_UPDATE.ids(seed);
        Ids actionIds = TableCode.ACTION.ids(seed);
        Ids followUpIds = TableCode.FOLLOW_UP.ids(seed);
        add(generated("incidents", incidents.ids(), incidentCount, incidents::record, true));
        add(generated("actions", actionIds, incidentCount, i -> children.action(actionIds, i), true));
        add(fixed("custom_field_options", TableCode.CUSTOM_FIELD_OPTION, seed, catalog.options));
        add(fixed("custom_fields", TableCode.CUSTOM_FIELD, seed, catalog.customFields));
        add(generated("follow_ups", followUpIds, incidentCount, i -> children.followUp(followUpIds, i), true));
        add(fixed("incident_roles", TableCode.ROLE, seed, catalog.roles));
        add(fixed("incident_statuses", TableCode.STATUS, seed, catalog.statuses));
        add(fixed("incident_timestamps", TableCode.TIMESTAMP, seed, catalog.timestamps));
        add(fixed("incident_types", TableCode.INCIDENT_TYPE, seed, catalog.incidentTypes));
        add(generated("incident_updates", updateIds, incidentCount * IncidentChildren.UPDATES_PER_INCIDENT,
                i -> children.update(updateIds, i), true));
        add(fixed("severities", TableCode.SEVERITY, seed, catalog.severities));
        add(generated("users", users.ids(), userCount, i -> users.listed(i, catalog), true));

        schedules = new Schedules(seed, incidentCount, userCount, times, users);
        catalogTypes = new CatalogTypes(seed, times, catalog, users, userCount, schedules);
        workflows = new Workflows(seed, times, catalog, catalogTypes);
        alerting = new Alerting(seed, incidentCount, times, catalog, incidents, catalogTypes);
        escalations = new Escalations(seed, incidentCount, userCount, times, users, incidents, workflows, alerting);
        attachments = new Attachments(seed, incidentCount, times, catalog, incidents);
        add(generated("alerts", alerting.alertIds(), alerting.alertCount(), alerting::alert, true));
        add(fixed("alert_sources", TableCode.ALERT_SOURCE, seed, alerting.sources));
        add(fixed("alert_routes", TableCode.ALERT_ROUTE, seed, alerting.routes));
        add(fixed("alert_attributes", TableCode.ALERT_ATTRIBUTE, seed, alerting.attributes));
        add(generated("incident_alerts", TableCode.INCIDENT_ALERT.ids(seed), alerting.linkCount(),
                alerting::incidentAlert, false));
        add(generated("escalations", TableCode.ESCALATION.ids(seed), escalations.escalationCount(), escalations::escalation,
                true));
        add(generated("schedules", schedules.ids(), schedules.count(), schedules::record, false));
        // no records of its own: entries are computed per window; the table carries unknown-field faults
        add(generated("schedule_entries", TableCode.SCHEDULE_ENTRY.ids(seed), 0, i -> {
            throw new IllegalStateException("schedule entries are computed per window");
        }, false));
        add(fixed("catalog_types", TableCode.CATALOG_TYPE, seed, catalogTypes.types));
        add(fixed("catalog_entries", TableCode.CATALOG_ENTRY, seed, catalogTypes.entries));
        add(fixed("catalog_resources", TableCode.CATALOG_RESOURCE, seed, catalogTypes.resources));
        add(fixed("workflows", TableCode.WORKFLOW, seed, workflows.workflows));
        add(generated("incident_attachments", attachments.ids(), attachments.count(), attachments::record, true));
    }

    private Table fixed(String name, TableCode code, long seed, List<? extends ObjectNode> rows) {
        return new Table(name, code.ids(seed), rows.size(), rows::get, false, timeline);
    }

    private void add(Table table) {
        tables.put(table.name(), table);
    }

    /** A table whose records are generated from their index; growable ones take records faults and changes add. */
    private Table generated(String name, Ids ids, int count, IntFunction<ObjectNode> generator, boolean growable) {
        return new Table(name, ids, count, generator, growable, timeline);
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
