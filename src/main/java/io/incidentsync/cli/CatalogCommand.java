package io.incidentsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidentsync.schema.CatalogGenerator;
import io.incidentsync.schema.Drift;
import io.incidentsync.schema.OpenApiFacts;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code catalog --check FILE} and {@code catalog --write FILE}: the committed catalog and OpenAPI facts, held
 * against (or regenerated from) a copy of incident.io's OpenAPI description. The repository holds only what our
 * generators derive; the description itself stays outside it, so this is how a newer one is taken in.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true, sortOptions = false, sortSynopsis = false,
        description = {"Hold the committed catalog.json and openapi-facts.json against incident.io's OpenAPI",
                "description FILE (--check), or regenerate them from it (--write). Run from the repository's root."},
        optionListHeading = "%nOptions:%n",
        footer = {"", "Exit codes: 0 the files agree with FILE (--check) or were written (--write); 1 they drift,",
                "one line per difference; 2 FILE is missing, unreadable or not OpenAPI 3, or bad usage."})
public final class CatalogCommand extends PrintingCommand {

    static final String CATALOG = "catalog.json";

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--check", paramLabel = "FILE", required = true,
                description = "compare the committed files with what FILE gives; change nothing")
        Path check;

        @Option(names = "--write", paramLabel = "FILE", required = true,
                description = "write the files FILE gives over the committed ones")
        Path write;
    }

    @Option(names = "--resources", paramLabel = "DIR",
            description = "where the committed files are (default src/main/resources/incident-io)")
    Path resources = Path.of("src", "main", "resources", "incident-io");

    public CatalogCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws IOException {
        Path file = mode.check != null ? mode.check : mode.write;
        JsonNode facts;
        String catalog;
        try {
            facts = OpenApiFacts.derive(OpenApiFacts.read(file));
            catalog = CatalogGenerator.generate(facts);
        } catch (OpenApiFacts.NotOpenApiException e) {
            err.println("catalog: " + e.getMessage());
            return 2;
        }
        String factsText = OpenApiFacts.text(facts);
        if (mode.write != null) {
            Files.createDirectories(resources);
            Files.writeString(resources.resolve(CATALOG), catalog);
            Files.writeString(resources.resolve(OpenApiFacts.FILE_NAME), factsText);
            out.println("catalog: wrote " + resources.resolve(CATALOG) + " and " + OpenApiFacts.FILE_NAME + " from "
                    + file + " (" + facts.path("paths").size() + " GET paths)");
            return 0;
        }
        List<String> drift = new ArrayList<>();
        for (String[] pair : new String[][] {{CATALOG, catalog}, {OpenApiFacts.FILE_NAME, factsText}}) {
            Path committed = resources.resolve(pair[0]);
            if (!Files.isRegularFile(committed)) {
                err.println("catalog: no committed " + pair[0] + " in " + resources
                        + " (run from the repository's root, or name the directory with --resources)");
                return 2;
            }
            drift.addAll(differences(pair[0], Files.readString(committed), pair[1]));
        }
        if (drift.isEmpty()) {
            out.println("catalog: " + CATALOG + " and " + OpenApiFacts.FILE_NAME + " in " + resources
                    + " agree with " + file);
            return 0;
        }
        drift.forEach(err::println);
        err.println("catalog: " + drift.size() + " difference" + (drift.size() == 1 ? "" : "s") + " from " + file
                + "; if they are incident.io's, take them in with: java -jar incident-io-sync.jar catalog --write "
                + file);
        return 1;
    }

    private static List<String> differences(String name, String committed, String derived) throws IOException {
        if (committed.equals(derived)) {
            return List.of();
        }
        ObjectMapper mapper = new ObjectMapper();
        JsonNode was;
        try {
            was = mapper.readTree(committed);
        } catch (IOException e) {
            return List.of(name + ": not readable JSON");
        }
        List<String> lines = Drift.between(name, was, mapper.readTree(derived));
        return lines.isEmpty() ? List.of(name + ": the same facts, laid out otherwise than --write lays them out")
                : lines;
    }
}
