package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Incidents, generated from (seed, index) whenever they are served, unless a change of the simulated clock replaced,
 * added or deleted one: then the current {@link Overlay} says what it is now.
 */
final class Incidents {
    /** The catalog's timestamps, in its order (Catalog.java): a lifecycle's moments by their ordinal. */
    private enum Stamp { REPORTED, ACCEPTED, IMPACT_STARTED, IDENTIFIED, FIXED, RESOLVED, CLOSED }

    /** The categories of incidents that were never accepted: they were reported and no more. */
    private static final List<String> NOT_ACCEPTED = List.of("triage", "declined", "merged", "canceled");
    private static final int BIG_SUMMARY_EVERY = 997;
    private static final int BIG_SUMMARY_CHARS = 101_000;

    private final long seed;
    private final int baseCount;
    private final int userCount;
    private final Times times;
    private final Catalog catalog;
    private final Users users;
    private final Ids ids;
    private final Ids timestampValueIds;
    /** Statuses by category, in the order the distribution below is written. */
    private final List<List<Integer>> byCategory;
    private final Timeline timeline;
    /** How far apart incidents are created: the year before today, less two hours, shared out. */
    private final long spacing;
    /** The latest a generated incident is last updated: an hour and a minute before today (its last activity follows). */
    private final long latestUpdate;

    Incidents(long seed, int baseCount, int userCount, Times times, Catalog catalog, Users users, Timeline timeline) {
        this.seed = seed;
        this.baseCount = baseCount;
        this.userCount = userCount;
        this.times = times;
        this.catalog = catalog;
        this.users = users;
        this.ids = TableCode.INCIDENT.ids(seed);
        this.timestampValueIds = TableCode.TIMESTAMP_VALUE.ids(seed);
        this.byCategory = Catalog.CATEGORIES.stream().map(catalog::statusesOf).toList();
        this.timeline = timeline;
        this.spacing = (times.generatedUntil() - 7_200_000L) / Math.max(1, baseCount);
        this.latestUpdate = times.generatedUntil() - 3_660_000L;
    }

    /** How far apart generated incidents are created, in milliseconds. */
    long spacing() {
        return spacing;
    }

    Ids ids() {
        return ids;
    }

    /**
     * The first incidents cover every mode, status and visibility so even a tiny data set exercises the hidden-by-
     * default filters. Incidents added after the data set was built are plain standard, public, live ones.
     */
    IncidentFacts facts(int index) {
        Overlay.IncidentState changed = timeline.current().incident(index);
        if (changed != null) {
            return changed.facts();
        }
        if (index >= baseCount) {
            return new IncidentFacts("standard", catalog.statusesOf("live").get(0), false);
        }
        if (index < catalog.statuses.size()) {
            return new IncidentFacts(IncidentFacts.MODES.get(index % 4), index, index == 6);
        }
        Rand rand = new Rand(seed, TableCode.INCIDENT.ordinal() + 100, index);
        double m = rand.nextDouble();
        String mode = m < 0.75 ? "standard" : m < 0.86 ? "retrospective" : m < 0.95 ? "test" : "tutorial";
        double c = rand.nextDouble();
        // live 40%, closed 30%, learning 8%, triage 6%, declined, merged, canceled and paused 4% each
        String category = c < 0.40 ? "live" : c < 0.70 ? "closed" : c < 0.78 ? "learning" : c < 0.84 ? "triage"
                : c < 0.88 ? "declined" : c < 0.92 ? "merged" : c < 0.96 ? "canceled" : "paused";
        List<Integer> candidates = byCategory.get(Catalog.CATEGORIES.indexOf(category));
        return new IncidentFacts(mode, rand.pick(candidates), rand.chance(0.12));
    }

    long createdOffset(int index) {
        Overlay.IncidentState changed = timeline.current().incident(index);
        if (changed != null) {
            return changed.createdOffset();
        }
        Rand rand = new Rand(seed, TableCode.INCIDENT.ordinal() + 200, index);
        return index * spacing + (long) (rand.nextDouble() * (spacing / 2));
    }

    /** When the incident was last updated; as cheap as {@link #facts}, for the updated_at filters. */
    long updatedOffset(int index) {
        Overlay.IncidentState changed = timeline.current().incident(index);
        if (changed != null) {
            return changed.updatedOffset();
        }
        return lifecycle(index).updated();
    }

    /**
     * When an incident was reported, created and last updated, and when it reached each of the organisation's
     * timestamps, by position (-1: not reached). The moments follow the incident's status: an incident in triage,
     * declined, merged or canceled was only reported (its impact may have started before); a live or paused one was
     * accepted and maybe identified; one in post-incident was also fixed (mostly) and resolved; a closed one also
     * closed. In order: impact started, reported, created (within ten minutes of the report), accepted, identified,
     * fixed, resolved, closed, updated. A generated incident's moments are drawn closer together when the last of
     * them would otherwise come later than {@link #latestUpdate}, so that none is from the future: it then ends in the
     * second half of the time it had.
     */
    record Lifecycle(long reported, long created, long[] reached, long updated) {
    }

    Lifecycle lifecycle(int index) {
        long created = createdOffset(index);
        Rand rand = new Rand(seed, TableCode.INCIDENT.ordinal() + 300, index);
        String category = catalog.statuses.get(facts(index).status()).get("category").asText();
        long[] at = new long[catalog.timestamps.size()];
        java.util.Arrays.fill(at, -1);
        long reported = created - rand.nextInt(600_000);
        at[Stamp.REPORTED.ordinal()] = reported;
        if (rand.chance(0.6)) {
            at[Stamp.IMPACT_STARTED.ordinal()] = reported - rand.between(60_000, 7_200_000);
        }
        if (!NOT_ACCEPTED.contains(category)) {
            at[Stamp.ACCEPTED.ordinal()] = Math.max(created, reported + rand.between(60_000, 1_800_000));
            boolean over = category.equals("learning") || category.equals("closed");
            if (over || rand.chance(0.5)) {
                at[Stamp.IDENTIFIED.ordinal()] = at[Stamp.ACCEPTED.ordinal()] + rand.between(300_000, 14_400_000);
            }
            if (over) {
                long before = at[Stamp.IDENTIFIED.ordinal()];
                if (rand.chance(0.8)) {
                    at[Stamp.FIXED.ordinal()] = before + rand.between(300_000, 21_600_000);
                    before = at[Stamp.FIXED.ordinal()];
                }
                at[Stamp.RESOLVED.ordinal()] = before + rand.between(300_000, 7_200_000);
                if (category.equals("closed")) {
                    at[Stamp.CLOSED.ordinal()] = at[Stamp.RESOLVED.ordinal()] + rand.between(3_600_000, 864_000_000);
                }
            }
        }
        long last = created;
        for (long t : at) {
            last = Math.max(last, t);
        }
        long updated = last + rand.between(60_000, 3_600_000);
        double spread = rand.nextDouble();
        if (created < latestUpdate && updated > latestUpdate) {
            // ends somewhere in the second half of the time it had, so that recent incidents do not all end at once
            long end = created + (long) ((latestUpdate - created) * (0.5 + 0.5 * spread));
            double factor = (double) (end - created) / (updated - created);
            for (int t = 0; t < at.length; t++) {
                if (at[t] > created) {
                    at[t] = created + (long) ((at[t] - created) * factor);
                }
            }
            updated = end;
        }
        return new Lifecycle(reported, created, at, updated);
    }

    /** Whether a change deleted the incident: then its updates, follow-ups, actions and links are gone with it. */
    boolean deleted(int index) {
        return timeline.current().rows("incidents").deleted(index);
    }

    int userFor(Rand rand) {
        return rand.nextInt(userCount);
    }

    /** The incident as served now: as the last change left it, or as generated. */
    ObjectNode record(int index) {
        ObjectNode changed = timeline.current().rows("incidents").record(index);
        return changed != null ? changed : generate(index);
    }

    /** The incident as generated from its index and its facts (which a change may have set). */
    ObjectNode generate(int index) {
        IncidentFacts facts = facts(index);
        Rand rand = new Rand(seed, TableCode.INCIDENT.ordinal(), index);
        Lifecycle life = lifecycle(index);
        long created = life.created();
        long updated = life.updated();
        String id = ids.id(index);
        ObjectNode node = Json.object();
        if (rand.chance(0.6)) {
            node.put("call_url", "https://meet.example.com/inc-" + (index + 1));
        }
        node.put("created_at", times.at(created));
        node.set("creator", actor(rand));
        node.set("custom_field_entries", customFieldEntries(rand));
        node.set("duration_metrics", durationMetrics(life));
        if (rand.chance(0.2)) {
            node.set("external_issue_reference", externalIssue(rand, index));
        }
        if (rand.chance(0.7)) {
            node.put("has_debrief", rand.chance(0.3));
        }
        node.put("id", id);
        node.set("incident_role_assignments", roleAssignments(rand));
        node.set("incident_status", catalog.statuses.get(facts.status()));
        node.set("incident_timestamp_values", timestampValues(life, index, id));
        if (rand.chance(0.9)) {
            node.set("incident_type", rand.pick(catalog.incidentTypes));
        }
        node.put("mode", facts.mode());
        node.put("name", Texts.incidentName(rand));
        if (rand.chance(0.9)) {
            node.put("permalink", "https://app.incident.io/example/incidents/" + (index + 1));
        }
        if (rand.chance(0.3)) {
            node.put("postmortem_document_url", "https://docs.example.com/postmortems/" + id);
        }
        node.put("reference", "INC-" + (index + 1));
        if (rand.chance(0.85)) {
            node.set("severity", rand.pick(catalog.severities));
        }
        node.put("slack_channel_id", "C" + Ids.encode(Rand.mix(seed * 3 + index), 10));
        if (rand.chance(0.8)) {
            node.put("slack_channel_name", "inc-" + (index + 1) + "-" + rand.pick(List.of("db", "api", "ünï", "edge")));
        }
        node.put("slack_team_id", "T" + Ids.encode(Rand.mix(seed), 8));
        if (index % BIG_SUMMARY_EVERY == 5) {
            node.put("summary", Texts.longText(rand, BIG_SUMMARY_CHARS));
        } else if (rand.chance(0.7)) {
            node.put("summary", Texts.words(rand, rand.between(5, 60)));
        }
        node.put("updated_at", times.at(updated));
        node.put("visibility", facts.isPrivate() ? "private" : "public");
        if (rand.chance(0.5)) {
            double working = rand.nextInt(50_000) / 10.0;
            double late = rand.nextInt(5_000) / 10.0;
            double sleeping = rand.nextInt(2_000) / 10.0;
            node.put("workload_minutes_late", late);
            node.put("workload_minutes_sleeping", sleeping);
            node.put("workload_minutes_total", working + late + sleeping);
            node.put("workload_minutes_working", working);
        }
        node.put("external_id", Ids.encode(Rand.mix(seed * 5 + index), 26));
        node.put("idempotency_key", "inc-" + seed + "-" + index);
        node.put("did_opt_out_of_post_incident_flow", rand.chance(0.1));
        node.put("organisation_id", catalog.organisationId);
        node.put("last_activity_at", times.at(updated + rand.nextInt(3_600_000)));
        node.put("postmortem_status", rand.pick(List.of("not_started", "in_progress", "completed", "not_required")));
        node.put("reported_at", times.at(life.reported()));
        return node;
    }

    /** An updater or creator: usually a person, sometimes an API key. */
    ObjectNode actor(Rand rand) {
        ObjectNode actor = Json.object();
        if (rand.chance(0.15)) {
            actor.set("api_key", rand.pick(catalog.apiKeys));
        } else {
            actor.set("user", users.embedded(userFor(rand)));
        }
        return actor;
    }

    private ArrayNode customFieldEntries(Rand rand) {
        ArrayNode entries = Json.array();
        for (int f = 0; f < catalog.customFields.size(); f++) {
            if (!rand.chance(0.55)) {
                continue;
            }
            ObjectNode entry = entries.addObject();
            entry.set("custom_field", catalog.customFieldTypeInfos.get(f));
            ArrayNode values = entry.putArray("values");
            if (rand.chance(0.05)) {
                continue; // a field that was set and then cleared
            }
            switch (catalog.fieldType(f)) {
                case "single_select" -> values.add(selectValue(rand, f));
                case "multi_select" -> {
                    int count = rand.between(1, 3);
                    for (int k = 0; k < count; k++) {
                        values.add(selectValue(rand, f));
                    }
                }
                case "text" -> values.addObject().put("value_text", Texts.words(rand, rand.between(1, 25)));
                case "link" -> values.addObject().put("value_link", "https://example.com/runbooks/" + rand.nextInt(900)
                        + "?q=\"a b\"&lang=ünï");
                default -> values.addObject().put("value_numeric", numeric(rand));
            }
        }
        return entries;
    }

    private ObjectNode selectValue(Rand rand, int field) {
        ObjectNode value = Json.object();
        if (catalog.catalogBacked(field)) {
            value.set("value_catalog_entry", rand.pick(catalog.catalogEntries));
        } else {
            value.set("value_option", catalog.options.get(rand.pick(catalog.optionsOfField.get(field))));
        }
        return value;
    }

    private static String numeric(Rand rand) {
        return rand.chance(0.5) ? Integer.toString(rand.nextInt(100_000)) : rand.nextInt(10_000) + "." + rand.nextInt(100);
    }

    /** Each metric of the organisation: the seconds between its two timestamps once both are reached, else in progress. */
    private ArrayNode durationMetrics(Lifecycle life) {
        ArrayNode out = Json.array();
        for (ObjectNode metric : catalog.durationMetrics) {
            ObjectNode entry = out.addObject();
            entry.set("duration_metric", metric);
            long from = life.reached()[catalog.timestampPosition(metric.get("from_timestamp_id").asText())];
            long to = life.reached()[catalog.timestampPosition(metric.get("to_timestamp_id").asText())];
            boolean complete = from >= 0 && to >= 0;
            if (complete) {
                entry.put("value_seconds", (to - from) / 1000);
            }
            entry.put("status", complete ? "complete" : "in_progress");
        }
        return out;
    }

    private static ObjectNode externalIssue(Rand rand, int index) {
        String provider = rand.pick(List.of("asana", "azure_devops", "click_up", "linear", "jira", "jira_server",
                "github", "gitlab", "shortcut"));
        ObjectNode node = Json.object();
        node.put("issue_name", "OPS-" + (index + 100));
        node.put("issue_permalink", "https://" + provider.replace('_', '-') + ".example.com/issues/OPS-" + (index + 100));
        node.put("provider", provider);
        return node;
    }

    private ArrayNode roleAssignments(Rand rand) {
        ArrayNode out = Json.array();
        for (int role = 0; role < catalog.roles.size(); role++) {
            if (role >= 2 && !rand.chance(0.3)) {
                continue;
            }
            ObjectNode assignment = out.addObject();
            if (rand.chance(0.85)) {
                assignment.set("assignee", users.embedded(userFor(rand)));
            }
            assignment.set("role", catalog.embeddedRole(role));
        }
        return out;
    }

    private ArrayNode timestampValues(Lifecycle life, int index, String incidentId) {
        ArrayNode out = Json.array();
        int count = catalog.timestamps.size();
        for (int t = 0; t < count; t++) {
            ObjectNode entry = out.addObject();
            ObjectNode timestamp = catalog.timestamps.get(t);
            entry.set("incident_timestamp", timestamp);
            long at = life.reached()[t];
            if (at >= 0) {
                ObjectNode value = entry.putObject("value");
                value.put("value", times.at(at));
                value.put("id", timestampValueIds.id((long) index * count + t));
                value.put("incident_id", incidentId);
                value.put("incident_timestamp_id", timestamp.get("id").asText());
                value.put("created_at", times.at(at + 1_000));
            }
        }
        return out;
    }
}
