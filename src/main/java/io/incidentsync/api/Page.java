package io.incidentsync.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One answer of a listing, already checked to be the JSON the endpoint promises. Its records are read
 * one at a time from the buffered body (memory or, for a large unpaged listing, a temporary file), so a
 * page never becomes one big tree.
 */
public final class Page implements Iterable<ObjectNode>, AutoCloseable {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final com.fasterxml.jackson.databind.ObjectWriter WRITER = MAPPER.writer();

    /**
     * JSON text of a value: the API's own text when the value was read from a response body, else
     * written by the shared writer (several times faster than JsonNode.toString()).
     */
    public static String json(com.fasterxml.jackson.databind.JsonNode value) {
        String source = SourceTree.sourceText(value);
        if (source != null) {
            return source;
        }
        try {
            return WRITER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The column that says which list of an object of lists a record came from (schedule entries:
     * {@code final}, {@code scheduled} or {@code overrides}).
     */
    public static final String LIST_COLUMN = "entry_list";

    private final Body body;
    private final String arrayKey;
    private final List<String> lists;
    private final String after;
    private final int size;
    /** The body holds one record under the key (GET /v2/incidents/{id}), not an array. */
    private final boolean single;

    private Page(Body body, String arrayKey, List<String> lists, String after, int size) {
        this(body, arrayKey, lists, after, size, false);
    }

    private Page(Body body, String arrayKey, List<String> lists, String after, int size, boolean single) {
        this.single = single;
        this.body = body;
        this.arrayKey = arrayKey;
        this.lists = lists;
        this.after = after;
        this.size = size;
    }

    static Page empty(String arrayKey) {
        return new Page(null, arrayKey, List.of(), null, 0);
    }

    /** The answer's body as it arrived, for the JSON reading benchmark. */
    public Body body() {
        return body;
    }

    public String arrayKey() {
        return arrayKey;
    }

    /** The cursor for the next page, or null on the last page. */
    public String after() {
        return after;
    }

    public int size() {
        return size;
    }

    /**
     * Reads the whole body once to check its shape: an object whose {@code arrayKey} is an array of
     * objects. Throws {@link MalformedBodyException} otherwise.
     */
    public static Page parse(Body body, String arrayKey) throws IOException {
        return parse(body, arrayKey, List.of());
    }

    /**
     * {@link #parse(Body, String)}, or, when {@code lists} names them, an object under {@code arrayKey}
     * whose fields of those names are arrays of objects: each record then carries {@link #LIST_COLUMN}.
     */
    public static Page parse(Body body, String arrayKey, List<String> lists) throws IOException {
        return parse(body, arrayKey, lists, false);
    }

    /** {@link #parse(Body, String, List)}; when {@code single}, the key holds one record, an object. */
    public static Page parse(Body body, String arrayKey, List<String> lists, boolean single) throws IOException {
        String after = null;
        int count = -1;
        try (InputStream in = body.open(); JsonParser p = MAPPER.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedBodyException("the body is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals(arrayKey) && single) {
                    if (value != JsonToken.START_OBJECT) {
                        throw new MalformedBodyException("'" + arrayKey + "' is not an object");
                    }
                    p.skipChildren();
                    count = 1;
                } else if (field.equals(arrayKey) && !lists.isEmpty()) {
                    if (value != JsonToken.START_OBJECT) {
                        throw new MalformedBodyException("'" + arrayKey + "' is not an object of lists");
                    }
                    count = 0;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String list = p.currentName();
                        if (p.nextToken() != JsonToken.START_ARRAY) {
                            throw new MalformedBodyException("'" + arrayKey + "." + list + "' is not an array");
                        }
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() != JsonToken.START_OBJECT) {
                                throw new MalformedBodyException("an element of '" + arrayKey + "." + list
                                        + "' is not an object");
                            }
                            p.skipChildren();
                            count++;
                        }
                    }
                } else if (field.equals(arrayKey)) {
                    if (value != JsonToken.START_ARRAY) {
                        throw new MalformedBodyException("'" + arrayKey + "' is not an array");
                    }
                    count = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() != JsonToken.START_OBJECT) {
                            throw new MalformedBodyException("an element of '" + arrayKey + "' is not an object");
                        }
                        p.skipChildren();
                        count++;
                    }
                } else if (field.equals("pagination_meta") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String metaField = p.currentName();
                        p.nextToken();
                        if (metaField.equals("after")) {
                            after = cursor(p.currentToken(), p);
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new MalformedBodyException("the JSON object is not closed");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedBodyException("invalid JSON: " + e.getOriginalMessage());
        }
        if (count < 0) {
            throw new MalformedBodyException("no '" + arrayKey + "' " + (single ? "object" : "array") + " in the body");
        }
        return new Page(body, arrayKey, lists, after == null || after.isEmpty() ? null : after, count, single);
    }

    /** A cursor as text: a string, or a whole number written as one; anything else is a malformed body. */
    private static String cursor(JsonToken token, JsonParser p) throws IOException {
        switch (token) {
            case VALUE_STRING:
            case VALUE_NUMBER_INT:
                return p.getText();
            case VALUE_NULL:
                return null;
            default:
                String what = token == JsonToken.START_OBJECT ? "an object" : token == JsonToken.START_ARRAY ? "an array"
                        : token.isBoolean() ? "a boolean" : "a fractional number";
                throw new MalformedBodyException("pagination_meta.after is " + what + ", not a cursor");
        }
    }

    @Override
    public Iterator<ObjectNode> iterator() {
        if (body == null) {
            return java.util.Collections.emptyIterator();
        }
        if (!lists.isEmpty()) {
            return listed().iterator();
        }
        try {
            SourceTree.Source source = body.source();
            JsonParser p = body.bytes != null ? MAPPER.getFactory().createParser(body.bytes)
                    : MAPPER.getFactory().createParser(body.open());
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals(arrayKey)) {
                    break;
                }
                p.skipChildren();
            }
            return new Iterator<>() {
                JsonToken next = single ? p.currentToken() : p.nextToken();

                @Override
                public boolean hasNext() {
                    if (next != JsonToken.START_OBJECT) {
                        closeQuietly();
                        return false;
                    }
                    return true;
                }

                @Override
                public ObjectNode next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    try {
                        ObjectNode node = source != null ? (ObjectNode) SourceTree.read(p, source) : MAPPER.readTree(p);
                        next = p.nextToken();
                        return node;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                private void closeQuietly() {
                    try {
                        p.close();
                    } catch (IOException ignored) {
                        // reading is over; nothing was lost
                    }
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The records of an object of lists, each with the name of its list in {@link #LIST_COLUMN}, read
     * whole: such an answer (one schedule's entries in a window) is small.
     */
    private List<ObjectNode> listed() {
        try (InputStream in = body.open()) {
            com.fasterxml.jackson.databind.JsonNode lists = MAPPER.readTree(in).path(arrayKey);
            List<ObjectNode> out = new java.util.ArrayList<>();
            lists.fields().forEachRemaining(list -> list.getValue().forEach(record -> {
                ObjectNode tagged = MAPPER.createObjectNode();
                tagged.put(LIST_COLUMN, list.getKey());
                tagged.setAll((ObjectNode) record);
                out.add(tagged);
            }));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (body != null) {
            body.delete();
        }
    }

    /** A response body held in memory, or in a temporary file once it grows past a limit. */
    public static final class Body {
        private final byte[] bytes;
        private final Path file;

        Body(byte[] bytes, Path file) {
            this.bytes = bytes;
            this.file = file;
        }

        /**
         * Where records can take their JSON text from: the bytes in memory, or the file mapped into
         * memory (outside the heap). Null for a file too large to map, whose values are written anew.
         */
        SourceTree.Source source() throws IOException {
            if (bytes != null) {
                return SourceTree.Source.of(bytes);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                return size >= Integer.MAX_VALUE ? null
                        : SourceTree.Source.of(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
            }
        }

        public InputStream open() throws IOException {
            return bytes != null ? new java.io.ByteArrayInputStream(bytes) : Files.newInputStream(file);
        }

        /** The first bytes, for an error message about a body that is not what it should be. */
        String head(int max) {
            try (InputStream in = open()) {
                byte[] head = in.readNBytes(max);
                return new String(head, java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", " ");
            } catch (IOException e) {
                return "";
            }
        }

        void delete() {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }

    /** A body that is not the JSON the endpoint promises: cut off, or a proxy's HTML page. */
    static final class MalformedBodyException extends IOException {
        MalformedBodyException(String message) {
            super(message);
        }
    }
}
