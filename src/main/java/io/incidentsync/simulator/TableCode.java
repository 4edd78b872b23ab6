package io.incidentsync.simulator;

/** Distinct id prefixes per kind of record, so no two records of a data set share an id. */
enum TableCode {
    INCIDENT, INCIDENT_UPDATE, ACTION, FOLLOW_UP, USER, CUSTOM_FIELD, CUSTOM_FIELD_OPTION, SEVERITY, STATUS,
    INCIDENT_TYPE, ROLE, TIMESTAMP, ORGANISATION, API_KEY, RBAC_ROLE, CATALOG_TYPE, CATALOG_ENTRY, PRIORITY,
    DURATION_METRIC, TIMESTAMP_VALUE, MISC;

    Ids ids(long seed) {
        return new Ids(seed, ordinal() + 1);
    }
}
