package io.incidentsync;

/** The column-naming promises, with MariaDB as the destination (needs INCIDENT_TEST_MARIADB_URL). */
class MariaDbColumnNamingTest extends ColumnNamingTest {

    @Override
    void destination(HostileApi.Sync sync) throws Exception {
        sync.settings.put("incident.db.url", TestMariaDb.freshDatabaseUrl());
    }
}
