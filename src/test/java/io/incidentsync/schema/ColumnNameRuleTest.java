package io.incidentsync.schema;

import io.incidentsync.api.Page;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented rule that turns a field's path into its column name (README, Tables, "Names"). */
class ColumnNameRuleTest {

    static String name(String... path) {
        return RecordFlattener.columnName(List.of(path));
    }

    @Test
    void everyCatalogColumnKeepsItsNameOfPlainFieldNamesJoinedByDoubleUnderscores() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/incident-io/catalog.json")) {
            assertNotNull(in);
            JsonNode catalog = Page.MAPPER.readTree(in);
            int columns = 0;
            for (JsonNode listing : catalog) {
                for (JsonNode column : listing.path("columns")) {
                    String joined = column.path("name").asText();
                    assertEquals(joined, name(joined.split("__")), "catalog column " + joined);
                    columns++;
                }
            }
            assertTrue(columns > 500, "the catalog's columns were read: " + columns);
        }
        assertEquals("creator__user__email", name("creator", "user", "email"));
    }

    @Test
    void aPathWithAnyOtherNameIsItsSanitisedNameThreeUnderscoresAndTenHexDigitsOfItsSha256() {
        // the hash as README describes it, worked out independently (Python's hashlib)
        assertEquals("id___23db6aa354", name("ID"));
        assertEquals("_sdc_extracted_at___e2de8e90f7", name("_sdc_extracted_at"));
        assertEquals("creator__user___e969cd9d79", name("creator", "User"));
        assertEquals("_____dd30304e00", name("日本"));
        assertEquals("_____6d3adc91f0", name("中国"));
        assertEquals("___194fb08570", name(""));
        assertEquals("a__b", name("a", "b"));
        assertEquals("a__b___8d49145bb9", name("a__b"));
    }

    @Test
    void namesThatFoldAlikeGetDistinctColumnsOfAtMost63Bytes() {
        String longAan = "p".repeat(70) + "aan";
        String longAc0 = "p".repeat(70) + "ac0";
        List<List<String>> paths = List.of(List.of("id"), List.of("ID"), List.of("Id"), List.of("name"), List.of("Name"),
                List.of("a-b"), List.of("a_b"), List.of("a", "b"), List.of("a__b"), List.of("a", "_b"), List.of("a_", "b"),
                List.of("日本"), List.of("中国"), List.of(""), List.of("", ""), List.of("_sdc_extracted_at"),
                List.of(longAan), List.of(longAc0), List.of("x".repeat(63)), List.of("x".repeat(64)),
                List.of("a\ud800"), List.of("a\ud801"), List.of("a?"));
        Set<String> names = new HashSet<>();
        for (List<String> path : paths) {
            String column = RecordFlattener.columnName(path);
            assertTrue(column.getBytes(StandardCharsets.UTF_8).length <= 63, column);
            assertTrue(names.add(column), "a second path named " + column + ": " + path);
        }
        assertEquals("x".repeat(63), name("x".repeat(63)), "a plain name of 63 bytes fits as it is");
        assertTrue(name(longAan).matches("p{50}___[0-9a-f]{10}"), name(longAan));
        assertEquals(63, name(longAan).length());
        assertEquals("id", name("id"), "the primary key's own name is untouched");
    }
}
