package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a complete sync must end up with: the records of each table a key can see, in their current state, that is
 * after every change the simulated clock has applied so far ({@link Changes}). Each answer is read from one
 * published state, even while changes are being applied.
 */
public final class Oracle {
    private static final String SCHEDULE_ENTRIES = "schedule_entries";

    private final DataSet data;
    private final List<Endpoint> endpoints;

    Oracle(DataSet data, List<Endpoint> endpoints) {
        this.data = data;
        this.endpoints = endpoints;
    }

    /**
     * Every table name, in a fixed order: the twelve tables first, as they always were, then alerts, alert_sources,
     * alert_routes, alert_attributes, incident_alerts, escalations, schedules, schedule_entries, catalog_types,
     * catalog_entries, catalog_resources, workflows and incident_attachments.
     */
    public List<String> tables() {
        return endpoints.stream().map(Endpoint::table).toList();
    }

    /**
     * Every record of table that a key of this scope can list, whatever its mode, status category or incident mode,
     * including records added or removed by faults and unknown fields, in ascending id order (catalog_resources,
     * whose records have no id, in ascending order of type). Records of incident_updates, actions, follow_ups,
     * incident_alerts, incident_attachments and escalations that belong to a private incident are listed only for
     * privateScope. schedule_entries depend on a window: ask {@link #scheduleEntries} instead.
     *
     * @throws IllegalArgumentException for schedule_entries or a table that does not exist
     */
    public List<ObjectNode> records(String table, boolean privateScope) {
        if (table.equals(SCHEDULE_ENTRIES)) {
            throw new IllegalArgumentException("schedule_entries depend on a window: use Oracle.scheduleEntries("
                    + "windowStart, windowEnd)");
        }
        Endpoint endpoint = endpoint(table);
        Table rows = data.table(table);
        List<ObjectNode> out = new ArrayList<>();
        try (Timeline.Pin pin = data.timeline.pin()) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.exists(i) && endpoint.visibility().visible(data, i, privateScope)) {
                    out.add(rows.record(i));
                }
            }
        }
        return out;
    }

    /**
     * The incidents GET /v2/incidents?updated_at[gte]=since answers with every mode and status category asked for:
     * those last updated on that UTC date or later, in ascending id order. What an incremental sync from that date
     * must read, and (divided by its page size, rounded up) how many pages.
     */
    public List<ObjectNode> incidentsUpdatedSince(LocalDate since, boolean privateScope) {
        return incidentsUpdatedBetween(since, LocalDate.MAX, privateScope);
    }

    /** {@link #incidentsUpdatedSince(LocalDate, boolean)} for a key with the private scope. */
    public List<ObjectNode> incidentsUpdatedSince(LocalDate since) {
        return incidentsUpdatedSince(since, true);
    }

    /** The incidents updated_at[date_range]=from~to answers (every mode and category): by UTC date, both ends in. */
    public List<ObjectNode> incidentsUpdatedBetween(LocalDate from, LocalDate to, boolean privateScope) {
        Endpoint endpoint = endpoint("incidents");
        Table rows = data.table("incidents");
        long first = from.toEpochDay();
        long last = to.equals(LocalDate.MAX) ? Long.MAX_VALUE : to.toEpochDay();
        List<ObjectNode> out = new ArrayList<>();
        try (Timeline.Pin pin = data.timeline.pin()) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.exists(i) && endpoint.visibility().visible(data, i, privateScope)) {
                    long day = data.times.epochDay(data.incidents.updatedOffset(i));
                    if (day >= first && day <= last) {
                        out.add(rows.record(i));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The ids of the incidents changes deleted, ascending: what a sync that only reads what changed never hears of
     * (each answers 404 on GET /v2/incidents/{id}).
     */
    public List<String> deletedIncidentIds() {
        Table rows = data.table("incidents");
        TreeSet<String> ids = new TreeSet<>();
        data.timeline.published().rows("incidents").deletedIndexes().forEach(i -> ids.add(rows.id(i)));
        return List.copyOf(ids);
    }

    /** The simulated clock's current moment (see {@link Changes#now}). */
    public Instant now() {
        return data.times.instant(data.timeline.published().nowOffset());
    }

    /**
     * Every entry of every schedule that overlaps [windowStart, windowEnd), as GET /v2/schedule_entries serves it
     * for that window, each a copy with two fields added: "schedule_id" and "entry_list" ("final", "scheduled" or
     * "overrides"). Ordered by schedule id, then list (final, scheduled, overrides), then as served (start time).
     * (schedule_id, entry_list, fingerprint) is unique. Schedule entries are the same for every key.
     *
     * @throws IllegalArgumentException for a window the API refuses (empty, longer than 366 days, or outside the
     *                                  years 1900 to 9999)
     */
    public List<ObjectNode> scheduleEntries(Instant windowStart, Instant windowEnd) {
        String problem = Schedules.windowProblem(windowStart, windowEnd);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Table schedules = data.table("schedules");
        Table faults = data.table(SCHEDULE_ENTRIES);
        List<ObjectNode> out = new ArrayList<>();
        // schedules never change with the clock; reading them needs no pinned state
        for (int s = 0; s < schedules.size(); s++) {
            if (!schedules.exists(s)) {
                continue;
            }
            Schedules.Entries entries = data.schedules.entries(s, windowStart.toEpochMilli(), windowEnd.toEpochMilli());
            String scheduleId = schedules.id(s);
            for (Map.Entry<String, List<ObjectNode>> list : List.of(Map.entry("final", entries.fin()),
                    Map.entry("scheduled", entries.scheduled()), Map.entry("overrides", entries.overrides()))) {
                for (ObjectNode entry : list.getValue()) {
                    ObjectNode copy = faults.withUnknownFields(entry).deepCopy();
                    copy.put("schedule_id", scheduleId);
                    copy.put("entry_list", list.getKey());
                    out.add(copy);
                }
            }
        }
        return out;
    }

    private Endpoint endpoint(String table) {
        return endpoints.stream().filter(e -> e.table().equals(table)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + table + "; tables are " + tables()));
    }
}
