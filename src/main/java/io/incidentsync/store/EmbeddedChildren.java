package io.incidentsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The child records an incident embeds (its updates, its actions): read from the latest complete
 * listing of each child kind ({@link TableLoad#childrenTable}) for the incidents of one batch, as JSON
 * array text for the incident's column.
 */
final class EmbeddedChildren {

    private final Dialect dialect;
    private final DataSource dataSource;
    private final LiveTables live;
    /** True for a webhook refresh ({@link MergeSwap#refreshing}). */
    private final BooleanSupplier refreshing;
    private final Map<String, Boolean> childTables = new HashMap<>();

    EmbeddedChildren(Dialect dialect, DataSource dataSource, LiveTables live, BooleanSupplier refreshing) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.live = live;
        this.refreshing = refreshing;
    }

    /** Each incident's child records, as JSON array text, for the incidents of one batch. */
    Map<String, String> arrays(String kind, List<String> incidents) throws SQLException {
        Map<String, String> out = new HashMap<>();
        String children = TableLoad.childrenTable(kind);
        // a webhook refresh embeds what it read of its incidents' updates and actions, not yet merged
        String staged = TableLoad.childStage(kind);
        if (refreshing.getAsBoolean() && childTables.computeIfAbsent(staged, live::exists)) {
            children = staged;
        }
        // the child listings are complete by now, so whether their table exists no longer changes
        if (incidents.isEmpty() || !childTables.computeIfAbsent(children, live::exists)) {
            return out;
        }
        String sql = "SELECT " + dialect.quote("incident_id") + ", " + dialect.quote("record") + " FROM "
                + dialect.quote(children) + " WHERE " + dialect.quote("incident_id") + " IN ("
                + String.join(", ", Collections.nCopies(incidents.size(), "?")) + ") ORDER BY "
                + dialect.quote("incident_id") + ", " + dialect.quote("id");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < incidents.size(); i++) {
                ps.setString(i + 1, incidents.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                Map<String, StringBuilder> arrays = new HashMap<>();
                while (rs.next()) {
                    StringBuilder array = arrays.computeIfAbsent(rs.getString(1), k -> new StringBuilder("["));
                    array.append(array.length() == 1 ? "" : ",").append(rs.getString(2));
                }
                arrays.forEach((incident, array) -> out.put(incident, array.append(']').toString()));
            }
        }
        return out;
    }
}
