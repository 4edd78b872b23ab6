package io.incidentsync.store;

import io.incidentsync.schema.ColumnType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** PostgreSQL: lower-case names, jsonb, an upsert by ON CONFLICT and an advisory lock per schema. */
final class PostgresDialect extends Dialect {
    @Override
    protected String storedCase(String identifier) {
        return identifier.toLowerCase(Locale.ROOT);
    }

    @Override
    public String type(ColumnType type, boolean key) {
        switch (type) {
            case TIMESTAMP: return "timestamptz";
            case BIGINT: return "bigint";
            case DOUBLE: return "double precision";
            case BOOLEAN: return "boolean";
            case JSON: return "jsonb";
            default: return "text";
        }
    }

    @Override
    public String marker(ColumnType type) {
        return type == ColumnType.JSON ? "?::jsonb" : "?";
    }

    /** Characters PostgreSQL cannot store become U+FFFD rather than failing the table on every sync. */
    @Override
    public String storable(ColumnType type, String value) {
        return type == ColumnType.JSON ? PostgresText.json(value) : PostgresText.text(value);
    }

    @Override
    public String widenToText(String table, String column) {
        return "ALTER TABLE " + quote(table) + " ALTER COLUMN " + quote(column) + " TYPE text USING " + quote(column) + "::text";
    }

    /**
     * An advisory lock of the session, keyed on the product and the schema (advisory locks are per
     * database already), so syncs into two schemas of one database do not wait for each other.
     */
    private static final String LOCK_KEY = "hashtext('incident-io-sync'), "
            + "coalesce((SELECT oid::int FROM pg_namespace WHERE nspname = current_schema()), 0)";

    @Override
    protected String lockQuery(boolean take) {
        return (take ? "SELECT pg_try_advisory_lock(" : "SELECT pg_advisory_unlock(") + LOCK_KEY + ")";
    }

    @Override
    public String aggregate(String value, String orderBy) {
        return "string_agg(" + value + ", ',' ORDER BY " + orderBy + ")";
    }

    @Override
    public String castJson(String expression) {
        return "CAST(" + expression + " AS jsonb)";
    }

    @Override
    public String upsert(String table, List<String> columns, List<ColumnType> types, List<String> key, int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table)).append(" (").append(list(columns))
                .append(") VALUES ").append(valueLists(types, rows));
        sql.append(" ON CONFLICT (").append(list(key)).append(") DO ");
        List<String> rest = columns.stream().filter(c -> !key.contains(c)).collect(Collectors.toList());
        if (rest.isEmpty()) {
            return sql.append("NOTHING").toString();
        }
        sql.append("UPDATE SET ").append(rest.stream().map(c -> quote(c) + " = EXCLUDED." + quote(c))
                .collect(Collectors.joining(", ")));
        return sql.toString();
    }
}
