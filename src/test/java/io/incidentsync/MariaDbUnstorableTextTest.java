package io.incidentsync;

/**
 * The same records on MariaDB, whose JSON_VALID check refuses a lone surrogate escape and whose driver
 * would send a lone surrogate as {@code ?}: each becomes U+FFFD; NUL, which MariaDB stores, and every
 * other character are kept (needs INCIDENT_TEST_MARIADB_URL).
 */
class MariaDbUnstorableTextTest extends UnstorableTextTest {

    @Override
    HostileApi.Sync sync(String streams) throws Exception {
        HostileApi.Sync sync = new HostileApi.Sync(api, streams);
        sync.settings.put("incident.db.url", TestMariaDb.freshDatabaseUrl());
        return sync;
    }

    /** MariaDB stores NUL; a lone surrogate becomes U+FFFD, as on PostgreSQL. */
    @Override
    String stored(String sent, String replaced) {
        StringBuilder out = new StringBuilder(sent.length());
        for (int i = 0; i < sent.length(); i++) {
            char c = sent.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < sent.length() && Character.isLowSurrogate(sent.charAt(i + 1))) {
                out.append(c).append(sent.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
