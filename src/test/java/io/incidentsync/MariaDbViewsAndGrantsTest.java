package io.incidentsync;

/** Views, grants and indexes on synced tables survive every sync on MariaDB too (needs INCIDENT_TEST_MARIADB_URL). */
class MariaDbViewsAndGrantsTest extends ViewsAndGrantsTest {

    @Override
    void destination(HostileApi.Sync sync) throws Exception {
        sync.settings.put("incident.db.url", TestMariaDb.freshDatabaseUrl());
    }
}
