package io.incidentsync.schema;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Draws the tables of a synced database and how they join, as a Mermaid entity-relationship diagram
 * (the README's). A child table joins its parent on {@code _sdc_source_key_*} (the parent being the
 * longest table name its own name starts with, followed by {@code __}); a column {@code X_id} or
 * {@code X__id} joins table {@code Xs} on {@code id}. Run:
 * {@code java -cp target/incident-io-sync.jar io.incidentsync.schema.SchemaDiagram JDBC_URL}.
 */
public final class SchemaDiagram {

    private SchemaDiagram() {
    }

    public static void main(String[] args) throws SQLException {
        if (args.length != 1) {
            System.err.println("usage: SchemaDiagram JDBC_URL");
            System.exit(2);
        }
        try (Connection c = DriverManager.getConnection(args[0], "", "")) {
            System.out.print(draw(c));
        }
    }

    /** The diagram of the connection's current schema, in a stable order. */
    public static String draw(Connection c) throws SQLException {
        Map<String, List<String>> columns = new TreeMap<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, c.getSchema(), "%", "%")) {
            while (rs.next()) {
                String table = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if (!table.startsWith("_") && !table.startsWith("qrtz_")) {
                    columns.computeIfAbsent(table, t -> new ArrayList<>()).add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        TreeSet<String> lines = new TreeSet<>();
        for (Map.Entry<String, List<String>> table : columns.entrySet()) {
            String name = table.getKey();
            String parent = null;
            for (String other : columns.keySet()) {
                if (name.startsWith(other + "__") && (parent == null || other.length() > parent.length())) {
                    parent = other;
                }
            }
            if (parent != null) {
                lines.add("    " + parent + " ||--o{ " + name + " : \"_sdc_source_key_*\"");
                continue;
            }
            for (String column : table.getValue()) {
                String target = column.endsWith("__id") ? column.substring(0, column.length() - 4)
                        : column.endsWith("_id") ? column.substring(0, column.length() - 3) : null;
                if (target != null && columns.containsKey(target + "s") && !(target + "s").equals(name)) {
                    lines.add("    " + target + "s ||--o{ " + name + " : " + column);
                }
            }
        }
        StringBuilder out = new StringBuilder("erDiagram\n");
        lines.forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }
}
