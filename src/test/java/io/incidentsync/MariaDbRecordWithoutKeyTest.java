package io.incidentsync;

/** A record without its primary key, with MariaDB as the destination (needs INCIDENT_TEST_MARIADB_URL). */
class MariaDbRecordWithoutKeyTest extends RecordWithoutKeyTest {

    @Override
    HostileApi.Sync sync() throws Exception {
        HostileApi.Sync sync = new HostileApi.Sync(api, "users");
        sync.settings.put("incident.db.url", TestMariaDb.freshDatabaseUrl());
        return sync;
    }
}
