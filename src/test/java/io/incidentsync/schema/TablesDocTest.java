package io.incidentsync.schema;

import io.incidentsync.run.Streams;
import io.incidentsync.run.TableSpecs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/tables.md is what {@link TablesDoc} renders from the catalog and the tables of
 * routes/streams.camel.yaml. With {@code -Dincident.docs.write=true} the test rewrites the file instead.
 */
class TablesDocTest {

    private static final Path DOC = Path.of("docs/tables.md");
    private static final String REWRITE = "mvn -B -q test -Dtest=TablesDocTest -Dincident.docs.write=true";

    /** Every table's name, path and primary key as the loaded routes declare them (TableSpecs), in the sync's order. */
    static List<TablesDoc.Table> streams() throws Exception {
        return TableSpecs.read("routes").all().stream()
                .map(t -> new TablesDoc.Table(t.table(), t.path(), String.join(", ", t.primaryKey()))).toList();
    }

    @Test
    void docsTablesMdIsTheRenderingOfTheCatalogAndTheRoutes() throws Exception {
        String rendered = TablesDoc.render(Catalog.load(), streams());
        if (Boolean.getBoolean("incident.docs.write")) {
            Files.createDirectories(DOC.getParent());
            Files.writeString(DOC, rendered);
            return;
        }
        if (!Files.exists(DOC)) {
            fail(DOC + " is missing; write it with " + REWRITE + " and commit it");
        }
        String committed = Files.readString(DOC);
        if (!committed.equals(rendered)) {
            fail(DOC + " differs from what TablesDoc renders from the catalog and routes/streams.camel.yaml, "
                    + firstDifference(committed, rendered) + "; if the change to the catalog or the routes is meant, "
                    + "rewrite the file with " + REWRITE + " and commit it");
        }
    }

    @Test
    void everyTableOfTheRoutesAndEveryColumnOfTheCatalogIsOnThePage() throws Exception {
        List<TablesDoc.Table> tables = streams();
        assertEquals(List.copyOf(new java.util.TreeSet<>(Streams.ALL)),
                tables.stream().map(TablesDoc.Table::table).sorted().collect(Collectors.toList()),
                "routes/streams.camel.yaml declares every table once");
        Catalog catalog = Catalog.load();
        String page = TablesDoc.render(catalog, tables);
        for (TablesDoc.Table t : tables) {
            assertTrue(page.contains("\n## " + t.table() + "\n\n`GET " + t.path() + "`, primary key "), t.table());
            for (Catalog.Column c : catalog.listing(t.path()).columns()) {
                boolean secret = io.incidentsync.api.LeftOut.ALWAYS.contains(t.table() + "." + c.name());
                assertEquals(!secret, page.contains("| `" + c.name() + "` |"), t.table() + "." + c.name()
                        + (secret ? " is never replicated, so it is not on the page" : ""));
            }
            for (Catalog.Child child : catalog.listing(t.path()).children()) {
                assertTrue(page.contains("\n### " + child.table(t.table()) + "\n"), child.table(t.table()));
            }
        }
        assertTrue(page.contains("\n### incidents__custom_field_entries\n\nOne row per element of the array `custom_field_entries`"
                + " of `incidents`, keyed by `_sdc_source_key_id`, `_sdc_level_0_id`."), "a child table");
        assertTrue(page.contains("\n### catalog_entries__attribute_values\n\nOne row per entry of the map `attribute_values`"
                + " of `catalog_entries`, keyed by `_sdc_source_key_id`, `map_key`."), "a map's table");
        assertTrue(page.contains("\n### catalog_entries__attribute_values__array_value\n\nOne row per element of the array"
                + " `array_value` of `catalog_entries__attribute_values`, keyed by `_sdc_source_key_id`, `map_key`, `_sdc_level_0_id`."),
                "a list inside a map's value");
        assertTrue(page.contains("| `schedule_id` | text | primary key; not a field of the record"), "a key the sync adds");
        assertTrue(page.contains("| `entry_list` | text | primary key; the list of the answer the record came from: "),
                "the list column");
    }

    /** Where two texts first differ, as a line number and both lines. */
    static String firstDifference(String committed, String rendered) {
        String[] a = committed.split("\n", -1);
        String[] b = rendered.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String was = i < a.length ? a[i] : "(end of file)";
            String is = i < b.length ? b[i] : "(end of file)";
            if (!was.equals(is)) {
                return "first at line " + (i + 1) + ": the file has \"" + was + "\", the rendering \"" + is + "\"";
            }
        }
        return "in its line endings";
    }
}
