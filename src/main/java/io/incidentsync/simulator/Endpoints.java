package io.incidentsync.simulator;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/** The registry of list endpoints the simulator serves, in a fixed order. */
final class Endpoints {
    static final int MAX_PAGE_SIZE = 250;
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
                        Endpoint.Visibility.ALL, Endpoints::userFilter));
    }

    private static Endpoint fixed(String path, String table) {
        return new Endpoint(path, table, table, 0, List.of(), false, false, Endpoint.Visibility.ALL,
                Endpoint.Filter.NONE);
    }

    /** Actions and follow-ups: one record per incident, answered unpaged, filtered by their incident's mode. */
    private static Endpoint unpagedChild(String path, String table) {
        java.util.function.Function<DataSet, IntUnaryOperator> parent = data -> data.children::singleParent;
        Endpoint.Filter byId = incidentIdFilter(parent);
        Endpoint.Filter filter = (query, data) -> {
            IntPredicate mode = childModeFilter(query, data, parent.apply(data));
            IntPredicate incident = byId.parse(query, data);
            return i -> mode.test(i) && incident.test(i);
        };
        return new Endpoint(path, table, table, 0, List.of(), false, false, parentVisible(parent), filter);
    }

    private static Endpoint.Visibility parentVisible(java.util.function.Function<DataSet, IntUnaryOperator> parent) {
        return (data, i, scope) -> scope || !data.incidents.facts(parent.apply(data).applyAsInt(i)).isPrivate();
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
        return i -> {
            IncidentFacts facts = data.incidents.facts(i);
            var status = data.catalog.statuses.get(facts.status());
            return modes.contains(facts.mode()) && categories.contains(status.get("category").asText())
                    && statuses.contains(status.get("id").asText());
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
}
