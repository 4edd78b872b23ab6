package io.incidentsync.run;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Every table's facts, read from the route definitions the templatedRoute entries of
 * routes/streams.camel.yaml created: Camel keeps each created route's template parameters, the
 * template's defaults included. Those entries are the one place a table's facts are written; the Java
 * that needs them (the run's tables and their order, incremental reads, bench's minimum requests, the
 * writer benchmark) reads them here.
 */
public final class TableSpecs {

    private final Map<String, TableSpec> byTable;

    private TableSpecs(Map<String, TableSpec> byTable) {
        this.byTable = byTable;
    }

    /** The tables of the routes loaded in {@code context}, in the order of their entries. */
    public static TableSpecs of(CamelContext context) {
        Map<String, TableSpec> out = new LinkedHashMap<>();
        for (RouteDefinition route : context.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
            Map<String, Object> parameters = route.getTemplateParameters();
            if (route.isCreatedFromTemplate() && parameters != null && parameters.get("table") != null) {
                TableSpec spec = TableSpec.of(parameters);
                out.put(spec.table(), spec);
            }
        }
        return new TableSpecs(out);
    }

    /**
     * The tables of the listing templates and stream entries in {@code routesDir} (edited copies of the
     * route files, incident.routes.dir), or of the packaged ones when it is null; loaded, not started.
     */
    public static TableSpecs read(String routesDir) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            RoutesLoader loader = PluginHelper.getRoutesLoader(context);
            for (String file : List.of("listings", "streams")) {
                String location = routesDir == null ? "classpath:routes/" + file + ".camel.yaml"
                        : "file:" + Path.of(routesDir).toAbsolutePath().resolve(file + ".camel.yaml");
                loader.loadRoutes(ResourceHelper.resolveMandatoryResource(context, location));
            }
            return of(context);
        }
    }

    /** The packaged tables, read once. */
    static TableSpecs packaged() {
        return Packaged.SPECS;
    }

    public TableSpec get(String table) {
        TableSpec spec = byTable.get(table);
        if (spec == null) {
            throw new NoSuchElementException("no templatedRoute for table " + table + " in streams.camel.yaml");
        }
        return spec;
    }

    /** The table whose listing is {@code path}: a per-parent listing's parent table. */
    public TableSpec byPath(String path) {
        return byTable.values().stream().filter(s -> s.path().equals(path)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no table lists " + path + " in streams.camel.yaml"));
    }

    /** Every table, in the order of the entries (the order a run starts them). */
    public List<String> tables() {
        return new ArrayList<>(byTable.keySet());
    }

    public List<TableSpec> all() {
        return new ArrayList<>(byTable.values());
    }

    private static final class Packaged {
        static final TableSpecs SPECS;

        static {
            try {
                SPECS = read(null);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the packaged routes/streams.camel.yaml: " + e.getMessage(), e);
            }
        }
    }
}
