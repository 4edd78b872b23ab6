package io.incidentsync.schema;

import io.incidentsync.run.TableSpec;
import io.incidentsync.run.TableSpecs;
import io.incidentsync.store.TableLoad;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one documented rule that names tables and columns (docs/columns.md): a field's path joined by {@code __},
 * fitted into 63 characters readably, never with a hash; and every name the catalog gives, for every table the
 * routes list, fits, is the rule's, and is no other field's.
 */
class NamesTest {

    /** A hex tail that a hashed name would end in (8 or 10 digits after one or three underscores). */
    private static final Pattern HASHED = Pattern.compile(".*_[0-9a-f]{8,10}$");
    /** An incident.io id (ULID): 26 characters of Crockford base 32. */
    private static final Pattern ID = Pattern.compile(".*[0-9a-z]{26}.*");

    @Test
    void aNameThatFitsIsItsPathJoinedAndAPathWithANameThatIsNotPlainHasNoColumn() {
        assertEquals("creator__user__email", RecordFlattener.columnName(List.of("creator", "user", "email")));
        assertEquals("x".repeat(63), Names.fit("x".repeat(63)));
        for (String notPlain : List.of("ID", "a b", "", "a__b", "_sdc_extracted_at", "日本", "a-b", "a\ud800")) {
            assertNull(RecordFlattener.columnName(List.of("creator", notPlain)), notPlain);
        }
    }

    @Test
    void aLongNameLosesLettersFromItsMiddlePartsFirstThenItsFirstThenInitialsThenItsLast() {
        // worked by hand from the rule: 75 characters; expressions -> exp (67), operations -> ope (60)
        assertEquals("workflows__exp__ope__branches__branches__result__array_value",
                Names.fit("workflows__expressions__operations__branches__branches__result__array_value"));
        // every middle part cut to three letters a word, then the first part
        String name = "alert_sources__template__expressions__operations__branches__branches__result__array_value";
        assertEquals("ale_sou__tem__exp__ope__bra__bra__res__array_value", fitTo(name, 50));
        // then initials, middle parts first, from the left
        assertEquals("ale_sou__t__e__o__bra__bra__res__array_value", fitTo(name, 44));
        // then the last part's words
        assertEquals("a_s__t__e__o__b__b__r__arr_val", fitTo(name, 30));
        assertEquals("_sdc_stage_incidents", Names.prefixed("_sdc_stage_", "incidents"));
        assertTrue(Names.prefixed("_sdc_stage_", name).length() <= 63);
    }

    private static String fitTo(String name, int max) {
        String fitted = Names.fit(name, max);
        assertTrue(fitted.length() <= max, fitted);
        return fitted;
    }

    @Test
    void everyTableAndColumnOfTheCatalogFitsIsTheRulesAndIsNoOtherFieldsNorNamedAfterData() throws Exception {
        Catalog catalog = Catalog.load();
        Set<String> tables = new HashSet<>();
        Set<String> stages = new HashSet<>();
        int columns = 0;
        for (TableSpec spec : TableSpecs.read(null).all()) {
            Catalog.Listing listing = catalog.listing(spec.path());
            Map<String, List<Catalog.Column>> byTable = new HashMap<>();
            byTable.put(spec.table(), listing.columns());
            for (Catalog.Child child : listing.children()) {
                byTable.put(child.table(spec.table()), child.columns());
            }
            for (Map.Entry<String, List<Catalog.Column>> table : byTable.entrySet()) {
                String name = table.getKey();
                assertTrue(name.length() <= 63 && !HASHED.matcher(name).matches() && !ID.matcher(name).matches(), name);
                assertTrue(tables.add(name), "two tables named " + name);
                assertTrue(stages.add(TableLoad.derivedName("_sdc_stage_", name)), "two staging tables for " + name);
                Map<String, String> seen = new HashMap<>();
                for (Catalog.Column c : table.getValue()) {
                    assertEquals(Names.fit(c.path()), c.name(), name + "." + c.path());
                    assertEquals(c.name(), RecordFlattener.columnName(List.of(c.path().split("__"))), name + "." + c.path());
                    assertTrue(!HASHED.matcher(c.name()).matches() && !ID.matcher(c.name()).matches(), name + "." + c.name());
                    String other = seen.put(c.name(), c.path());
                    assertTrue(other == null, name + ": " + other + " and " + c.path() + " share the column " + c.name());
                    columns++;
                }
            }
        }
        assertTrue(tables.size() > 60 && columns > 700, tables.size() + " tables, " + columns + " columns");
        List<String> shortened = new ArrayList<>(tables);
        shortened.removeIf(t -> !t.contains("__exp__"));
        assertTrue(!shortened.isEmpty(), "some table's name was fitted: the rule was exercised");
    }
}
