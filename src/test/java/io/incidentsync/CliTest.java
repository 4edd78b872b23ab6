package io.incidentsync;

import io.incidentsync.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line: every command's --help and --version, and what bad usage answers. */
class CliTest {

    static final String PROGRAM = "java -jar incident-io-sync.jar";

    /** Each command and the options its usage must name (README "Commands and exit codes", "The simulator", "Performance"). */
    static final Map<String, List<String>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("run", List.of());
        COMMANDS.put("sync", List.of());
        COMMANDS.put("demo", List.of("--incidents=N"));
        COMMANDS.put("simulate", List.of("--api-key", "--port", "--incidents", "--seed", "--private-scope",
                "--latency-ms", "--time-scale", "--key-rate", "--incidents-rate", "--no-rate-limits",
                "--fail=PATH:K:STATUS", "--reset=PATH:K", "--slow=PATH:K:MS", "--truncate=PATH:K", "--html=PATH:K",
                "--rate-limit=PATH:K:N", "--forbidden=PATH:SCOPE", "--add-after-page=PATH:N",
                "--remove-after-page=PATH:N", "--unknown-field=TABLE:NAME:VALUE"));
        COMMANDS.put("bench", List.of("--incidents=N", "--db=h2|postgres", "--latency-ms=MS", "--time-scale=X",
                "--concurrency=C", "--write-sample=ROWS", "--write-floor"));
    }

    record Result(int code, String out, String err) {
        String firstErrLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    /** The command line in this process; simulate falls back on no key. */
    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, null, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandOnStandardOutputAndExitsZero() {
        for (String help : new String[] {"--help", "-h", "help"}) {
            Result r = cli(help);
            assertEquals(0, r.code(), help + "\n" + r.err());
            assertEquals("", r.err(), help);
            assertTrue(r.out().startsWith("Usage: " + PROGRAM + " [-hV] [COMMAND]"), help + "\n" + r.out());
            for (String command : COMMANDS.keySet()) {
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + command + " ")), command + " listed:\n" + r.out());
            }
            assertTrue(r.out().contains("Exit codes: 0 success, 1 a table failed, 2 configuration error or bad usage."),
                    r.out());
        }
    }

    @Test
    void everyCommandAnswersHelpWithItsOwnUsageAndExitsZero() {
        for (Map.Entry<String, List<String>> command : COMMANDS.entrySet()) {
            String name = command.getKey();
            for (String[] args : new String[][] {{name, "--help"}, {name, "-h"}, {"help", name}}) {
                String asked = String.join(" ", args);
                Result r = cli(args);
                assertEquals(0, r.code(), asked + "\n" + r.out() + r.err());
                assertEquals("", r.err(), asked);
                assertTrue(r.out().startsWith("Usage: " + PROGRAM + " " + name + " "), asked + "\n" + r.out());
                for (String option : command.getValue()) {
                    assertTrue(r.out().contains(option), asked + " names " + option + "\n" + r.out());
                }
                assertTrue(r.out().contains("--version"), asked);
                assertFalse(r.out().contains("Commands:"), "the command's usage, not the list of commands: " + asked);
            }
        }
    }

    /**
     * --help starts nothing: with a key and an API to sync from in the environment, each command's --help makes
     * no request and leaves no ./data behind, where a plain sync with the same environment does both.
     */
    @Test
    void helpOfEveryCommandStartsNothing(@TempDir Path dir) throws Exception {
        try (SyncHarness h = SyncHarness.start(30)) {
            Map<String, String> env = new HashMap<>();
            h.overrides(SyncHarness.PRIVATE_KEY).forEach((key, value) -> {
                if (!key.equals("incident.db.url")) {
                    env.put(Settings.envName(key), value);
                }
            });
            for (String command : COMMANDS.keySet()) {
                try (JarProcess help = JarProcess.startFromClasspath(dir, env, command, "--help")) {
                    assertEquals(0, help.waitFor(60), command + " --help\n" + help.output());
                    assertTrue(help.output().startsWith("Usage: " + PROGRAM + " " + command), help.output());
                }
                assertEquals(0, h.simulator.totalRequests(), command + " --help made a request");
                try (var files = Files.list(dir)) {
                    assertEquals(List.of(), files.toList(), command + " --help left files behind");
                }
            }
            // the same environment without --help syncs: the two observations above can fail
            try (JarProcess sync = JarProcess.startFromClasspath(dir, env, "sync")) {
                assertEquals(0, sync.waitFor(120), sync.output());
            }
            assertTrue(h.simulator.totalRequests() > 0);
            assertTrue(Files.exists(dir.resolve("data/incident.mv.db")));
        }
    }

    @Test
    void withoutACommandItRunsTheScheduleWhichChecksTheConfigurationFirst(@TempDir Path dir) throws Exception {
        try (JarProcess run = JarProcess.startFromClasspath(dir, Map.of())) {
            assertEquals(2, run.waitFor(60), run.output());
            assertTrue(run.output().contains("configuration error: no API key"), run.output());
            assertFalse(run.output().contains("Usage:"), run.output());
        }
        assertFalse(Files.exists(dir.resolve("data")));
    }

    @Test
    void versionIsOneLineOnEveryCommand() throws Exception {
        String expected = Cli.class.getClassLoader().getResource(Cli.POM_PROPERTIES) == null
                ? "incident-io-sync (version unknown: not run from the jar)"
                : "incident-io-sync " + projectVersion();
        for (String[] args : new String[][] {{"--version"}, {"-V"}, {"run", "--version"}, {"sync", "--version"},
                {"demo", "--version"}, {"simulate", "--version"}, {"bench", "--version"}}) {
            Result r = cli(args);
            assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
            assertEquals(expected, r.out().strip(), String.join(" ", args));
            assertEquals(1, r.out().lines().count(), r.out());
            assertEquals("", r.err());
        }
    }

    /** The version is the one Maven's jar plugin writes into the jar; JarIT sees the packaged jar print it. */
    @Test
    void theVersionIsReadFromThePomPropertiesInTheJar(@TempDir Path dir) throws Exception {
        Path properties = dir.resolve(Cli.POM_PROPERTIES);
        Files.createDirectories(properties.getParent());
        Files.writeString(properties, "artifactId=incident-io-sync\ngroupId=io.incidentsync\nversion=" + projectVersion() + "\n");
        try (URLClassLoader jar = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertEquals("incident-io-sync " + projectVersion(), Cli.versionLine(jar));
        }
        try (URLClassLoader none = new URLClassLoader(new URL[0], null)) {
            assertEquals("incident-io-sync (version unknown: not run from the jar)", Cli.versionLine(none));
        }
    }

    @Test
    void anUnknownOptionExitsTwoNamingItWithThatCommandsUsage() {
        Map<String[], String> cases = new LinkedHashMap<>();
        cases.put(new String[] {"--bogus"}, "unknown option '--bogus'");
        cases.put(new String[] {"run", "--bogus"}, "run: unknown option '--bogus'");
        cases.put(new String[] {"sync", "--bogus"}, "sync: unknown option '--bogus'");
        cases.put(new String[] {"demo", "--bogus"}, "demo: unknown option '--bogus'");
        cases.put(new String[] {"demo", "--incident", "5"}, "demo: unknown option '--incident'");
        cases.put(new String[] {"simulate", "--api-key", "k", "--bogus", "1"}, "simulate: unknown option '--bogus'");
        cases.put(new String[] {"bench", "--bogus", "1"}, "bench: unknown option '--bogus'");
        // the API key comes from the configuration only
        cases.put(new String[] {"sync", "--api-key", "a-key"}, "sync: unknown option '--api-key'");
        cases.put(new String[] {"run", "--api-key=a-key"}, "run: unknown option '--api-key=a-key'");
        cases.forEach((args, line) -> {
            String asked = String.join(" ", args);
            Result r = cli(args);
            assertEquals(2, r.code(), asked + "\n" + r.out() + r.err());
            assertEquals("", r.out(), asked);
            assertEquals(line, r.firstErrLine(), asked + "\n" + r.err());
            String usage = "Usage: " + PROGRAM + (args.length > 1 ? " " + args[0] + " " : " [-hV] [COMMAND]");
            assertTrue(r.err().lines().skip(1).findFirst().orElse("").startsWith(usage), asked + "\n" + r.err());
        });
    }

    @Test
    void anUnknownCommandOrArgumentExitsTwoWithTheUsage() {
        Result r = cli("synk");
        assertEquals(2, r.code());
        assertEquals("unknown command 'synk': use run, sync, demo, simulate, bench or catalog (--help)", r.firstErrLine());
        assertTrue(r.err().contains("Usage: " + PROGRAM + " [-hV] [COMMAND]") && r.err().contains("Commands:"), r.err());
        assertEquals("", r.out());

        r = cli("sync", "now");
        assertEquals(2, r.code());
        assertEquals("sync: unexpected argument 'now'", r.firstErrLine());
        assertTrue(r.err().contains("Usage: " + PROGRAM + " sync"), r.err());
    }

    @Test
    void aBadOptionValueExitsTwoWithOneLineNamingTheOption() {
        Map<String[], String> cases = new LinkedHashMap<>();
        cases.put(new String[] {"bench", "--incidents", "many"}, "--incidents");
        cases.put(new String[] {"bench", "--incidents", "0"}, "--incidents");
        cases.put(new String[] {"bench", "--db", "mysql"}, "--db");
        cases.put(new String[] {"bench", "--time-scale", "0"}, "--time-scale");
        cases.put(new String[] {"bench", "--latency-ms", "-1"}, "--latency-ms");
        cases.put(new String[] {"bench", "--write-sample"}, "--write-sample");
        cases.put(new String[] {"demo", "--incidents", "many"}, "--incidents");
        cases.put(new String[] {"demo", "--incidents", "0"}, "--incidents");
        cases.put(new String[] {"demo", "--incidents"}, "--incidents");
        cases.put(new String[] {"simulate", "--port", "0"}, "--api-key");
        cases.put(new String[] {"simulate", "--api-key"}, "--api-key");
        cases.put(new String[] {"simulate", "--api-key", "k", "--incidents", "many"}, "--incidents");
        cases.put(new String[] {"simulate", "--api-key", "k", "--port", "70000"}, "--port");
        cases.put(new String[] {"simulate", "--api-key", "k", "--fail", "/v2/incidents"}, "--fail");
        cases.put(new String[] {"simulate", "--api-key", "k", "--unknown-field", "nope:a:1"}, "--unknown-field");
        cases.forEach((args, option) -> {
            String asked = String.join(" ", args);
            Result r = cli(args);
            assertEquals(2, r.code(), asked + "\n" + r.out() + r.err());
            assertEquals("", r.out(), asked);
            assertEquals(1, r.err().lines().count(), asked + "\n" + r.err());
            assertTrue(r.err().startsWith(args[0] + ": ") && r.err().contains(option), asked + "\n" + r.err());
        });
    }

    /** The version in pom.xml, which the build writes into the jar. */
    static String projectVersion() throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("pom.xml").toFile()).getDocumentElement();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("version")) {
                return e.getTextContent().strip();
            }
        }
        throw new AssertionError("pom.xml has no version");
    }
}
