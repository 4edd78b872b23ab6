package io.incidentsync.store;

import java.util.List;

/**
 * One statement for the routes to send to the JDBC endpoint: its text and, in order, the values of its
 * {@code ?} markers. Java builds it (dialect, column mapping); the route {@code incident-sql} executes it.
 * A statement that may fail without failing its table carries the warning to log instead.
 */
public final class Sql {

    private final String text;
    private final List<Object> parameters;
    private final String tolerated;

    private Sql(String text, List<Object> parameters, String tolerated) {
        this.text = text;
        this.parameters = parameters;
        this.tolerated = tolerated;
    }

    /** A statement (or several, separated by semicolons, run in one transaction) without parameters. */
    public static Sql of(String text) {
        return new Sql(text, List.of(), null);
    }

    /** A statement with the values of its markers, in order; a null binds SQL NULL. */
    public static Sql of(String text, List<Object> parameters) {
        return new Sql(text, parameters, null);
    }

    /**
     * One statement of one row's markers run for many rows as a JDBC batch, in one transaction:
     * {@code rows} holds the rows' values one after another, each row as many as the text has markers.
     */
    public static Sql batch(String text, List<Object> rows) {
        return new Sql(text, rows, null);
    }

    /** A statement whose failure is logged with {@code warning} and does not fail the table. */
    public static Sql allowedToFail(String text, String warning) {
        return new Sql(text, List.of(), warning);
    }

    /** A statement with values whose failure is logged with {@code warning} and does not fail the table. */
    public static Sql allowedToFail(String text, List<Object> parameters, String warning) {
        return new Sql(text, parameters, warning);
    }

    public String getText() {
        return text;
    }

    public List<Object> getParameters() {
        return parameters;
    }

    /** True when the statement has markers, and so goes to the prepared-statement JDBC endpoint. */
    public boolean isPrepared() {
        return !parameters.isEmpty();
    }

    /** The warning logged when this statement fails, or null when its failure fails the table. */
    public String getTolerated() {
        return tolerated;
    }

    @Override
    public String toString() {
        // never the values: they are record data
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
