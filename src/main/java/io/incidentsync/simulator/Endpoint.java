package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * One list endpoint: where it is, which table it serves, how it pages and filters. Adding an endpoint is one of
 * these in {@link Endpoints} plus its table in {@link DataSet}.
 *
 * @param maxPageSize    0 for an endpoint that answers everything at once
 * @param requiredParams parameters answered with 422 when missing or empty; "page_size" among them makes the page
 *                       size mandatory, otherwise it defaults to {@link ListingWriter#DEFAULT_PAGE_SIZE}
 * @param ownBucket      whether it has its own, smaller rate limit on top of the key's
 * @param totalCount     whether pagination_meta carries total_record_count
 * @param visibility     which records a key may see at all; a complete sync sees exactly these
 * @param filter         what the query narrows that down to, including the filters that hide records by default
 * @param extras         top-level fields the body carries beside the array (e.g. catalog_entries' catalog_type)
 * @param responder      null for a listing of table records; otherwise it builds the whole body itself (the
 *                       schedule_entries object of three lists), and the table only carries unknown-field faults
 */
record Endpoint(String path, String table, String arrayKey, int maxPageSize, List<String> requiredParams,
                boolean ownBucket, boolean totalCount, Visibility visibility, Filter filter, Extras extras,
                Responder responder) {

    Endpoint(String path, String table, String arrayKey, int maxPageSize, List<String> requiredParams,
             boolean ownBucket, boolean totalCount, Visibility visibility, Filter filter) {
        this(path, table, arrayKey, maxPageSize, requiredParams, ownBucket, totalCount, visibility, filter,
                Extras.NONE, null);
    }

    boolean paged() {
        return maxPageSize > 0;
    }

    interface Visibility {
        boolean visible(DataSet data, int index, boolean privateScope);

        Visibility ALL = (data, index, privateScope) -> true;
    }

    interface Filter {
        /** Throws {@link ApiError} for a parameter the API would refuse. */
        IntPredicate parse(QueryParams query, DataSet data);

        Filter NONE = (query, data) -> index -> true;
    }

    interface Extras {
        /** Fields written after the array, in order; called after the filter accepted the query. */
        Map<String, JsonNode> fields(QueryParams query, DataSet data);

        Extras NONE = (query, data) -> Map.of();
    }

    interface Responder {
        /** The whole 200 body; throws {@link ApiError} for a parameter the API would refuse. */
        ObjectNode body(QueryParams query, DataSet data, boolean privateScope);
    }
}
