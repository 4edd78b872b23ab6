package io.incidentsync;

import java.util.stream.Stream;

/**
 * The databases a database-dependent test runs on. H2 always; PostgreSQL and MariaDB when their server is
 * set (INCIDENT_TEST_PG_URL, INCIDENT_TEST_MARIADB_URL), so that a clone without them runs the H2 cases and
 * skips nothing. With -Dincident.test.require-servers=true (as .ci/run sets) both are always in the list, and
 * a case whose server is missing fails naming the setting.
 *
 * <p>A test class runs on each with {@code @ParameterizedClass} and {@code @MethodSource("io.incidentsync.Destination#all")}
 * (or {@code #servers}, {@code #h2AndPostgres}), its cases named by the database.
 */
enum Destination {

    H2, POSTGRES, MARIADB;

    /** H2, and each server database that is set or required. */
    static Stream<Destination> all() {
        return Stream.of(values()).filter(Destination::selected);
    }

    /** PostgreSQL and MariaDB, each when set or required, for what a class of its own already holds H2 to. */
    static Stream<Destination> servers() {
        return all().filter(d -> d != H2);
    }

    /** H2 and PostgreSQL, for what was only ever held to those two. */
    static Stream<Destination> h2AndPostgres() {
        return all().filter(d -> d != MARIADB);
    }

    private boolean selected() {
        return switch (this) {
            case H2 -> true;
            case POSTGRES -> TestServers.POSTGRES.selected();
            case MARIADB -> TestServers.MARIADB.selected();
        };
    }

    /** A harness whose syncs write to a fresh database of this kind: its H2 file, a new schema or a new database. */
    SyncHarness harness(int incidents) throws Exception {
        return on(SyncHarness.start(incidents));
    }

    /** Points the harness at a fresh database of this kind (H2: its own file, as it is). */
    SyncHarness on(SyncHarness h) throws Exception {
        return switch (this) {
            case H2 -> h;
            case POSTGRES -> h.onPostgres();
            case MARIADB -> h.onMariaDb();
        };
    }

    /** Points the sync at a fresh database of this kind (H2: its own file, as it is). */
    HostileApi.Sync on(HostileApi.Sync sync) throws Exception {
        if (this != H2) {
            sync.settings.put("incident.db.url", freshUrl());
        }
        return sync;
    }

    /** A fresh, empty server database of this kind: a new PostgreSQL schema or a new MariaDB database. */
    String freshUrl() throws Exception {
        return switch (this) {
            case H2 -> throw new IllegalStateException("an H2 database is a file of the test's own");
            case POSTGRES -> TestServers.freshPostgresSchemaUrl();
            case MARIADB -> TestServers.freshMariaDbDatabaseUrl();
        };
    }

    @Override
    public String toString() {
        return switch (this) {
            case H2 -> "H2";
            case POSTGRES -> "PostgreSQL";
            case MARIADB -> "MariaDB";
        };
    }
}
