package io.incidentsync.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads a record into the same tree Jackson's {@code readTree} builds, except that every object and
 * array also remembers where its text lies in the response body. A JSON column then takes the API's
 * own text instead of serialising the value again, which for the widest columns
 * ({@code custom_field_entries} runs to kilobytes a record) was most of the cost of writing a row.
 *
 * <p>The text is the value as received: a route step that changes a record in place before the SQL
 * writer would not be seen in its JSON columns, so such steps must replace the body (as every YAML
 * expression does) or come after the writer, as docs/destinations.md says.
 */
final class SourceTree {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SourceTree() {
    }

    /** The API's text of a value read by this class, or null for any other value. */
    static String sourceText(JsonNode value) {
        if (value instanceof SourceObject) {
            return ((SourceObject) value).text();
        }
        if (value instanceof SourceArray) {
            return ((SourceArray) value).text();
        }
        return null;
    }

    /** Makes a value read by this class forget its text, once something inside it was removed. */
    static void forget(JsonNode value) {
        if (value instanceof SourceObject object) {
            object.span = null;
        } else if (value instanceof SourceArray array) {
            array.span = null;
        }
    }

    /** The bytes a response body was parsed from: its byte offsets are the parser's. */
    interface Source {
        String text(int start, int end);

        static Source of(byte[] body) {
            return (start, end) -> new String(body, start, end - start, StandardCharsets.UTF_8);
        }

        /** A body in a file, mapped rather than read onto the heap. */
        static Source of(ByteBuffer body) {
            return (start, end) -> {
                byte[] bytes = new byte[end - start];
                body.get(start, bytes);
                return new String(bytes, StandardCharsets.UTF_8);
            };
        }
    }

    /**
     * Reads the value at the parser's current token; the parser reads {@code body} from its first byte,
     * so its byte offsets index it.
     */
    static JsonNode read(JsonParser p, Source body) throws IOException {
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT: {
                int start = (int) p.currentTokenLocation().getByteOffset();
                SourceObject object = new SourceObject(body);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    object.set(name, read(p, body));
                }
                object.range(start, (int) p.currentLocation().getByteOffset());
                return object;
            }
            case START_ARRAY: {
                int start = (int) p.currentTokenLocation().getByteOffset();
                SourceArray array = new SourceArray(body);
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(p, body));
                }
                array.range(start, (int) p.currentLocation().getByteOffset());
                return array;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new IOException("unexpected JSON token " + token);
        }
    }

    /** Where a value's text lies in its body, and how many elements it had when read. */
    private record Span(Source body, int start, int end, int size) {
        /** Null once an element was added or removed: the text is no longer the value's. */
        String text(int sizeNow) {
            return sizeNow == size ? body.text(start, end) : null;
        }
    }

    /** An object that knows its text in the body it was read from. */
    static final class SourceObject extends ObjectNode {
        private static final long serialVersionUID = 1L;
        private final transient Source body;
        private transient Span span;

        SourceObject(Source body) {
            super(NODES);
            this.body = body;
        }

        void range(int start, int end) {
            span = new Span(body, start, end, size());
        }

        String text() {
            return span == null ? null : span.text(size());
        }
    }

    /** An array that knows its text in the body it was read from. */
    static final class SourceArray extends ArrayNode {
        private static final long serialVersionUID = 1L;
        private final transient Source body;
        private transient Span span;

        SourceArray(Source body) {
            super(NODES);
            this.body = body;
        }

        void range(int start, int end) {
            span = new Span(body, start, end, size());
        }

        String text() {
            return span == null ? null : span.text(size());
        }
    }
}
