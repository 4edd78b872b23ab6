package io.incidentsync.run;

import java.util.List;
import java.util.Map;

/** Every table and how incidents embed two of them. The listings themselves are described in routes/streams.camel.yaml. */
public final class Streams {

    /**
     * Every table, in the order a run starts them: the listings that feed the {@code incidents.updates}
     * and {@code incidents.actions} columns go first, so incidents never waits on a listing still queued.
     */
    public static final List<String> ALL = List.of(
            "incident_updates", "actions", "incidents", "follow_ups", "users", "custom_field_options",
            "custom_fields", "incident_roles", "incident_statuses", "incident_timestamps", "incident_types",
            "severities", "alerts", "alert_sources", "alert_routes", "alert_attributes", "incident_alerts",
            "escalations", "schedules", "schedule_entries", "catalog_types", "catalog_entries", "catalog_resources",
            "workflows", "incident_attachments");

    /** The tables of the original tap, which the default simulator and the oracle knew first. */
    public static final List<String> ORIGINAL = ALL.subList(0, 12);

    /** Child table to the {@code incidents} column that holds each incident's records of it as a JSON array. */
    public static final Map<String, String> INCIDENT_CHILDREN = Map.of(
            "incident_updates", "updates",
            "actions", "actions");

    /** The values incident_mode takes on the actions and follow-ups listings (one per call). */
    public static final List<String> CHILD_MODES = List.of("standard", "retrospective", "test", "tutorial", "stream");

    private Streams() {
    }
}
