package io.incidentsync.store;

import io.incidentsync.run.SyncException;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The swap of a load that replaces only the live rows it names (an incremental read, the updates of
 * changed incidents, a webhook refresh), instead of the whole table: see {@link #statements}.
 */
final class MergeSwap {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final String table;
    private final String stage;
    private final List<String> key;
    private final String childKind;
    private final Dialect dialect;
    private final LiveTables live;
    /** The arrays' child tables (incident.arrays holds tables), else null. */
    private final ChildTables children;
    /**
     * Columns whose values name the live rows this load replaces, instead of the whole table: the key
     * for an incremental read, {@code incident_id} for the updates of changed incidents; null for a full load.
     */
    private List<String> mergeScope;
    /** For a webhook refresh: the incidents' ids as SQL text ({@link #refreshOnly}), else null. */
    private String refreshIds;

    MergeSwap(String table, String stage, List<String> key, String childKind, Dialect dialect, LiveTables live,
              ChildTables children) {
        this.table = table;
        this.stage = stage;
        this.key = key;
        this.childKind = childKind;
        this.dialect = dialect;
        this.live = live;
        this.children = children;
    }

    /** See {@link TableLoad#mergeBy}. */
    void mergeBy(List<String> scope) {
        this.mergeScope = List.copyOf(scope);
    }

    boolean merging() {
        return mergeScope != null;
    }

    /** True for a webhook refresh ({@link #refreshOnly}). */
    boolean refreshing() {
        return refreshIds != null;
    }

    /** See {@link TableLoad#refreshOnly}. */
    void refreshOnly(String scope, Collection<String> incidentIds) {
        for (String id : incidentIds) {
            if (!SAFE_ID.matcher(id).matches()) {
                throw new SyncException("the incident id '" + id.replaceAll("\\p{Cc}", "?")
                        + "' is not letters, digits, _ and -; it is not refreshed");
            }
        }
        mergeBy(List.of(scope));
        refreshIds = incidentIds.isEmpty() ? "''" : incidentIds.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
    }

    /**
     * The swap of an incremental load: in one transaction, the live rows (and child rows) that this
     * load's rows name by the merge scope are deleted and this load's rows inserted; every other live
     * row stays. A child table new in this run is created empty first. A webhook refresh
     * ({@link #refreshOnly}) deletes the rows of the incidents it refreshes instead, so a record gone
     * from the API goes from the table too.
     */
    TableLoad.Merge statements(List<SwapTarget> targets) throws SQLException {
        List<Sql> prepare = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        List<String> inserts = new ArrayList<>();
        List<Sql> cleanup = new ArrayList<>();
        for (SwapTarget t : targets) {
            boolean parent = t.name().equals(table);
            if (t.live().isEmpty()) {
                prepare.add(Sql.of(StagingStatements.createTable(dialect, t.name(), t.columns(), keyOf(t, parent))));
            } else {
                prepare.addAll(t.alterToFit(dialect));
            }
            // child rows go before their parents (a refresh's deletes read no staging table, but keep one order)
            deletes.add(parent ? deletes.size() : 0, deleteScoped(t.name(), parent));
            String names = t.columns().keySet().stream().map(dialect::quote).collect(Collectors.joining(", "));
            inserts.add("INSERT INTO " + dialect.quote(t.name()) + " (" + names + ") SELECT " + names + " FROM "
                    + dialect.quote(t.stage()));
        }
        Set<String> staged = targets.stream().map(SwapTarget::name).collect(Collectors.toSet());
        if (children != null) {
            // a live child table this run wrote nothing to still loses the changed parents' rows
            for (String name : live.tables(table + "__")) {
                if (!staged.contains(name)) {
                    deletes.add(0, deleteScoped(name, false));
                }
            }
        }
        List<String> copies = new ArrayList<>(deletes);
        copies.addAll(inserts);
        if (childKind != null) {
            String children = dialect.quote(TableLoad.childrenTable(childKind));
            String scoped = dialect.quote(TableLoad.childStage(childKind));
            if (live.exists(TableLoad.childrenTable(childKind))) {
                copies.add(refreshIds != null
                        ? "DELETE FROM " + children + " WHERE " + dialect.quote("incident_id") + " IN (" + refreshIds + ")"
                        : "DELETE FROM " + children + " WHERE EXISTS (SELECT 1 FROM " + scoped + " s WHERE s."
                        + dialect.quote("incident_id") + " = " + children + "." + dialect.quote("incident_id") + ")");
                copies.add("INSERT INTO " + children + " SELECT * FROM " + scoped);
            } else {
                prepare.add(Sql.of("ALTER TABLE " + scoped + " RENAME TO " + children));
            }
        }
        for (SwapTarget t : targets) {
            cleanup.add(Sql.of("DROP TABLE " + dialect.quote(t.stage())));
        }
        if (childKind != null && live.exists(TableLoad.childrenTable(childKind))) {
            cleanup.add(Sql.of("DROP TABLE IF EXISTS " + dialect.quote(TableLoad.childStage(childKind))));
        }
        return new TableLoad.Merge(prepare, copies, cleanup);
    }

    /** Deletes the live rows of {@code name} that the parent's staging rows name by the merge scope. */
    private String deleteScoped(String name, boolean parent) {
        String live = dialect.quote(name);
        if (refreshIds != null) {
            String column = mergeScope.get(0);
            return "DELETE FROM " + live + " WHERE " + dialect.quote(parent ? column : ChildTables.SOURCE_KEY + column)
                    + " IN (" + refreshIds + ")";
        }
        String condition = mergeScope.stream()
                .map(c -> "s." + dialect.quote(c) + " = " + live + "." + dialect.quote(parent ? c : ChildTables.SOURCE_KEY + c))
                .collect(Collectors.joining(" AND "));
        return "DELETE FROM " + live + " WHERE EXISTS (SELECT 1 FROM " + dialect.quote(stage) + " s WHERE " + condition + ")";
    }

    private List<String> keyOf(SwapTarget t, boolean parent) {
        if (parent) {
            return key;
        }
        for (ChildTables.Child child : children.all()) {
            if (child.name.equals(t.name())) {
                return child.key;
            }
        }
        throw new IllegalStateException("no child table " + t.name());
    }
}
