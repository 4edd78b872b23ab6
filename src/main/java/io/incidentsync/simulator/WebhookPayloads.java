package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The event bodies of the spec's x-webhooks, from records as the API serves them: a public incident's events carry
 * the whole incident (WebhookIncidentV2 is IncidentV2's shape), follow-ups and actions travel as ActionV1 (with
 * follow_up telling them apart), and every event about a private incident carries only the id
 * (WebhookPrivateResourceV2), so a receiver must fetch the record with a key allowed to see it.
 */
final class WebhookPayloads {
    /** An event before it has a message id: its type, the id of the record it is about, and its body. */
    record Draft(String type, String resourceId, ObjectNode body) {
    }

    private WebhookPayloads() {
    }

    /** incident_created_v2 or incident_updated_v2 (verb "created" or "updated"), public or private. */
    static Draft incident(String verb, ObjectNode incident) {
        String id = incident.get("id").asText();
        boolean isPrivate = "private".equals(incident.path("visibility").asText());
        String type = (isPrivate ? "private_incident" : "public_incident") + ".incident_" + verb + "_v2";
        return draft(type, id, isPrivate ? onlyId(id) : incident);
    }

    /** public_incident.incident_status_updated_v2: the incident with the status it left and the one it entered. */
    static Draft statusUpdated(ObjectNode incident, ObjectNode previousStatus, String message) {
        ObjectNode payload = Json.object();
        payload.set("incident", incident);
        if (message != null) {
            payload.put("message", message);
        }
        payload.set("new_status", incident.get("incident_status"));
        payload.set("previous_status", previousStatus);
        return draft("public_incident.incident_status_updated_v2", incident.get("id").asText(), payload);
    }

    /** follow_up_created_v1 / follow_up_updated_v1 / action_created_v1 / action_updated_v1. */
    static Draft child(String table, String verb, ObjectNode record, boolean privateIncident) {
        boolean followUp = table.equals("follow_ups");
        String id = record.get("id").asText();
        String type = (privateIncident ? "private_incident" : "public_incident") + "."
                + (followUp ? "follow_up_" : "action_") + verb + "_v1";
        return draft(type, id, privateIncident ? onlyId(id) : actionV1(record, followUp));
    }

    /** The ActionV1 shape both follow-up and action events use; a follow-up's title is its description there. */
    private static ObjectNode actionV1(ObjectNode record, boolean followUp) {
        ObjectNode node = Json.object();
        copy(record, node, "assignee");
        copy(record, node, "completed_at");
        copy(record, node, "created_at");
        if (followUp) {
            node.put("description", record.path("title").asText(record.path("description").asText("")));
        } else {
            copy(record, node, "description");
        }
        copy(record, node, "external_issue_reference");
        node.put("follow_up", followUp);
        for (String field : List.of("id", "incident_id", "status", "updated_at")) {
            copy(record, node, field);
        }
        return node;
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value != null) {
            to.set(field, value);
        }
    }

    private static ObjectNode onlyId(String id) {
        ObjectNode node = Json.object();
        node.put("id", id);
        return node;
    }

    private static Draft draft(String type, String id, ObjectNode payload) {
        ObjectNode body = Json.object();
        body.put("event_type", type);
        body.set(type, payload);
        return new Draft(type, id, body);
    }
}
