package io.incidentsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The swap of a complete load: the statements that make the staging table, and its child tables', the
 * live tables, by a copy of the rows in one transaction or by renaming (see {@link TableLoad#swap()}).
 */
final class TableSwap {

    private final String table;
    private final String stage;
    private final String childKind;
    private final Dialect dialect;
    private final DataSource dataSource;
    private final LiveTables live;
    private final RowConverter rows;
    /** The arrays' child tables (incident.arrays holds tables), else null. */
    private final ChildTables children;
    /** Rows of each child table after the swap. */
    private final Map<String, Long> childRows = new LinkedHashMap<>();
    /** Above this many staged characters, a dialect that may rename does (see {@link TableLoad#swap()}). */
    private long renameAbove = 32_000_000L;

    TableSwap(String table, String stage, String childKind, Dialect dialect, DataSource dataSource, LiveTables live,
              RowConverter rows, ChildTables children) {
        this.table = table;
        this.stage = stage;
        this.childKind = childKind;
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.live = live;
        this.rows = rows;
        this.children = children;
    }

    void renameAbove(long chars) {
        this.renameAbove = chars;
    }

    /** Rows of each child table of this load, once swapped. */
    Map<String, Long> childRows() {
        return childRows;
    }

    /** The parent's and each child table's staging and live tables; counts each child table's rows. */
    List<SwapTarget> targets() throws SQLException {
        List<SwapTarget> targets = new ArrayList<>();
        targets.add(new SwapTarget(stage, table, rows.withChildColumns(), live.columns(table)));
        if (children != null) {
            for (ChildTables.Child child : children.all()) {
                if (!child.staged()) {
                    continue; // no row this run, and its live table fits: emptied with the swap (vanished)
                }
                targets.add(new SwapTarget(child.stage, child.name, child.columns, live.columns(child.name)));
                childRows.put(child.name, live.count(child.stage));
            }
        }
        return targets;
    }

    private StagingStatements.Commented commentsOf(String name) {
        if (children != null) {
            for (ChildTables.Child child : children.all()) {
                if (child.name.equals(name)) {
                    return child.comments();
                }
            }
        }
        return rows.comments();
    }

    private static void addIfAny(List<Sql> out, Sql statement) {
        if (statement != null) {
            out.add(statement);
        }
    }

    /** The statements of a complete load's swap of these tables, the parent's first. */
    List<Sql> statements(List<SwapTarget> targets) throws SQLException {
        List<Sql> out = new ArrayList<>();
        List<String> vanished = children == null ? List.of() : children.vanished();
        long chars = rows.stagedChars();
        if (children != null) {
            for (ChildTables.Child child : children.all()) {
                chars += child.stagedChars;
            }
        }
        boolean rename = dialect.renamesAtomically() || chars > renameAbove;
        for (SwapTarget t : targets) {
            if (!rename) {
                break;
            }
            rename = t.live().isEmpty() || (live.mayRename(t.name()) && !live.exists(t.old()));
        }
        boolean renamed = rename && targets.stream().anyMatch(t -> !t.live().isEmpty());
        if (renamed) {
            List<String[]> swaps = new ArrayList<>();
            for (SwapTarget t : targets) {
                swaps.add(new String[] {t.stage(), t.name(), t.live().isEmpty() ? null : t.old()});
            }
            try (Connection c = dataSource.getConnection()) {
                out.add(Sql.of(dialect.renameSwap(c, swaps, vanished)));
            }
            for (SwapTarget t : targets) {
                if (!t.live().isEmpty()) {
                    // the new rows are live: a replaced table that stays behind is no reason to fail the table
                    out.add(Sql.allowedToFail("DROP TABLE IF EXISTS " + dialect.quote(t.old()),
                            table + ": cannot drop " + t.old() + "; the next sync copies the new rows into " + t.name()
                                    + " instead"));
                }
            }
        } else {
            // one statement text, so one transaction: readers see the old rows of every table or the new ones
            List<String> copies = new ArrayList<>();
            for (SwapTarget t : targets) {
                if (!t.live().isEmpty()) {
                    out.addAll(t.alterToFit(dialect));
                    String names = t.columns().keySet().stream().map(dialect::quote).collect(Collectors.joining(", "));
                    copies.add("DELETE FROM " + dialect.quote(t.name()) + "; INSERT INTO " + dialect.quote(t.name()) + " ("
                            + names + ") SELECT " + names + " FROM " + dialect.quote(t.stage()));
                }
            }
            vanished.forEach(name -> copies.add("DELETE FROM " + dialect.quote(name)));
            if (!copies.isEmpty()) {
                out.add(Sql.of(String.join("; ", copies)));
            }
            for (SwapTarget t : targets) {
                if (!t.live().isEmpty()) {
                    out.add(Sql.of("DROP TABLE " + dialect.quote(t.stage())));
                    if (live.exists(t.old())) {
                        out.add(Sql.allowedToFail("DROP TABLE IF EXISTS " + dialect.quote(t.old()),
                                table + ": cannot drop " + t.old() + " (left by an earlier sync)"));
                    }
                }
            }
            // no previous table for a reader to see: the staging table simply takes the name
            for (SwapTarget t : targets) {
                if (t.live().isEmpty()) {
                    out.add(Sql.of("ALTER TABLE " + dialect.quote(t.stage()) + " RENAME TO " + dialect.quote(t.name())));
                }
            }
        }
        // what each table and column holds, on a live table this swap made or changed (a copy keeps the comments
        // the live table was made with; H2 and MariaDB write the columns' into CREATE TABLE); COMMENT ON is DDL,
        // so not every sync: the first sync after an upgrade adds _sdc_undeclared, and writes them then
        for (SwapTarget t : targets) {
            if (renamed || t.live().isEmpty() || !t.alterToFit(dialect).isEmpty()) {
                addIfAny(out, commentsOf(t.name()).on(dialect, t.name()));
            }
        }
        if (childKind != null) {
            // this complete listing becomes the one incidents embed; the previous one goes
            out.add(Sql.of("DROP TABLE IF EXISTS " + dialect.quote(TableLoad.childrenTable(childKind)) + "; ALTER TABLE "
                    + dialect.quote(TableLoad.childStage(childKind)) + " RENAME TO "
                    + dialect.quote(TableLoad.childrenTable(childKind))));
        }
        return out;
    }
}
