package io.incidentsync.store;

import io.incidentsync.schema.ColumnType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One table of a swap: its staging table, its live name, its columns and the live table's (empty if none). */
record SwapTarget(String stage, String name, Map<String, ColumnType> columns, Map<String, String> live) {

    String old() {
        return TableLoad.derivedName("_sdc_old_", name);
    }

    /** The statements that give the live table the new columns, and widen those that became text, before a copy. */
    List<Sql> alterToFit(Dialect dialect) {
        List<Sql> out = new ArrayList<>();
        for (Map.Entry<String, ColumnType> c : columns.entrySet()) {
            if (!live.containsKey(c.getKey())) {
                out.add(Sql.of("ALTER TABLE " + dialect.quote(name) + " ADD COLUMN " + dialect.quote(c.getKey()) + " "
                        + dialect.type(c.getValue(), false)));
            } else if (c.getValue() == ColumnType.TEXT && !dialect.isText(live.get(c.getKey()))) {
                out.add(Sql.of(dialect.widenToText(name, c.getKey(), dialect.typeOf(live.get(c.getKey())))));
            }
        }
        return out;
    }
}
