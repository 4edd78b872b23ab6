package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Escalations of alerts: max(2, N/10) for N incidents; escalation e is about alert 5e mod A (see
 * {@link Alerting}), built from its index whenever served, with its events, priority and related alerts
 * and incidents.
 */
final class Escalations {
    private static final long MINUTE = 60_000L;
    private static final long DAY = 86_400_000L;
    private static final String[][] PRIORITIES = {
            {"Urgent", "urgent", "p1"}, {"High", "high", "p2"}, {"Medium", "medium", "p3"}, {"Low", "low", "p4"}};
    private static final List<String> ESCALATION_STATUSES = List.of("resolved", "resolved", "resolved", "acked",
            "expired", "cancelled", "triggered", "triggered", "pending", "resolved", "acked");

    private final long seed;
    private final int escalationCount;
    private final Times times;
    private final Users users;
    private final int userCount;
    private final Incidents incidents;
    private final Workflows workflows;
    private final Alerting alerting;
    private final Ids escalationIds;
    private final Ids eventIds;
    private final Ids pathIds;
    private final Ids priorityIds;
    private final Ids channelIds;

    Escalations(long seed, int incidentCount, int userCount, Times times, Users users, Incidents incidents,
                Workflows workflows, Alerting alerting) {
        this.seed = seed;
        this.escalationCount = Math.max(2, incidentCount / 10);
        this.times = times;
        this.users = users;
        this.userCount = userCount;
        this.incidents = incidents;
        this.workflows = workflows;
        this.alerting = alerting;
        escalationIds = TableCode.ESCALATION.ids(seed);
        eventIds = TableCode.ESCALATION_EVENT.ids(seed);
        pathIds = TableCode.ESCALATION_PATH.ids(seed);
        priorityIds = TableCode.ESCALATION_PRIORITY.ids(seed);
        channelIds = TableCode.CHAT_CHANNEL.ids(seed);
    }

    int escalationCount() {
        return escalationCount;
    }

    int alertOfEscalation(int escalation) {
        return (int) (5L * escalation % alerting.alertCount());
    }

    /** The incident an escalation is about, or -1. */
    int escalationIncident(int escalation) {
        int alert = alertOfEscalation(escalation);
        return alerting.linked(alert) ? alerting.incidentOf(alert) : -1;
    }

    /** The AlertActorV2 form, as an escalation's creator. */
    private ObjectNode actor(ObjectNode slim) {
        ObjectNode node = Json.object();
        for (String field : List.of("id", "title", "deduplication_key", "alert_source_id", "source_type", "status",
                "created_at", "updated_at")) {
            node.set(field, slim.get(field));
        }
        return node;
    }

    ObjectNode escalation(int escalation) {
        int alert = alertOfEscalation(escalation);
        Rand rand = new Rand(seed, TableCode.ESCALATION.ordinal(), escalation);
        ObjectNode alertSlim = alerting.slim(alert);
        long fired = alerting.timing(alert).created();
        long created = times.beforeNow(fired, fired + rand.between(5_000, 60_000));
        String status = rand.pick(ESCALATION_STATUSES);
        ObjectNode node = Json.object();
        node.put("created_at", times.at(created));
        ObjectNode creator = node.putObject("creator");
        double who = rand.nextDouble();
        if (who < 0.8) {
            creator.set("alert", actor(alertSlim));
        } else if (who < 0.9) {
            creator.set("user", users.embedded(rand.nextInt(userCount)));
        } else {
            ObjectNode workflow = workflows.workflows.get(5);
            creator.set("workflow", workflow);
        }
        if (rand.chance(0.85)) {
            node.put("escalation_path_id", pathIds.id(rand.nextInt(4)));
        }
        ArrayNode events = node.putArray("events");
        long last = events(rand, escalation, status, created, events);
        node.put("id", escalationIds.id(escalation));
        int priority = rand.nextInt(PRIORITIES.length);
        ObjectNode priorityNode = node.putObject("priority");
        priorityNode.put("name", PRIORITIES[priority][0]);
        priorityNode.put("id", priorityIds.id(priority));
        priorityNode.put("rank", priority + 1);
        priorityNode.putArray("slugs").add(PRIORITIES[priority][1]).add(PRIORITIES[priority][2]);
        priorityNode.put("is_default", priority == 2);
        ArrayNode related = node.putArray("related_alerts").add(alertSlim);
        if (escalation % 7 == 3) {
            related.add(alerting.slim((alert + 1) % alerting.alertCount()));
        }
        ArrayNode relatedIncidents = node.putArray("related_incidents");
        // an escalation outlives a deleted incident (it belongs to its alert), but no longer names it
        if (alerting.linked(alert) && !incidents.deleted(alerting.incidentOf(alert))) {
            relatedIncidents.add(alerting.incidentSlim(alerting.incidentOf(alert)));
        }
        node.put("status", status);
        node.put("title", alertSlim.get("title").asText());
        node.put("updated_at", times.at(times.beforeNow(created, last)));
        return node;
    }

    /** Appends the escalation's events in order; returns when the last happened. */
    private long events(Rand rand, int escalation, String status, long created, ArrayNode events) {
        int[] k = {0};
        java.util.function.BiFunction<String, Long, ObjectNode> event = (name, at) -> {
            ObjectNode node = events.addObject();
            node.put("event", name);
            node.put("id", eventIds.id(escalation * 8L + k[0]++));
            node.put("occurred_at", times.at(times.beforeNow(created, at)));
            return node;
        };
        if (status.equals("pending")) {
            event.apply("entered_grace_period", created);
            return created;
        }
        String urgency = rand.chance(0.7) ? "high" : "low";
        event.apply("triggered", created).put("urgency", urgency);
        long at = created + 10_000;
        ObjectNode notified = event.apply("notified_users", at);
        notified.put("urgency", urgency);
        ArrayNode notifiedUsers = notified.putArray("users");
        int first = rand.nextInt(userCount);
        int count = rand.between(1, 2);
        for (int u = 0; u < count; u++) {
            notifiedUsers.add(users.embedded((first + u) % userCount));
        }
        if (rand.chance(0.5)) {
            at += 5_000;
            ObjectNode channels = event.apply("notified_channels", at);
            channels.putArray("channels").add(channel(rand.nextInt(5)));
        }
        switch (status) {
            case "acked", "resolved" -> {
                at += rand.between(60_000, 15 * (int) MINUTE);
                event.apply("acked", at).putArray("users").add(users.embedded(first));
                if (status.equals("resolved")) {
                    at += rand.between(5 * (int) MINUTE, 120 * (int) MINUTE);
                    event.apply("resolved", at);
                }
            }
            case "expired" -> {
                at = created + 30 * MINUTE;
                event.apply("expired", at);
            }
            case "cancelled" -> {
                at += rand.between(60_000, 20 * (int) MINUTE);
                event.apply("cancelled", at);
            }
            default -> {
                // still triggered: nobody has acknowledged it yet
            }
        }
        return at;
    }

    private ObjectNode channel(int k) {
        ObjectNode node = Json.object();
        node.put("slack_channel_id", "C" + Ids.encode(Rand.mix(seed * 23 + k), 10));
        node.put("slack_team_id", "T" + Ids.encode(Rand.mix(seed), 8));
        node.put("id", channelIds.id(k));
        node.put("platform", "slack");
        node.put("platform_label", "Slack");
        node.put("created_at", times.at(-150 * DAY + k * 3_600_000L + 29));
        node.put("updated_at", times.at(-10 * DAY + k * 3_600_000L + 31));
        return node;
    }
}
