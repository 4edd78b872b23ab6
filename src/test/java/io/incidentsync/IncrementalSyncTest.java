package io.incidentsync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidentsync.simulator.ChangeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental syncs: after a full sync, incidents are read by updated_at from the cursor in
 * _sync_state, with the updates of the incidents that changed, replacing only those rows; a forced full
 * refresh (sync --full, incident.sync.full) reads everything and drops what was deleted at incident.io.
 */
class IncrementalSyncTest {

    static final String STREAMS = "incident_updates,actions,incidents,follow_ups,escalations";

    SyncHarness h;

    @BeforeEach
    void start() throws Exception {
        // 600 incidents: three pages in full
        h = SyncHarness.start(600);
        h.settings.put("incident.streams", STREAMS);
        h.settings.put("incident.sync.full", "false");
    }

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void anIncrementalSyncReadsOnlyTheChangesAndAFullOneDropsTheDeleted() throws Exception {
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        assertEquals(3, h.simulator.requests("/v2/incidents"), "the first sync reads every incident: three pages");
        String cursor = (String) h.column("SELECT cursor_updated_at FROM _sync_state WHERE table_name = 'incidents'").get(0);
        assertNotNull(cursor);
        String newest = h.simulator.oracle().records("incidents", true).stream().map(r -> r.path("updated_at").asText())
                .max(java.util.Comparator.comparing(t -> OffsetDateTime.parse(t).toInstant())).orElseThrow();
        assertEquals(OffsetDateTime.parse(newest).toInstant(), OffsetDateTime.parse(cursor).toInstant(),
                "the cursor is the newest updated_at stored");

        ChangeSet changes = h.simulator.changes().apply(b -> {
            b.editIncidents(10);
            b.addIncidents(5);
            b.deleteIncidents(2);
        });
        List<String> deleted = changes.deleted("incidents");
        assertEquals(2, deleted.size());
        long incidentsBefore = h.simulator.requests("/v2/incidents");
        long updatesBefore = h.simulator.requests("/v2/incident_updates");
        long wholeUpdatePages = (h.count("SELECT COUNT(*) FROM incident_updates") + 249) / 250;

        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);

        // the pages the changes need: the incidents updated from the cursor's date less a day's lookback,
        // a page of 250 at a time, read once for the records and once for their ids; then one
        // request for each of those incidents' updates, or the whole listing of updates when that is fewer
        LocalDate since = OffsetDateTime.parse(cursor).minusDays(1).atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
        List<ObjectNode> changed = h.simulator.oracle().incidentsUpdatedBetween(since, LocalDate.now(ZoneOffset.UTC), true);
        assertTrue(changed.size() >= 15 && changed.size() < 250, "edited, added and the lookback's: " + changed.size());
        assertEquals(2, h.simulator.requests("/v2/incidents") - incidentsBefore, "one page of changes, read for records and ids");
        assertEquals(Math.min(changed.size(), wholeUpdatePages), h.simulator.requests("/v2/incident_updates") - updatesBefore,
                "the updates of " + changed.size() + " changed incidents, or the " + wholeUpdatePages + " pages of all");

        // the tables equal the oracle except the two deleted incidents, which an incremental read cannot see
        assertEquals(h.simulator.oracle().records("incidents", true).size() + 2, h.count("SELECT COUNT(*) FROM incidents"));
        for (String id : deleted) {
            assertEquals(1, h.count("SELECT COUNT(*) FROM incidents WHERE id = '" + id + "'"), id + " stays until a full refresh");
        }
        assertEqualsOracleBesides(deleted);

        // sync --full, the command itself (settings as -D properties): every record again, the deleted ones
        // gone, the oracle exactly
        assertEquals(0, syncFullCommand(), h.lastErr);
        for (String table : STREAMS.split(",")) {
            OracleComparison.assertTableEquals(h, table, true);
        }
        assertEquals(0, h.count("SELECT COUNT(*) FROM incidents WHERE id IN ('" + String.join("','", deleted) + "')"));
    }

    @Test
    void aFewChangesAreReadWithTheUpdatesOfEachChangedIncident() throws Exception {
        // 1,200 incidents: 15 pages of updates, more than the incidents a day's changes touch
        h.close();
        h = SyncHarness.start(1200);
        h.settings.put("incident.streams", STREAMS);
        h.settings.put("incident.sync.full", "false");
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        Object fullAt = h.column("SELECT last_full_refresh_at FROM _sync_state WHERE table_name = 'incidents'").get(0);
        long before = h.simulator.requests("/v2/incidents");
        long updatesBefore = h.simulator.requests("/v2/incident_updates");
        String cursor = (String) h.column("SELECT cursor_updated_at FROM _sync_state WHERE table_name = 'incidents'").get(0);
        LocalDate since = OffsetDateTime.parse(cursor).minusDays(1).atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
        h.simulator.changes().apply(b -> b.editIncidents(3));
        int changed = h.simulator.oracle().incidentsUpdatedBetween(since, LocalDate.now(ZoneOffset.UTC), true).size();
        long pages = (h.count("SELECT COUNT(*) FROM incident_updates") + 249) / 250;
        assertTrue(changed >= 3 && changed < pages, "three edits and the cursor's last day: " + changed + " of " + pages);
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        assertEquals(2, h.simulator.requests("/v2/incidents") - before);
        assertEquals(changed, h.simulator.requests("/v2/incident_updates") - updatesBefore,
                "fewer changed incidents than pages of updates: one request each");
        for (String table : List.of("incident_updates", "actions", "incidents", "follow_ups")) {
            OracleComparison.assertTableEquals(h, table, true);
        }
        assertEquals(fullAt, h.column("SELECT last_full_refresh_at FROM _sync_state WHERE table_name = 'incidents'").get(0),
                "an incremental run is no full refresh");
        assertTrue(h.lastOut.contains("incidents"), h.lastOut);
    }

    @Test
    void whenTheChangedIncidentsUpdatesFailTheCursorStaysSoTheNextRunReadsThemAgain() throws Exception {
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        String cursor = (String) h.column("SELECT cursor_updated_at FROM _sync_state WHERE table_name = 'incidents'").get(0);
        h.simulator.changes().apply(b -> b.editIncidents(2));
        // every request for updates answers 500: incident_updates fails, incidents itself succeeds
        h.simulator.faults().statusBurst("/v2/incident_updates", 1, 100_000, 500);
        assertEquals(1, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)));
        assertTrue(h.lastErr.startsWith("incident_updates: "), h.lastErr);
        assertEquals(cursor, h.column("SELECT cursor_updated_at FROM _sync_state WHERE table_name = 'incidents'").get(0),
                "the edits' updates are not stored, so the cursor does not pass them");

        h.simulator.faults().clear();
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        for (String table : List.of("incident_updates", "incidents")) {
            OracleComparison.assertTableEquals(h, table, true);
        }
    }

    /** Runs {@code sync --full} through the command line, the harness's settings given as system properties. */
    private int syncFullCommand() {
        java.util.Map<String, String> settings = h.overrides(SyncHarness.PRIVATE_KEY);
        settings.remove("incident.sync.full");
        java.util.Properties saved = (java.util.Properties) System.getProperties().clone();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            settings.forEach(System::setProperty);
            return Cli.run(new String[] {"sync", "--full"}, null,
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setProperties(saved);
            h.lastOut = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            h.lastErr = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * Every table equals the oracle once the deleted incidents' rows (theirs, their child rows and
     * their updates), which only a full refresh removes, are set aside.
     */
    private void assertEqualsOracleBesides(List<String> deleted) throws Exception {
        String ids = "('" + String.join("','", deleted) + "')";
        try (Connection c = h.connect(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM incidents WHERE id IN " + ids);
            for (String table : h.tables()) {
                if (table.startsWith("incidents__")) {
                    s.execute("DELETE FROM " + table + " WHERE _sdc_source_key_id IN " + ids);
                } else if (table.startsWith("incident_updates__")) {
                    s.execute("DELETE FROM " + table + " WHERE _sdc_source_key_incident_id IN " + ids);
                }
            }
            s.execute("DELETE FROM incident_updates WHERE incident_id IN " + ids);
        }
        // escalations embed their related incidents' names: an edit or deletion of an incident does not
        // change an escalation's updated_at, so those copies wait for the full refresh (README)
        for (String table : List.of("incident_updates", "actions", "incidents", "follow_ups")) {
            OracleComparison.assertTableEquals(h, table, true);
        }
        Set<String> live = new HashSet<>(h.column("SELECT id FROM incidents").stream().map(Object::toString)
                .collect(Collectors.toList()));
        assertEquals(h.simulator.oracle().records("incidents", true).stream().map(r -> r.path("id").asText())
                .collect(Collectors.toSet()), live);
    }
}
