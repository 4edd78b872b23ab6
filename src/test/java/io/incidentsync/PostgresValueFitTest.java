package io.incidentsync;

/** {@link ValueFitTest} on PostgreSQL, where a type change used to fail the table on every later sync. */
class PostgresValueFitTest extends ValueFitTest {

    @Override
    void useDatabase() throws Exception {
        sync.settings.put("incident.db.url", TestPostgres.freshSchemaUrl());
    }
}
