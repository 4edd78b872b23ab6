package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/** The registry of list endpoints the simulator serves, in a fixed order. */
final class Endpoints {
    static final int MAX_PAGE_SIZE = 250;
    /** The alerting endpoints' maximum page size (alerts, alert routes, incident alerts, escalations). */
    static final int ALERTING_MAX_PAGE_SIZE = 50;
    private static final Set<String> DEFAULT_MODES = Set.of("standard", "retrospective");
    private static final Set<String> HIDDEN_CATEGORIES = Set.of("declined", "canceled", "merged");
    private static final List<String> CHILD_MODES = List.of("standard", "retrospective", "test", "tutorial", "stream");

    private Endpoints() {
    }

    static List<Endpoint> all() {
        return List.of(
                new Endpoint("/v2/incidents", "incidents", "incidents", MAX_PAGE_SIZE, List.of(), true, true,
                        (data, i, scope) -> scope || !data.incidents.facts(i).isPrivate(), Endpoints::incidentFilter),
                unpagedChild("/v2/actions", "actions"),
                new Endpoint("/v1/custom_field_options", "custom_field_options", "custom_field_options",
                        MAX_PAGE_SIZE, List.of("custom_field_id"), false, false, Endpoint.Visibility.ALL,
                        Endpoints::optionFilter),
                fixed("/v2/custom_fields", "custom_fields"),
                unpagedChild("/v2/follow_ups", "follow_ups"),
                fixed("/v2/incident_roles", "incident_roles"),
                fixed("/v1/incident_statuses", "incident_statuses"),
                fixed("/v2/incident_timestamps", "incident_timestamps"),
                fixed("/v1/incident_types", "incident_types"),
                new Endpoint("/v2/incident_updates", "incident_updates", "incident_updates", MAX_PAGE_SIZE, List.of(),
                        false, false, parentVisible(data -> data.children::updateParent),
                        incidentIdFilter(data -> data.children::updateParent)),
                fixed("/v1/severities", "severities"),
                new Endpoint("/v2/users", "users", "users", MAX_PAGE_SIZE, List.of(), false, false,
                        Endpoint.Visibility.ALL, Endpoints::userFilter),
                // beyond the twelve tables
                new Endpoint("/v2/alerts", "alerts", "alerts", ALERTING_MAX_PAGE_SIZE, List.of("page_size"), false,
                        false, Endpoint.Visibility.ALL, Endpoint.Filter.NONE),
                fixed("/v2/alert_sources", "alert_sources"),
                new Endpoint("/v2/alert_routes", "alert_routes", "alert_routes", ALERTING_MAX_PAGE_SIZE,
                        List.of("page_size"), false, false, Endpoint.Visibility.ALL, Endpoint.Filter.NONE),
                fixed("/v2/alert_attributes", "alert_attributes"),
                new Endpoint("/v2/incident_alerts", "incident_alerts", "incident_alerts", ALERTING_MAX_PAGE_SIZE,
                        List.of("page_size"), false, false, parentVisible(data -> data.alerting::linkIncident),
                        Endpoints::incidentAlertFilter),
                new Endpoint("/v2/escalations", "escalations", "escalations", ALERTING_MAX_PAGE_SIZE, List.of(),
                        false, false, Endpoints::escalationVisible, Endpoints::escalationFilter),
                new Endpoint("/v2/schedules", "schedules", "schedules", MAX_PAGE_SIZE, List.of(), false, true,
                        Endpoint.Visibility.ALL, Endpoint.Filter.NONE),
                new Endpoint("/v2/schedule_entries", "schedule_entries", "schedule_entries", 0,
                        List.of("schedule_id"), false, false, Endpoint.Visibility.ALL, Endpoint.Filter.NONE,
                        Endpoint.Extras.NONE, Endpoints::scheduleEntries),
                fixed("/v3/catalog_types", "catalog_types"),
                new Endpoint("/v3/catalog_entries", "catalog_entries", "catalog_entries", MAX_PAGE_SIZE,
                        List.of("catalog_type_id", "page_size"), false, false, Endpoint.Visibility.ALL,
                        Endpoints::catalogEntryFilter, Endpoints::catalogTypeOfEntries, null),
                new Endpoint("/v3/catalog_resources", "catalog_resources", "resources", 0, List.of(), false, false,
                        Endpoint.Visibility.ALL, Endpoint.Filter.NONE),
                fixed("/v2/workflows", "workflows"),
                new Endpoint("/v1/incident_attachments", "incident_attachments", "incident_attachments", 0,
                        List.of(), false, false, parentVisible(data -> data.attachments::parent),
                        Endpoints::attachmentFilter));
    }

    private static Endpoint fixed(String path, String table) {
        return new Endpoint(path, table, table, 0, List.of(), false, false, Endpoint.Visibility.ALL,
                Endpoint.Filter.NONE);
    }

    /** Actions and follow-ups: one record per incident, answered unpaged, filtered by their incident's mode. */
    private static Endpoint unpagedChild(String path, String table) {
        java.util.function.Function<DataSet, IntUnaryOperator> parent = data -> i -> data.children.parent(table, i);
        Endpoint.Filter byId = incidentIdFilter(parent);
        Endpoint.Filter filter = (query, data) -> {
            IntPredicate mode = childModeFilter(query, data, parent.apply(data));
            IntPredicate incident = byId.parse(query, data);
            return i -> mode.test(i) && incident.test(i);
        };
        return new Endpoint(path, table, table, 0, List.of(), false, false, parentVisible(parent), filter);
    }

    /**
     * A record that belongs to an incident is listed while its incident is: never once a change deleted the incident
     * (as incident.io drops a deleted incident's updates, follow-ups, actions, alert links and attachments), and for
     * a private incident only to a key with the private scope.
     */
    private static Endpoint.Visibility parentVisible(java.util.function.Function<DataSet, IntUnaryOperator> parent) {
        return (data, i, scope) -> {
            int incident = parent.apply(data).applyAsInt(i);
            return !data.incidents.deleted(incident) && (scope || !data.incidents.facts(incident).isPrivate());
        };
    }

    private static IntPredicate childModeFilter(QueryParams query, DataSet data, IntUnaryOperator parent) {
        List<String> modes = query.all("incident_mode");
        if (modes.size() > 1) {
            throw ApiError.validation("incident_mode", "incident_mode takes one value");
        }
        if (modes.isEmpty()) {
            return i -> data.incidents.facts(parent.applyAsInt(i)).defaultMode();
        }
        String mode = modes.get(0);
        if (!CHILD_MODES.contains(mode)) {
            throw ApiError.validation("incident_mode", "incident_mode must be one of " + CHILD_MODES);
        }
        return i -> data.incidents.facts(parent.applyAsInt(i)).mode().equals(mode);
    }

    private static Endpoint.Filter incidentIdFilter(java.util.function.Function<DataSet, IntUnaryOperator> parent) {
        return (query, data) -> {
            String incidentId = query.first("incident_id");
            if (incidentId == null) {
                return i -> true;
            }
            long incident = data.incidents.ids().index(incidentId);
            IntUnaryOperator parentOf = parent.apply(data);
            return i -> parentOf.applyAsInt(i) == incident;
        };
    }

    private static IntPredicate incidentFilter(QueryParams query, DataSet data) {
        Set<String> modes = oneOf(query, "mode", Set.copyOf(IncidentFacts.MODES), DEFAULT_MODES, false);
        Set<String> categories = oneOf(query, "status_category", Set.copyOf(Catalog.CATEGORIES),
                complement(Catalog.CATEGORIES, HIDDEN_CATEGORIES), true);
        Set<String> statusIds = new HashSet<>();
        data.catalog.statuses.forEach(s -> statusIds.add(s.get("id").asText()));
        Set<String> statuses = oneOf(query, "status", statusIds, statusIds, true);
        DateFilter created = DateFilter.parse(query, "created_at");
        DateFilter updated = DateFilter.parse(query, "updated_at");
        return i -> {
            IncidentFacts facts = data.incidents.facts(i);
            var status = data.catalog.statuses.get(facts.status());
            return modes.contains(facts.mode()) && categories.contains(status.get("category").asText())
                    && statuses.contains(status.get("id").asText())
                    && (created == null || created.test(data.times.epochDay(data.incidents.createdOffset(i))))
                    && (updated == null || updated.test(data.times.epochDay(data.incidents.updatedOffset(i))));
        };
    }

    /** The values a bracketed filter lets through: its one_of list, everything but its not_in list, or defaults. */
    private static Set<String> oneOf(QueryParams query, String name, Set<String> known, Set<String> defaults,
                                     boolean notInAllowed) {
        Map<String, List<String>> filter = query.filter(name);
        if (filter.isEmpty()) {
            return defaults;
        }
        Set<String> allowed = new HashSet<>(known);
        filter.forEach((operator, values) -> {
            for (String value : values) {
                if (!known.contains(value)) {
                    throw ApiError.validation(name, "unknown " + name + " '" + value + "'");
                }
            }
            if (operator.equals("one_of")) {
                allowed.retainAll(values);
            } else if (operator.equals("not_in") && notInAllowed) {
                values.forEach(allowed::remove);
            } else {
                throw ApiError.validation(name, "unsupported operator '" + operator + "' for " + name);
            }
        });
        return allowed;
    }

    private static Set<String> complement(List<String> all, Set<String> hidden) {
        Set<String> out = new HashSet<>(all);
        out.removeAll(hidden);
        return out;
    }

    private static IntPredicate optionFilter(QueryParams query, DataSet data) {
        String field = query.first("custom_field_id");
        return i -> data.catalog.options.get(i).get("custom_field_id").asText().equals(field);
    }

    private static IntPredicate userFilter(QueryParams query, DataSet data) {
        String email = query.first("email");
        String slack = query.first("slack_user_id");
        if (email == null && slack == null) {
            return i -> true;
        }
        Table users = data.table("users");
        return i -> {
            var user = users.record(i);
            return (email == null || email.equalsIgnoreCase(user.path("email").asText(null)))
                    && (slack == null || slack.equals(user.path("slack_user_id").asText(null)));
        };
    }

    // ---------------------------------------------------------------- beyond the twelve tables

    /** An escalation about an alert of a private incident is listed only for a key with the private scope. */
    private static boolean escalationVisible(DataSet data, int index, boolean privateScope) {
        if (privateScope) {
            return true;
        }
        int incident = data.escalations.escalationIncident(index);
        return incident < 0 || !data.incidents.facts(incident).isPrivate();
    }

    /** created_at and updated_at by date; an escalation's timestamps come only with its record, so it is built. */
    private static IntPredicate escalationFilter(QueryParams query, DataSet data) {
        DateFilter created = DateFilter.parse(query, "created_at");
        DateFilter updated = DateFilter.parse(query, "updated_at");
        if (created == null && updated == null) {
            return i -> true;
        }
        Table escalations = data.table("escalations");
        return i -> {
            ObjectNode record = escalations.record(i);
            return (created == null || created.test(DateFilter.dayOf(record.get("created_at").asText())))
                    && (updated == null || updated.test(DateFilter.dayOf(record.get("updated_at").asText())));
        };
    }

    private static IntPredicate incidentAlertFilter(QueryParams query, DataSet data) {
        String alertId = query.first("alert_id");
        String incidentId = query.first("incident_id");
        long alert = alertId == null ? -1 : data.alerting.alertIds().index(alertId);
        long incident = incidentId == null ? -1 : data.incidents.ids().index(incidentId);
        return i -> (alertId == null || Alerting.alertOfLink(i) == alert)
                && (incidentId == null || data.alerting.linkIncident(i) == incident);
    }

    private static IntPredicate attachmentFilter(QueryParams query, DataSet data) {
        IntPredicate incident = incidentIdFilter(d -> d.attachments::parent).parse(query, data);
        String externalId = query.first("external_id");
        String resourceType = query.first("resource_type");
        if (resourceType != null && !Attachments.TYPES.contains(resourceType)) {
            throw ApiError.validation("resource_type", "resource_type must be one of " + Attachments.TYPES);
        }
        return i -> incident.test(i)
                && (externalId == null || externalId.equals(data.attachments.externalId(i)))
                && (resourceType == null || resourceType.equals(data.attachments.resourceType(i)));
    }

    /** The catalog type a catalog_entries request names; an unknown one is a 404, as there is no type to send. */
    private static int catalogType(QueryParams query, DataSet data) {
        String id = query.first("catalog_type_id");
        int type = data.catalogTypes.typeIndex(id);
        if (type < 0 || !data.table("catalog_types").exists(type)) {
            throw new ApiError(404, "not_found", "not_found", "No catalog type with id '" + id + "'",
                    "catalog_type_id");
        }
        return type;
    }

    private static IntPredicate catalogEntryFilter(QueryParams query, DataSet data) {
        int type = catalogType(query, data);
        String identifier = query.first("identifier");
        boolean byName = data.catalogTypes.types.get(type).get("use_name_as_identifier").asBoolean();
        return i -> i < data.catalogTypes.typeOfEntry.size() && data.catalogTypes.typeOfEntry.get(i) == type
                && (identifier == null || identifies(data.catalogTypes.entries.get(i), identifier, byName));
    }

    private static boolean identifies(JsonNode entry, String identifier, boolean byName) {
        if (identifier.equals(entry.get("id").asText()) || identifier.equals(entry.path("external_id").asText(null))
                || byName && identifier.equals(entry.get("name").asText())) {
            return true;
        }
        for (var alias : entry.get("aliases")) {
            if (identifier.equals(alias.asText())) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, JsonNode> catalogTypeOfEntries(QueryParams query, DataSet data) {
        return Map.of("catalog_type", data.table("catalog_types").record(catalogType(query, data)));
    }

    /** GET /v2/schedule_entries: the three lists of one schedule over a window. */
    private static ObjectNode scheduleEntries(QueryParams query, DataSet data, boolean privateScope) {
        String id = query.first("schedule_id");
        Table schedules = data.table("schedules");
        long index = schedules.indexOf(id);
        if (index < 0 || index >= Integer.MAX_VALUE || !schedules.exists((int) index)) {
            throw new ApiError(404, "not_found", "not_found", "No schedule with id '" + id + "'", "schedule_id");
        }
        Instant start = instant(query, "entry_window_start");
        Instant end = instant(query, "entry_window_end");
        Instant[] window = Schedules.window(start, end, Instant.now());
        String problem = Schedules.windowProblem(window[0], window[1]);
        if (problem != null) {
            throw ApiError.validation("entry_window_end", problem);
        }
        Schedules.Entries entries = data.schedules.entries((int) index, window[0].toEpochMilli(),
                window[1].toEpochMilli());
        Table faults = data.table("schedule_entries");
        ObjectNode body = Json.object();
        ObjectNode lists = body.putObject("schedule_entries");
        lists.putArray("final").addAll(entries.fin().stream().map(faults::withUnknownFields).toList());
        lists.putArray("scheduled").addAll(entries.scheduled().stream().map(faults::withUnknownFields).toList());
        lists.putArray("overrides").addAll(entries.overrides().stream().map(faults::withUnknownFields).toList());
        return body;
    }

    /** An RFC 3339 query parameter, or null when absent; a '+' decoded to a space is read as the '+' it was. */
    private static Instant instant(QueryParams query, String name) {
        String raw = query.first(name);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw.trim().replace(' ', '+')).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiError.validation(name, name + " must be an RFC 3339 date-time, e.g. 2025-01-01T00:00:00Z");
        }
    }
}
