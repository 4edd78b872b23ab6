package io.incidentsync.run;

import io.incidentsync.config.Settings;
import io.incidentsync.schema.ColumnType;
import io.incidentsync.store.Dialect;
import io.incidentsync.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where incremental syncs continue from, kept in the destination ({@code _sync_state}), so that a
 * restarted instance, or another instance of a cluster, goes on where the last run stopped: for each
 * table that can be read incrementally, the newest {@code updated_at} a complete run has stored (the
 * cursor) and when the last full refresh ended.
 *
 * <p>A table is read incrementally when it has a cursor, its live table exists, no full refresh is
 * due (incident.full-refresh.schedule) and the run is not a forced full one (sync --full). Its
 * listing then asks for {@code updated_at[date_range]} from the cursor's date, less
 * incident.incremental.lookback, to today, and the rows it reads replace their old versions.
 */
final class SyncState {

    static final String TABLE = "_sync_state";

    /** One table's state: the cursor (null before a complete run), and the last full refresh (null before one). */
    record Entry(Instant cursor, Instant lastFull) {
    }

    private SyncState() {
    }

    /** Every table's state; empty when the table does not exist yet (the first run creates it). */
    static Map<String, Entry> read(Connection c, Dialect dialect) {
        Map<String, Entry> out = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + dialect.quote("table_name") + ", " + dialect.quote("cursor_updated_at")
                     + ", " + dialect.quote("last_full_refresh_at") + " FROM " + dialect.quote(TABLE))) {
            while (rs.next()) {
                String cursor = rs.getString(2);
                OffsetDateTime full = rs.getObject(3, OffsetDateTime.class);
                out.put(rs.getString(1), new Entry(cursor == null ? null : OffsetDateTime.parse(cursor).toInstant(),
                        full == null ? null : full.toInstant()));
            }
        } catch (SQLException | RuntimeException e) {
            // no state table yet (or one this version cannot read): every table is read in full
            return Map.of();
        }
        return out;
    }

    /**
     * The date an incremental read of a table starts from, or null when this run reads it in full.
     * {@code incremental}: whether its listing filters on {@code updated_at} (its templatedRoute's
     * parameter).
     */
    static LocalDate changedSince(boolean incremental, Entry entry, boolean liveExists, Settings settings, Instant now) {
        if (!incremental || settings.forceFull() || entry == null || entry.cursor() == null
                || entry.lastFull() == null || !liveExists) {
            return null;
        }
        if (!settings.fullRefreshAfter(entry.lastFull()).isAfter(now)) {
            return null;
        }
        return entry.cursor().minus(settings.incrementalLookback()).atOffset(ZoneOffset.UTC).toLocalDate();
    }

    /** The statements that record a table's state after a complete run; their failure is only a warning. */
    static List<Sql> record(Dialect dialect, String table, Instant cursor, Instant lastFull, OffsetDateTime now) {
        String warning = table + ": could not record where the next incremental sync starts in " + TABLE
                + "; the next sync reads it in full";
        Sql create = Sql.allowedToFail("CREATE TABLE IF NOT EXISTS " + dialect.quote(TABLE) + " ("
                + dialect.quote("table_name") + " " + dialect.type(ColumnType.TEXT, true) + " NOT NULL, "
                + dialect.quote("cursor_updated_at") + " " + dialect.type(ColumnType.TEXT, false) + ", "
                + dialect.quote("last_full_refresh_at") + " " + dialect.type(ColumnType.TIMESTAMP, false) + ", "
                + dialect.quote("recorded_at") + " " + dialect.type(ColumnType.TIMESTAMP, false) + ", "
                + "PRIMARY KEY (" + dialect.quote("table_name") + "))" + dialect.tableOptions(), warning);
        List<String> columns = List.of("table_name", "cursor_updated_at", "last_full_refresh_at", "recorded_at");
        List<ColumnType> types = List.of(ColumnType.TEXT, ColumnType.TEXT, ColumnType.TIMESTAMP, ColumnType.TIMESTAMP);
        List<Object> values = new ArrayList<>(Arrays.asList(table, cursor == null ? null : cursor.toString(),
                lastFull == null ? null : dialect.bindable(lastFull.atOffset(ZoneOffset.UTC)), dialect.bindable(now)));
        Sql upsert = Sql.allowedToFail(dialect.upsert(TABLE, columns, types, List.of("table_name"), 1), values, warning);
        return List.of(create, upsert);
    }
}
