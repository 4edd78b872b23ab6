package io.incidentsync.simulator;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * One list endpoint: where it is, which table it serves, how it pages and filters. Adding an endpoint is one of
 * these in {@link Endpoints} plus its table in {@link DataSet}.
 *
 * @param maxPageSize   0 for an endpoint that answers everything at once
 * @param ownBucket     whether it has its own, smaller rate limit on top of the key's
 * @param totalCount    whether pagination_meta carries total_record_count
 * @param visibility    which records a key may see at all; a complete sync sees exactly these
 * @param filter        what the query narrows that down to, including the filters that hide records by default
 */
record Endpoint(String path, String table, String arrayKey, int maxPageSize, List<String> requiredParams,
                boolean ownBucket, boolean totalCount, Visibility visibility, Filter filter) {

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
}
