package io.incidentsync;

/**
 * The same records on PostgreSQL, which cannot hold U+0000 in text nor <code>&#92;u0000</code> in jsonb, rejects
 * a lone surrogate escape in jsonb, and whose driver would send a lone surrogate as {@code ?}: each such
 * character becomes U+FFFD, every other one is kept (needs INCIDENT_TEST_PG_URL).
 */
class PostgresUnstorableTextTest extends UnstorableTextTest {

    @Override
    HostileApi.Sync sync(String streams) throws Exception {
        HostileApi.Sync sync = new HostileApi.Sync(api, streams);
        sync.settings.put("incident.db.url", TestPostgres.freshSchemaUrl());
        return sync;
    }

    @Override
    String stored(String sent, String replaced) {
        return replaced;
    }
}
