package io.incidentsync;

/** The column-naming promises, with PostgreSQL as the destination (needs INCIDENT_TEST_PG_URL). */
class PostgresColumnNamingTest extends ColumnNamingTest {

    @Override
    void destination(HostileApi.Sync sync) throws Exception {
        sync.settings.put("incident.db.url", TestPostgres.freshSchemaUrl());
    }
}
