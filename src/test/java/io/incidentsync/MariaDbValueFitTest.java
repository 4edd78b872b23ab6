package io.incidentsync;

/** {@link ValueFitTest} on MariaDB, where a type change used to fail the table on every later sync. */
class MariaDbValueFitTest extends ValueFitTest {

    @Override
    void useDatabase() throws Exception {
        sync.settings.put("incident.db.url", TestMariaDb.freshDatabaseUrl());
    }
}
