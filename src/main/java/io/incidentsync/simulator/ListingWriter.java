package io.incidentsync.simulator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/** Answers a list request: checks paging parameters, picks the records, streams them as JSON. */
final class ListingWriter {
    static final int DEFAULT_PAGE_SIZE = 25;

    private final DataSet data;
    private final Faults faults;

    ListingWriter(DataSet data, Faults faults) {
        this.data = data;
        this.faults = faults;
    }

    /** Everything the key may see that the query asks for; throws {@link ApiError} for a refused parameter. */
    IntPredicate selection(Endpoint endpoint, QueryParams query, boolean privateScope) {
        for (String required : endpoint.requiredParams()) {
            String value = query.first(required);
            if (value == null || value.isEmpty()) {
                throw ApiError.missing(required);
            }
        }
        Table table = data.table(endpoint.table());
        IntPredicate filter = endpoint.filter().parse(query, data);
        return i -> table.exists(i) && endpoint.visibility().visible(data, i, privateScope) && filter.test(i);
    }

    void write(Endpoint endpoint, QueryParams query, boolean privateScope, HttpResponse response, boolean truncate)
            throws IOException {
        if (endpoint.responder() != null) {
            writeBody(endpoint, query, privateScope, response, truncate);
            return;
        }
        IntPredicate matches = selection(endpoint, query, privateScope);
        Table table = data.table(endpoint.table());
        Map<String, JsonNode> extras = endpoint.extras().fields(query, data);
        if (endpoint.paged()) {
            writePage(endpoint, query, table, matches, extras, response, truncate);
        } else {
            writeAll(endpoint, table, matches, response, truncate);
        }
    }

    /** One record by id, as its listing would show it to this key, or a 404 when the listing would not. */
    void writeRecord(Endpoint listing, RecordRoute route, String id, boolean privateScope, HttpResponse response,
                     boolean truncate) throws IOException {
        Table table = data.table(listing.table());
        long index = table.indexOf(id);
        if (index < 0 || index >= Integer.MAX_VALUE || !table.exists((int) index)
                || !listing.visibility().visible(data, (int) index, privateScope)) {
            throw new ApiError(404, "not_found", "not_found",
                    "No " + route.objectKey().replace('_', '-') + " with id '" + id + "'", null);
        }
        JsonNode record = table.record((int) index);
        send(response, out -> {
            JsonGenerator json = generator(out);
            json.writeStartObject();
            json.writeFieldName(route.objectKey());
            json.writeTree(record);
            json.writeEndObject();
            json.close();
        }, truncate);
    }

        /** An endpoint whose body is not one array of table records: its responder builds it whole. */
    private void writeBody(Endpoint endpoint, QueryParams query, boolean privateScope, HttpResponse response,
                           boolean truncate) throws IOException {
        for (String required : endpoint.requiredParams()) {
            String value = query.first(required);
            if (value == null || value.isEmpty()) {
                throw ApiError.missing(required);
            }
        }
        JsonNode tree = endpoint.responder().body(query, data, privateScope);
        send(response, out -> {
            JsonGenerator json = generator(out);
            json.writeTree(tree);
            json.close();
        }, truncate);
    }

    private void writePage(Endpoint endpoint, QueryParams query, Table table, IntPredicate matches,
                           Map<String, JsonNode> extras, HttpResponse response, boolean truncate) throws IOException {
        int pageSize = pageSize(query, endpoint.maxPageSize());
        int start = start(query, table);
        List<Integer> page = new ArrayList<>(pageSize + 1);
        for (int i = start; i < table.size() && page.size() <= pageSize; i++) {
            if (matches.test(i)) {
                page.add(i);
            }
        }
        boolean more = page.size() > pageSize;
        if (more) {
            page.remove(page.size() - 1);
        }
        long total = endpoint.totalCount() ? count(table, matches) : -1;
        int last = page.isEmpty() ? start - 1 : page.get(page.size() - 1);
        Body body = out -> {
            JsonGenerator json = generator(out);
            json.writeStartObject();
            json.writeArrayFieldStart(endpoint.arrayKey());
            for (int i : page) {
                json.writeTree(table.record(i));
            }
            json.writeEndArray();
            for (Map.Entry<String, JsonNode> extra : extras.entrySet()) {
                json.writeFieldName(extra.getKey());
                json.writeTree(extra.getValue());
            }
            json.writeObjectFieldStart("pagination_meta");
            if (more) {
                json.writeStringField("after", table.id(last));
            }
            json.writeNumberField("page_size", pageSize);
            if (total >= 0) {
                json.writeNumberField("total_record_count", total);
            }
            json.writeEndObject();
            json.writeEndObject();
            json.close();
        };
        send(response, body, truncate);
        faults.onPageServed(endpoint.path(), table, last, matches);
    }

    private void writeAll(Endpoint endpoint, Table table, IntPredicate matches, HttpResponse response,
                          boolean truncate) throws IOException {
        int[] last = {-1};
        Body body = out -> {
            JsonGenerator json = generator(out);
            json.writeStartObject();
            json.writeArrayFieldStart(endpoint.arrayKey());
            for (int i = 0; i < table.size(); i++) {
                if (matches.test(i)) {
                    json.writeTree(table.record(i));
                    last[0] = i;
                }
            }
            json.writeEndArray();
            json.writeEndObject();
            json.close();
        };
        send(response, body, truncate);
        faults.onPageServed(endpoint.path(), table, last[0], matches);
    }

    private static int pageSize(QueryParams query, int max) {
        String raw = query.first("page_size");
        if (raw == null) {
            return DEFAULT_PAGE_SIZE;
        }
        int size;
        try {
            size = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiError.validation("page_size", "page_size must be an integer");
        }
        if (size < 1 || size > max) {
            throw ApiError.validation("page_size", "page_size must be between 1 and " + max);
        }
        return size;
    }

    private static int start(QueryParams query, Table table) {
        String after = query.first("after");
        if (after == null || after.isEmpty()) {
            return 0;
        }
        long index = table.indexOf(after);
        if (index < 0 || index >= Integer.MAX_VALUE) {
            throw ApiError.validation("after", "after is not a record id of this listing");
        }
        return (int) index + 1;
    }

    private static long count(Table table, IntPredicate matches) {
        long total = 0;
        for (int i = 0; i < table.size(); i++) {
            if (matches.test(i)) {
                total++;
            }
        }
        return total;
    }

    private interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return json;
    }

    /** Streams the body chunked, or, for a truncation fault, sends a prefix that ends inside a record. */
    private static void send(HttpResponse response, Body body, boolean truncate) throws IOException {
        if (!truncate) {
            try (OutputStream out = response.stream(200, HttpResponse.JSON, Map.of())) {
                body.writeTo(out);
            }
            return;
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        body.writeTo(whole);
        byte[] bytes = whole.toByteArray();
        response.send(200, HttpResponse.JSON, Map.of(), Arrays.copyOf(bytes, cutPoint(bytes)));
    }

    /** Just past the middle of the first record, or halfway when there is none. */
    private static int cutPoint(byte[] bytes) {
        int open = -1;
        for (int i = 1; i < bytes.length; i++) {
            if (bytes[i] == '{' && bytes[i - 1] == '[') {
                open = i;
                break;
            }
        }
        if (open < 0) {
            return bytes.length / 2;
        }
        int close = open;
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < bytes.length; i++) {
            byte b = bytes[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{') {
                depth++;
            } else if (b == '}' && --depth == 0) {
                close = i;
                break;
            }
        }
        return open + Math.max(1, (close - open) / 2);
    }
}
