package io.incidentsync.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The cause of a failure as it may appear in a line, {@code _sync_runs.error} or the log: a foreign
 * exception's message can quote the record it failed on (a destination's "cannot deliver {...}", a
 * type converter's "with value ..."), so the record's text values are cut out of it, e-mail addresses
 * are masked whatever their source, and it is cut at {@link #MAX} characters.
 */
public final class CauseText {

    /** The most characters of a foreign cause a line keeps. */
    public static final int MAX = 300;
    static final String REDACTED = "<record data>";
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CauseText() {
    }

    /** {@code ExceptionType: message}, without the record's values (the record's JSON text, or null). */
    public static String of(Throwable cause, String recordJson) {
        String text = cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return cut(scrub(text, recordJson));
    }

    /** The text without the record's JSON, nor any of its string values of four characters or more, nor e-mail addresses. */
    static String scrub(String text, String recordJson) {
        String out = text;
        if (recordJson != null && !recordJson.isEmpty()) {
            out = out.replace(recordJson, REDACTED);
            List<String> values = new ArrayList<>();
            try {
                collect(MAPPER.readTree(recordJson), values);
            } catch (Exception notJson) {
                // the whole text was removed above, which is all there is to remove
            }
            // the longest first, so that a value containing another goes whole
            values.sort(Comparator.comparingInt(String::length).reversed());
            for (String v : values) {
                out = out.replace(v, REDACTED);
            }
        }
        return EMAIL.matcher(out).replaceAll("<e-mail>");
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isTextual() && node.asText().length() >= 4) {
            out.add(node.asText());
        } else if (node.isContainerNode()) {
            node.forEach(child -> collect(child, out));
        }
    }

    static String cut(String text) {
        String line = text.replaceAll("[\\s\\p{Cc}]+", " ").strip();
        return line.length() <= MAX ? line : line.substring(0, MAX - 3) + "...";
    }
}
