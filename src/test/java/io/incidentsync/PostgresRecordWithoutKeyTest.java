package io.incidentsync;

/** A record without its primary key, with PostgreSQL as the destination (needs INCIDENT_TEST_PG_URL). */
class PostgresRecordWithoutKeyTest extends RecordWithoutKeyTest {

    @Override
    HostileApi.Sync sync() throws Exception {
        HostileApi.Sync sync = new HostileApi.Sync(api, "users");
        sync.settings.put("incident.db.url", TestPostgres.freshSchemaUrl());
        return sync;
    }
}
