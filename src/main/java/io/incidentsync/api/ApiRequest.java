package io.incidentsync.api;

import org.apache.camel.Exchange;

/**
 * The request the route incident-api sends, as one exchange property ({@link #PROPERTY}): the listing's
 * path, its filters, the partition, the page size and the cursor, with the table it is for (its lines)
 * and that table's meter (its counts). A table run states its next request this way before each call.
 *
 * @param table     the table the request is for, or null outside a table's run
 * @param meter     where the request, retries and 429s are counted, or null
 * @param path      the API path, such as {@code /v2/incidents}
 * @param query     the listing's filters, {@code name=value&...}, or empty
 * @param partition one partition's parameter, such as {@code incident_mode=test}, or empty
 * @param pageSize  the page size, or empty for an unpaged listing
 * @param after     the cursor of the page to fetch, or null for the first page
 * @param mayVanish whether a 404 on the first page means the partition's parent is gone (skipped)
 */
public record ApiRequest(String table, IncidentApi.ApiMeter meter, String path, String query, String partition,
                         String pageSize, String after, boolean mayVanish) {

    public static final String PROPERTY = "incidentApiRequest";

    /** The request the exchange carries. */
    static ApiRequest of(Exchange exchange) {
        ApiRequest request = exchange.getProperty(PROPERTY, ApiRequest.class);
        if (request == null) {
            throw new IllegalStateException("no " + PROPERTY + " on the exchange: the route incident-api needs one");
        }
        return request;
    }

    /** The request's table, or null (an exchange without a request, such as a failure before one was made). */
    static String tableOf(Exchange exchange) {
        ApiRequest request = exchange.getProperty(PROPERTY, ApiRequest.class);
        return request == null ? null : request.table();
    }

    /** The request's meter, or null. */
    static IncidentApi.ApiMeter meterOf(Exchange exchange) {
        ApiRequest request = exchange.getProperty(PROPERTY, ApiRequest.class);
        return request == null ? null : request.meter();
    }
}
