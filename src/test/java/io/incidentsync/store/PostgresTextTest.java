package io.incidentsync.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** What PostgreSQL is given in place of the characters it cannot store, and that nothing else changes. */
class PostgresTextTest {

    @Test
    void textAndJsonWithNothingToReplaceAreTheSameString() {
        String plain = "Database is slow \u00e9\u65e5\ud83d\ude00 \\u0000";
        assertSame(plain, PostgresText.text(plain));
        String json = "{\"a\":\"\\u00e9 \\ud83d\\ude00 \ud83d\ude00\",\"b\":[\"\\\\u0000\",\"\\\"\\\\\"],\"c\":1}";
        assertSame(json, PostgresText.json(json));
    }

    @Test
    void textLosesOnlyItsNulsAndLoneSurrogates() {
        assertEquals("a\uFFFDb", PostgresText.text("a\u0000b"));
        assertEquals("\uFFFDx\uFFFD", PostgresText.text("\udc00x\ud800"));
        assertEquals("\uFFFD\ud83d\ude00", PostgresText.text("\ud800\ud83d\ude00"));
    }

    @Test
    void jsonLosesOnlyItsNulAndLoneSurrogateEscapesAndCharacters() {
        assertEquals("[\"x\\ufffdy\"]", PostgresText.json("[\"x\\u0000y\"]"));
        assertEquals("[\"\\ufffd\",\"\\ufffd\",\"\\ufffd\"]", PostgresText.json("[\"\\ud800\",\"\\udc00\",\"\\uD800\"]"));
        // the first high surrogate has no partner; the second has
        assertEquals("\"\\ufffd\\ud800\\udc00\"", PostgresText.json("\"\\ud800\\ud800\\udc00\""));
        // an escaped backslash, then an escape
        assertEquals("\"\\\\\\ufffd\"", PostgresText.json("\"\\\\\\u0000\""));
        // a high surrogate escape followed by a character, not an escape
        assertEquals("\"\\ufffd\uFFFD\"", PostgresText.json("\"\\ud800\udc00\""));
        assertEquals("\"a\uFFFDb\uFFFD\"", PostgresText.json("\"a\u0000b\ud800\""));
    }
}
