package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Records that belong to an incident (updates, actions, follow-ups), generated on demand. Record r of a kind with k
 * records per incident belongs to incident r / k; records faults add later are spread over the original incidents;
 * records a change adds belong to the incident the change chose, as the current {@link Overlay} records.
 */
record IncidentChildren(long seed, int incidentCount, Times times, Catalog catalog, Users users, Incidents incidents,
                        Timeline timeline) {
    static final int UPDATES_PER_INCIDENT = 3;
    static final List<String> STATUSES = List.of("outstanding", "completed", "deleted", "not_doing");

    static int parent(int record, int perIncident, int incidentCount) {
        int base = perIncident * incidentCount;
        return record < base ? record / perIncident : (record - base) % incidentCount;
    }

    int updateParent(int record) {
        return parent("incident_updates", record);
    }

    int actionParent(int record) {
        return parent("actions", record);
    }

    int followUpParent(int record) {
        return parent("follow_ups", record);
    }

    /** The incident a record of incident_updates, actions or follow_ups belongs to. */
    int parent(String table, int record) {
        int changed = timeline.current().rows(table).parent(record);
        if (changed >= 0) {
            return changed;
        }
        return parent(record, table.equals("incident_updates") ? UPDATES_PER_INCIDENT : 1, incidentCount);
    }

    ObjectNode update(Ids ids, int record) {
        int incident = updateParent(record);
        int k = record % UPDATES_PER_INCIDENT;
        boolean last = k == UPDATES_PER_INCIDENT - 1;
        Rand rand = new Rand(seed, TableCode.INCIDENT_UPDATE.ordinal(), record);
        long start = incidents.createdOffset(incident);
        long created = times.beforeNow(start, start + (k + 1) * 600_000L + rand.nextInt(300_000));
        IncidentFacts facts = incidents.facts(incident);
        ObjectNode node = Json.object();
        node.put("created_at", times.at(created));
        node.put("id", ids.id(record));
        node.put("incident_id", incidents.ids().id(incident));
        String category = catalog.statuses.get(facts.status()).get("category").asText();
        if (last && category.equals("merged")) {
            node.put("merged_into_incident_id", incidents.ids().id(incident == 0 ? 1 : incident - 1));
        }
        if (rand.chance(0.85)) {
            node.put("message", Texts.words(rand, rand.between(3, 40)));
        }
        int status = last ? facts.status() : rand.pick(catalog.statusesOf(k == 0 ? "triage" : "live"));
        node.set("new_incident_status", catalog.statuses.get(status));
        if (rand.chance(0.5)) {
            node.set("new_severity", rand.pick(catalog.severities));
        }
        node.set("updater", incidents.actor(rand));
        node.put("next_update_in_minutes", rand.pick(List.of(0, 15, 30, 60, 240)));
        return node;
    }

    ObjectNode action(Ids ids, int record) {
        int incident = actionParent(record);
        Rand rand = new Rand(seed, TableCode.ACTION.ordinal(), record);
        Assigned assigned = assigned(rand, incident, 60_000, 7_200_000, 86_400_000, 0.8);
        ObjectNode node = assigned.node();
        node.put("description", Texts.words(rand, rand.between(3, 30)));
        node.put("id", ids.id(record));
        node.put("incident_id", incidents.ids().id(incident));
        node.put("status", assigned.status());
        node.put("updated_at", times.at(assigned.updated()));
        node.put("organisation_id", catalog.organisationId);
        return node;
    }

    ObjectNode followUp(Ids ids, int record) {
        int incident = followUpParent(record);
        Rand rand = new Rand(seed, TableCode.FOLLOW_UP.ordinal(), record);
        Assigned assigned = assigned(rand, incident, 3_600_000, 172_800_000, 604_800_000, 0.7);
        ObjectNode node = assigned.node();
        if (rand.chance(0.75)) {
            node.put("description", Texts.words(rand, rand.between(5, 50)));
        }
        if (rand.chance(0.3)) {
            String provider = rand.pick(List.of("jira", "linear", "github", "shortcut"));
            ObjectNode issue = node.putObject("external_issue_reference");
            issue.put("issue_name", "FU-" + record);
            issue.put("issue_permalink", "https://" + provider + ".example.com/FU-" + record);
            issue.put("provider", provider);
        }
        node.put("id", ids.id(record));
        node.put("incident_id", incidents.ids().id(incident));
        if (rand.chance(0.6)) {
            node.set("priority", rand.pick(catalog.priorities));
        }
        node.put("status", assigned.status());
        node.put("title", Texts.words(rand, rand.between(2, 8)).replace('\n', ' '));
        node.put("updated_at", times.at(assigned.updated()));
        return node;
    }

    /** An action's or follow-up's start: created after its incident, maybe assigned, completed when its status says so. */
    private record Assigned(ObjectNode node, String status, long updated) {
    }

    private Assigned assigned(Rand rand, int incident, int minDelay, int maxDelay, int maxAge, double assignedChance) {
        long start = incidents.createdOffset(incident);
        long created = times.beforeNow(start, start + rand.between(minDelay, maxDelay));
        long updated = times.beforeNow(start, created + rand.nextInt(maxAge));
        String status = rand.pick(STATUSES);
        ObjectNode node = Json.object();
        if (rand.chance(assignedChance)) {
            node.set("assignee", users.embedded(incidents.userFor(rand)));
        }
        if (status.equals("completed")) {
            node.put("completed_at", times.at(updated));
        }
        node.put("created_at", times.at(created));
        return new Assigned(node, status, updated);
    }
}
