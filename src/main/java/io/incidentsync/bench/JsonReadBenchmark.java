package io.incidentsync.bench;

import io.incidentsync.api.Page;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.jackson.JacksonDataFormat;
import org.apache.camel.support.DefaultExchange;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How fast pages become what the writer needs (each record's fields, and the JSON text of every object
 * or array field, which a JSON column stores), read two ways from the same bodies: the sync's streaming
 * reader ({@link Page}, keeping nested values' source text) and Camel Jackson's data format
 * ({@code unmarshal: json}, a tree of the whole page, nested values written out again).
 */
public final class JsonReadBenchmark {

    /** Records read, and the median seconds of the streaming reader (ours) and of Camel Jackson (plain). */
    public static Comparison measure(CamelContext camel, List<Page> pages) throws Exception {
        JacksonDataFormat format = new JacksonDataFormat(JsonNode.class);
        format.setCamelContext(camel);
        format.start();
        double[] streaming = new double[WriterBenchmark.ROUNDS];
        double[] jackson = new double[WriterBenchmark.ROUNDS];
        long records = 0;
        for (int round = 0; round < WriterBenchmark.ROUNDS; round++) {
            long start = System.nanoTime();
            long count = 0;
            long sink = 0;
            for (Page page : pages) {
                Page again = Page.parse(page.body(), page.arrayKey());
                for (ObjectNode record : again) {
                    sink += use(record);
                    count++;
                }
            }
            streaming[round] = (System.nanoTime() - start) / 1e9;
            records = count;
            start = System.nanoTime();
            for (Page page : pages) {
                Exchange exchange = new DefaultExchange(camel);
                try (InputStream in = page.body().open()) {
                    JsonNode tree = (JsonNode) format.unmarshal(exchange, in);
                    for (JsonNode record : tree.path(page.arrayKey())) {
                        sink += use(record);
                    }
                }
            }
            jackson[round] = (System.nanoTime() - start) / 1e9;
            if (sink == 42) {
                System.out.print("");
            }
        }
        format.stop();
        return new Comparison(records, median(streaming), median(jackson));
    }

    /** Touches every field, and takes the JSON text of every object or array field, as the writer does. */
    private static long use(JsonNode record) {
        long n = 0;
        Iterator<Map.Entry<String, JsonNode>> fields = record.fields();
        while (fields.hasNext()) {
            JsonNode value = fields.next().getValue();
            if (value.isContainerNode()) {
                // the body's own text for the streaming reader's values; written out again for a tree's
                n += Page.json(value).length();
            } else {
                n += value.asText().length();
            }
        }
        return n;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
