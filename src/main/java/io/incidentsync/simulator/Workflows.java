package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Twelve workflows: triggers, conditions on real severities and incident types, steps with their parameters, and a
 * couple of expressions into the catalog. Built once; escalations created by a workflow embed one of these.
 */
final class Workflows {
    private static final long DAY = 86_400_000L;

    private record Spec(String name, String trigger, String state, String folder, String[] steps) {
    }

    private static final List<Spec> SPECS = List.of(
            new Spec("Post an update reminder", "incident.updated", "active", "Comms", new String[] {"slack.post_message"}),
            new Spec("Page the payments team 💳", "incident.created", "active", "Paging",
                    new String[] {"pagerduty.escalate", "slack.post_message"}),
            new Spec("Create Jira ticket for follow-ups", "follow_up.created", "active", null,
                    new String[] {"jira.create_issue"}),
            new Spec("Notify #security — \"private\" incidents", "incident.created", "active", "Paging",
                    new String[] {"slack.post_message", "incident.invite_user"}),
            new Spec("Auto-close declined incidents", "incident.updated", "disabled", null,
                    new String[] {"incident.update_status"}),
            new Spec("Escalate from alert", "alert.created", "active", "Paging", new String[] {"escalation.create"}),
            new Spec("Customer comms — ünïcödé", "incident.updated", "active", "Comms",
                    new String[] {"statuspage.update", "email.send"}),
            new Spec("Assign incident lead", "incident.created", "active", null, new String[] {"incident.assign_role"}),
            new Spec("Draft: status page update", "incident.updated", "draft", "Comms",
                    new String[] {"statuspage.update"}),
            new Spec("Nudge for postmortem", "incident.updated", "active", null,
                    new String[] {"slack.post_message", "incident.create_follow_up"}),
            new Spec("Sync to Linear", "follow_up.updated", "error", null, new String[] {"linear.create_issue"}),
            new Spec("Tag with service\nfrom catalog", "incident.created", "active", null,
                    new String[] {"incident.update_custom_field"}));

    private static final String[][] TRIGGERS = {
            {"incident.created", "Incident created", "Incidents", "When an incident is declared"},
            {"incident.updated", "Incident updated", "Incidents", "When anything about an incident changes"},
            {"follow_up.created", "Follow-up created", "Follow-ups", "When a follow-up is added"},
            {"follow_up.updated", "Follow-up updated", "Follow-ups", "When a follow-up changes"},
            {"alert.created", "Alert created", "Alerts", "When an alert source receives a new alert"}};

    final List<ObjectNode> workflows = new ArrayList<>();

    Workflows(long seed, Times times, Catalog catalog, CatalogTypes catalogTypes) {
        Ids ids = TableCode.WORKFLOW.ids(seed);
        Ids expressionIds = TableCode.EXPRESSION.ids(seed);
        for (int w = 0; w < SPECS.size(); w++) {
            Spec spec = SPECS.get(w);
            ObjectNode node = Json.object();
            ArrayNode groups = node.putArray("condition_groups");
            conditions(w, catalog, groups);
            node.put("continue_on_step_error", w % 3 == 1);
            if (w == 9) {
                ObjectNode delay = node.putObject("delay");
                delay.put("conditions_apply_over_delay", true);
                delay.put("for_seconds", 86_400);
            }
            ArrayNode expressions = node.putArray("expressions");
            if (w == 11) {
                ObjectNode expression = Engine.expression(expressionIds.id(w * 4L), "Service from the custom field",
                        "incident", Engine.returns(catalogTypes.engineType(CatalogTypes.SERVICE), false));
                Engine.navigate(expression, "incident.custom_field[\"" + catalog.customFields.get(0).get("id").asText()
                        + "\"]", "Affected service", Engine.returns("String", false));
                Engine.parse(expression, "$.name", Engine.returns(catalogTypes.engineType(CatalogTypes.SERVICE), false));
                expressions.add(expression);
            }
            if (w == 1) {
                ObjectNode expression = Engine.expression(expressionIds.id(w * 4L), "Who to page", "incident",
                        Engine.returns("String", false));
                ObjectNode critical = Engine.group(severityIs(catalog, 0));
                Engine.branches(expression, Engine.returns("String", false), new ObjectNode[] {critical},
                        new ObjectNode[] {Engine.single(Engine.literal("Everyone", "everyone", 0))});
                Engine.elseBranch(expression, Engine.single(Engine.literal("Payments on-call", "payments", 0)));
                expressions.add(expression);
            }
            if (spec.folder() != null) {
                node.put("folder", spec.folder());
            }
            node.put("id", ids.id(w));
            node.put("include_private_incidents", w == 3 || w == 7);
            node.put("name", spec.name());
            ArrayNode onceFor = node.putArray("once_for");
            onceFor.add(reference(spec.trigger().startsWith("alert") ? "alert" : "incident"));
            if (w % 4 == 2) {
                onceFor.add(reference("follow_up"));
            }
            if (w % 5 == 0) {
                node.put("runs_from", times.at(-90 * DAY + w * 3_600_000L + 17));
            }
            ArrayNode modes = node.putArray("runs_on_incident_modes").add("standard");
            if (w % 3 == 0) {
                modes.add("retrospective");
            }
            if (w % 4 == 1) {
                modes.add("test");
            }
            node.put("runs_on_incidents", w % 2 == 0 ? "newly_created" : "newly_created_and_active");
            if (w % 2 == 1) {
                node.put("shortform", spec.name().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z]+", "-").replaceAll("(^-|-$)", ""));
            }
            node.put("state", spec.state());
            ArrayNode steps = node.putArray("steps");
            for (String step : spec.steps()) {
                steps.add(step(step));
            }
            node.set("trigger", trigger(spec.trigger()));
            node.put("version", 1 + w % 4);
            node.put("organisation_id", catalog.organisationId);
            workflows.add(node);
        }
    }

    private static void conditions(int w, Catalog catalog, ArrayNode groups) {
        switch (w % 4) {
            case 0 -> groups.add(Engine.group(severityIs(catalog, 0, 1)));
            case 1 -> {
                groups.add(Engine.group(severityIs(catalog, 0), typeIs(catalog, 2)));
                groups.add(Engine.group(severityIs(catalog, 1)));
            }
            case 2 -> groups.add(Engine.group(Engine.condition("Incident → Mode", "incident.mode", "incident",
                    "is", "is", Engine.single(Engine.literal("Standard", "standard", 0)), "IncidentMode", false)));
            default -> {
                // no conditions: runs for every incident
            }
        }
    }

    private static ObjectNode severityIs(Catalog catalog, int... severities) {
        ObjectNode[] values = new ObjectNode[severities.length];
        for (int i = 0; i < severities.length; i++) {
            ObjectNode severity = catalog.severities.get(severities[i]);
            values[i] = Engine.literal(severity.get("name").asText(), severity.get("id").asText(), i);
        }
        return Engine.condition("Incident → Severity", "incident.severity", "severity", "is one of", "one_of",
                Engine.many(values), "IncidentSeverity", true);
    }

    private static ObjectNode typeIs(Catalog catalog, int type) {
        ObjectNode incidentType = catalog.incidentTypes.get(type);
        return Engine.condition("Incident → Type", "incident.incident_type", "incident-type", "is", "is",
                Engine.single(Engine.literal(incidentType.get("name").asText(), incidentType.get("id").asText(), 0)),
                "IncidentType", false);
    }

    /** An EngineReferenceV2, as once_for lists them. */
    private static ObjectNode reference(String key) {
        String label = key.equals("follow_up") ? "Follow-up" : Character.toUpperCase(key.charAt(0)) + key.substring(1);
        ObjectNode node = Json.object();
        node.put("array", false);
        node.put("key", key);
        node.put("label", label);
        node.put("type", label.replace("-", ""));
        node.put("node_label", label);
        node.put("hide_filter", false);
        return node;
    }

    private static ObjectNode trigger(String name) {
        for (String[] t : TRIGGERS) {
            if (t[0].equals(name)) {
                ObjectNode node = Json.object();
                node.put("label", t[1]);
                node.put("name", t[0]);
                node.put("icon", t[2].toLowerCase(java.util.Locale.ROOT).replace("-", "_"));
                node.put("group_label", t[2]);
                node.put("when_description", t[3]);
                node.putArray("default_once_for").add(reference(name.startsWith("alert") ? "alert"
                        : name.startsWith("follow_up") ? "follow_up" : "incident"));
                node.putArray("default_condition_groups");
                ObjectNode scope = node.putObject("scope");
                scope.put("reference", name.substring(0, name.indexOf('.')));
                scope.put("label", t[2]);
                return node;
            }
        }
        throw new IllegalArgumentException("no trigger " + name);
    }

    private static ObjectNode step(String name) {
        String integration = name.substring(0, name.indexOf('.'));
        String action = name.substring(name.indexOf('.') + 1).replace('_', ' ');
        String label = Character.toUpperCase(action.charAt(0)) + action.substring(1);
        ObjectNode node = Json.object();
        node.put("label", label);
        node.put("name", name);
        node.put("group_label", Character.toUpperCase(integration.charAt(0)) + integration.substring(1));
        node.put("organisation_is_eligible", !integration.equals("linear"));
        node.put("release_channel", integration.equals("statuspage") ? "beta" : "stable");
        node.put("description", label + " (" + integration + ").");
        ArrayNode params = node.putArray("params");
        ObjectNode target = params.addObject();
        target.put("name", integration.equals("slack") ? "channel" : "target");
        target.put("label", integration.equals("slack") ? "Channel" : "Target");
        target.put("type", integration.equals("slack") ? "SlackChannel" : "String");
        target.put("array", integration.equals("slack"));
        target.put("required", true);
        ObjectNode message = params.addObject();
        message.put("name", "message");
        message.put("label", "Message");
        message.put("type", "Text");
        message.put("array", false);
        message.put("required", false);
        return node;
    }
}
