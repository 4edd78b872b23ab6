package io.incidentsync;

/** Views, grants and indexes on synced tables survive every sync on PostgreSQL too (needs INCIDENT_TEST_PG_URL). */
class PostgresViewsAndGrantsTest extends ViewsAndGrantsTest {

    @Override
    void destination(HostileApi.Sync sync) throws Exception {
        sync.settings.put("incident.db.url", TestPostgres.freshSchemaUrl());
    }
}
