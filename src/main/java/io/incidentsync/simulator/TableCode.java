package io.incidentsync.simulator;

/** Distinct id prefixes per kind of record, so no two records of a data set share an id. */
enum TableCode {
    INCIDENT, INCIDENT_UPDATE, ACTION, FOLLOW_UP, USER, CUSTOM_FIELD, CUSTOM_FIELD_OPTION, SEVERITY, STATUS,
    INCIDENT_TYPE, ROLE, TIMESTAMP, ORGANISATION, API_KEY, RBAC_ROLE, CATALOG_TYPE, CATALOG_ENTRY, PRIORITY,
    DURATION_METRIC, TIMESTAMP_VALUE, MISC,
    // appended, never inserted: a constant's ordinal seeds its ids and random streams
    ALERT, ALERT_SOURCE, ALERT_ROUTE, ALERT_ATTRIBUTE, INCIDENT_ALERT, ESCALATION, ESCALATION_EVENT, ESCALATION_PATH,
    ESCALATION_PRIORITY, SCHEDULE, SCHEDULE_ROTATION, SCHEDULE_LAYER, SCHEDULE_ENTRY, SCHEDULE_OVERRIDE,
    CATALOG_ATTRIBUTE, CATALOG_RESOURCE, WORKFLOW, EXPRESSION, INCIDENT_ATTACHMENT, EXTERNAL_RESOURCE, CHAT_CHANNEL,
    // the simulated clock: random streams of changes, ids of webhook messages
    CHANGE, WEBHOOK_MESSAGE;

    Ids ids(long seed) {
        return new Ids(seed, ordinal() + 1);
    }
}
