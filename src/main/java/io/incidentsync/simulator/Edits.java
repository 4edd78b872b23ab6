package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How one record changes: what an edit alters, what an added record looks like. Runs only on the thread applying a
 * batch, with the overlay being built pinned, so the generators it calls see the batch's own changes so far (a new
 * incident's update sees the new incident). Every record it writes is a fresh copy; published ones are never touched.
 */
final class Edits {
    /** Statuses an edit moves an incident to: the ones an incident passes through once it is under way. */
    private static final List<String> EDIT_CATEGORIES = List.of("live", "learning", "closed", "paused");

    private final DataSet data;
    private final Times times;
    private final Catalog catalog;

    Edits(DataSet data) {
        this.data = data;
        this.times = data.times;
        this.catalog = data.catalog;
    }

    /** Whether a record is there to edit: it exists and, for a child record, its incident was not deleted. */
    boolean live(String table, int index) {
        if (!data.table(table).exists(index)) {
            return false;
        }
        return table.equals("incidents") || !data.incidents.deleted(data.children.parent(table, index));
    }

    /**
     * Up to n distinct live records of table (fewer when fewer are left), drawn at random: first by index draws,
     * then, should those keep missing (most records deleted), by a scan from a random start. Deterministic for the
     * same rand.
     */
    List<Integer> pick(String table, int n, Rand rand) {
        Table rows = data.table(table);
        int size = rows.size();
        Set<Integer> out = new LinkedHashSet<>();
        if (size == 0 || n <= 0) {
            return List.of();
        }
        for (int tries = 0; out.size() < n && tries < 20 * n + 100; tries++) {
            int i = rand.nextInt(size);
            if (live(table, i)) {
                out.add(i);
            }
        }
        int start = rand.nextInt(size);
        for (int k = 0; k < size && out.size() < n; k++) {
            int i = (start + k) % size;
            if (live(table, i)) {
                out.add(i);
            }
        }
        return new ArrayList<>(out);
    }

    /** What an incident edit did, for the webhooks it sends. */
    record IncidentEdit(int index, int previousStatus, int status, int updateIndex) {
        boolean statusChanged() {
            return previousStatus != status;
        }
    }

    /**
     * Edits an incident as a responder would: always a new name (so every edit shows), often a status change, a
     * summary note, a severity or a custom field text; updated_at and last_activity_at become now. A status change
     * also posts an incident update saying so, as does a third of the other edits.
     */
    IncidentEdit editIncident(Overlay next, int index, Rand rand) {
        long now = next.nowOffset();
        ObjectNode node = data.incidents.record(index).deepCopy();
        IncidentFacts facts = data.incidents.facts(index);
        String oldName = node.path("name").asText();
        String name = Texts.incidentName(rand);
        for (int tries = 0; name.equals(oldName) && tries < 20; tries++) {
            name = Texts.incidentName(rand);
        }
        if (name.equals(oldName)) {
            name = oldName + " (updated)";
        }
        node.put("name", name);
        int status = facts.status();
        if (rand.chance(0.4)) {
            List<Integer> candidates = new ArrayList<>();
            EDIT_CATEGORIES.forEach(c -> candidates.addAll(catalog.statusesOf(c)));
            candidates.remove(Integer.valueOf(facts.status()));
            status = rand.pick(candidates);
            node.set("incident_status", catalog.statuses.get(status));
        }
        if (rand.chance(0.4)) {
            // a note on top, so a summary of 100,000 characters stays one
            String note = "Update: " + Texts.words(rand, rand.between(3, 20));
            String summary = node.path("summary").asText("");
            node.put("summary", summary.isEmpty() ? note : note + "\n\n" + summary);
        }
        if (rand.chance(0.3)) {
            node.set("severity", rand.pick(catalog.severities));
        }
        if (rand.chance(0.3)) {
            editCustomFieldText(node, rand);
        }
        node.put("updated_at", times.at(now));
        node.put("last_activity_at", times.at(now));
        next.putRecord("incidents", index, node);
        next.incident(index, new Overlay.IncidentState(new IncidentFacts(facts.mode(), status, facts.isPrivate()),
                data.incidents.createdOffset(index), now));
        int update = status != facts.status() || rand.chance(0.33) ? addUpdate(next, index, rand) : -1;
        return new IncidentEdit(index, facts.status(), status, update);
    }

    /** Rewrites the first text custom field that has a value; an incident without one keeps its fields. */
    private static void editCustomFieldText(ObjectNode incident, Rand rand) {
        for (JsonNode entry : incident.path("custom_field_entries")) {
            for (JsonNode value : entry.path("values")) {
                if (value.has("value_text")) {
                    ((ObjectNode) value).put("value_text", Texts.words(rand, rand.between(2, 12)));
                    return;
                }
            }
        }
    }

    /**
     * A new incident declared now: mostly standard, sometimes retrospective or test, one in seven private, in
     * triage or live. Its id sorts after every existing one. It comes with its first update, and often a follow-up
     * and an action.
     */
    int addIncident(Overlay next, Rand rand) {
        long now = next.nowOffset();
        int index = data.table("incidents").reserve();
        double m = rand.nextDouble();
        String mode = m < 0.85 ? "standard" : m < 0.93 ? "retrospective" : "test";
        int status = rand.pick(catalog.statusesOf(rand.chance(0.3) ? "triage" : "live"));
        IncidentFacts facts = new IncidentFacts(mode, status, rand.chance(0.15));
        next.incident(index, new Overlay.IncidentState(facts, now, now));
        // generated with the facts and creation time just set, so its timestamps start now
        ObjectNode node = data.incidents.generate(index).deepCopy();
        node.put("updated_at", times.at(now));
        node.put("last_activity_at", times.at(now));
        next.putRecord("incidents", index, node);
        return index;
    }

    void deleteIncident(Overlay next, int index) {
        next.delete("incidents", index);
    }

    /** An incident update posted now, saying the incident's current status. */
    int addUpdate(Overlay next, int incident, Rand rand) {
        String table = "incident_updates";
        int index = data.table(table).reserve();
        next.parent(table, index, incident);
        ObjectNode node = data.table(table).generated(index).deepCopy();
        node.put("created_at", times.at(next.nowOffset()));
        node.remove("merged_into_incident_id");
        node.set("new_incident_status", catalog.statuses.get(data.incidents.facts(incident).status()));
        if (rand.chance(0.9)) {
            node.put("message", Texts.words(rand, rand.between(3, 30)));
        }
        next.putRecord(table, index, node);
        return index;
    }

    /** A follow-up or action (table "follow_ups" or "actions") of incident, created now and outstanding. */
    int addChild(Overlay next, String table, int incident) {
        int index = data.table(table).reserve();
        next.parent(table, index, incident);
        ObjectNode node = data.table(table).generated(index).deepCopy();
        String now = times.at(next.nowOffset());
        node.put("created_at", now);
        node.put("updated_at", now);
        node.put("status", "outstanding");
        node.remove("completed_at");
        next.putRecord(table, index, node);
        return index;
    }

    /** A follow-up or action moved to another status and reworded; completed ones are completed now. */
    void editChild(Overlay next, String table, int index, Rand rand) {
        ObjectNode node = data.table(table).current(index).deepCopy();
        String now = times.at(next.nowOffset());
        List<String> statuses = new ArrayList<>(IncidentChildren.STATUSES);
        statuses.remove(node.path("status").asText());
        String status = rand.pick(statuses);
        node.put("status", status);
        if (status.equals("completed")) {
            node.put("completed_at", now);
        } else {
            node.remove("completed_at");
        }
        if (table.equals("follow_ups")) {
            node.put("title", Texts.words(rand, rand.between(2, 8)).replace('\n', ' '));
        } else {
            node.put("description", Texts.words(rand, rand.between(3, 30)));
        }
        node.put("updated_at", now);
        next.putRecord(table, index, node);
    }
}
