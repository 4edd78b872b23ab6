package io.incidentsync;

import io.incidentsync.simulator.SimulatorConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * README, "Embedding", done as a user does it, outside this build: the route bundle is installed into the local
 * repository as {@code mvn install} installs it; a separate host application (its own pom, Log4j 2 binding and
 * configuration, Camel Main class and route) gets its classpath from Maven, is compiled, and runs as its own
 * process. The sync runs inside it, the host's log lines and ours come out in the host's layout, the key never
 * appears, and no class is on the host's classpath twice.
 *
 * <p>Maven runs with this build's Maven, local repository, user settings and offline mode (failsafe passes them),
 * so it is offline exactly when this build is.
 */
class HostApplicationIT {

    /** A key no other text contains, so that any line with it is a leak. */
    private static final String KEY = "host-app-it-key-5c81e0d4b7";
    /** How every line of the host's layout starts; neither our runnable jar's layout nor Log4j's default starts so. */
    private static final String HOST = "host-log | ";
    private static final String INSTALL = "org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file";
    private static final String BUILD_CLASSPATH = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath";
    /** A layout that starts with the time of day: the runnable jar's, and Log4j's default when it finds no configuration. */
    private static final Pattern OTHER_LAYOUT = Pattern.compile("^\\d{2}:\\d{2}:\\d{2}[.,]\\d{3} .*");
    /** Logging configuration files that Log4j 2, Logback, SLF4J's simple binding or java.util.logging pick up by name. */
    private static final Pattern LOGGING_CONFIGURATION = Pattern.compile(
            "log4j2?[\\w.-]*\\.(properties|xml|yaml|yml|json|jsn)|logback(-test)?\\.(xml|groovy)|simplelogger\\.properties"
                    + "|logging\\.properties");

    @TempDir
    Path dir;

    @Test
    void aHostApplicationBuiltAgainstTheInstalledBundleSyncsUnderItsOwnLogging() throws Exception {
        Path basedir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        Path plainJar = Path.of(required("incident.plain-jar"));
        String version = bundleVersion(plainJar);
        Path repository = Path.of(required("incident.test.maven.repo"));
        Path installed = repository.resolve(Path.of("io", "incidentsync", "incident-io-sync", version,
                "incident-io-sync-" + version + ".jar"));

        // 1. the route bundle installed as `mvn install` installs the main artifact: this jar, with the project's pom
        long started = System.nanoTime();
        maven(dir, INSTALL, "-Dfile=" + plainJar, "-DpomFile=" + basedir.resolve("pom.xml"));
        assertEquals(-1L, Files.mismatch(plainJar, installed), "the installed jar is the plain jar: " + installed);

        try (SyncHarness h = SyncHarness.start(new SimulatorConfig().seed(1).incidents(300).addKey(KEY, true))) {
            // 2. a host project of its own
            Path host = dir.resolve("host");
            writeHostProject(host, version, h);

            // 3. its runtime classpath as Maven resolves it, its classes compiled against that
            Path classpathFile = dir.resolve("classpath.txt");
            long installedAt = System.nanoTime();
            maven(host, BUILD_CLASSPATH, "-Dmdep.outputFile=" + classpathFile, "-Dmdep.includeScope=runtime");
            List<Path> dependencies = Stream.of(Files.readString(classpathFile).trim().split(Pattern.quote(File.pathSeparator)))
                    .map(Path::of).collect(Collectors.toList());
            long resolvedAt = System.nanoTime();
            Path classes = compile(host, dependencies);
            long compiledAt = System.nanoTime();
            List<Path> classpath = new ArrayList<>();
            classpath.add(classes);
            classpath.addAll(dependencies);

            assertTrue(dependencies.contains(installed), "the host runs the installed bundle " + installed + "; classpath:\n"
                    + names(dependencies));
            assertEquals(-1L, Files.mismatch(plainJar, installed),
                    "the installed bundle is still this build's jar (another build installed over it meanwhile?)");
            assertEquals(1, dependencies.stream().filter(p -> p.getFileName().toString().startsWith("incident-io-sync")).count(),
                    "one jar of ours, the plain one, not the runnable jar:\n" + names(dependencies));

            // 4. the host's classpath: no class twice, no logging configuration or binding but the host's
            Map<String, List<String>> duplicates = duplicateClasses(classpath);
            System.out.println("HostApplicationIT: the host's classpath has " + dependencies.size() + " jars and its classes; "
                    + (duplicates.isEmpty() ? "no class is on it twice" : duplicates.size() + " classes are on it twice"));
            assertTrue(duplicates.isEmpty(), "classes on the host's classpath twice, by the entries that hold them:\n"
                    + byEntries(duplicates));

            Map<String, List<String>> loggingFiles = resources(classpath, name -> LOGGING_CONFIGURATION.matcher(name).matches());
            assertEquals(Map.of("log4j2.xml", List.of(classes.toString())), loggingFiles,
                    "the only logging configuration on the host's classpath is the host's own");
            Map<String, List<String>> slf4jProviders = resources(classpath,
                    name -> name.equals("META-INF/services/org.slf4j.spi.SLF4JServiceProvider")
                            || name.equals("org/slf4j/impl/StaticLoggerBinder.class"));
            assertEquals(1, slf4jProviders.size(), "one SLF4J binding: " + slf4jProviders);
            List<String> providers = slf4jProviders.get("META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
            assertTrue(providers != null && providers.size() == 1
                            && Path.of(providers.get(0)).getFileName().toString().startsWith("log4j-slf4j2-impl-"),
                    "the SLF4J binding is the host's log4j-slf4j2-impl, alone: " + slf4jProviders);

            // 5. the host runs: its route asks for a sync and it exits
            Path output = dir.resolve("host-output.txt");
            long runAt = System.nanoTime();
            int exit = runHost(host, classpath, output);
            System.out.printf("HostApplicationIT: install %.1f s, classpath %.1f s, compile %.1f s, host run %.1f s%n",
                    (installedAt - started) / 1e9, (resolvedAt - installedAt) / 1e9, (compiledAt - resolvedAt) / 1e9,
                    (System.nanoTime() - runAt) / 1e9);
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            Path kept = basedir.resolve("target").resolve("HostApplicationIT-host-output.txt");
            Files.copy(output, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String tail = "\n(the host's whole output: " + kept + "; its last lines:)\n" + tail(lines, 60);

            assertEquals(0, exit, "the host exits 0 once its route saw the sync succeed" + tail);
            for (String table : OracleComparison.KEYS.keySet()) {
                OracleComparison.assertTableEquals(h, table, true);
            }
            assertEquals(300, h.count("SELECT COUNT(*) FROM incidents"), "the simulator's 300 incidents");

            assertTrue(lines.contains(HOST + "INFO  | com.example.host.audit | host route: asking for a sync"),
                    "the host's own route logs through log: in the host's layout" + tail);
            assertTrue(lines.contains(HOST + "INFO  | com.example.host.audit | host route: the sync ended, ok=true"),
                    "the host's route gets the sync's result" + tail);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(HOST + "INFO  | io.incidentsync.run.IncidentSync | incidents: finished: 300 rows ")),
                    "our log lines come out in the host's layout" + tail);
            assertTrue(lines.stream().anyMatch(l -> l.matches(Pattern.quote(HOST + "INFO  | io.incidentsync.run.IncidentSync | sync ")
                    + "\\S+ succeeded:")), "our run's summary line in the host's layout" + tail);
            List<String> foreign = lines.stream()
                    .filter(l -> OTHER_LAYOUT.matcher(l).matches() || l.startsWith("SLF4J") || l.contains("StatusLogger"))
                    .limit(20).collect(Collectors.toList());
            assertEquals(List.of(), foreign, "no line in another layout, and no complaint from SLF4J or Log4j" + tail);
            long hostLines = lines.stream().filter(l -> l.startsWith(HOST)).count();
            assertTrue(hostLines > 100, hostLines + " lines in the host's layout: its DEBUG configuration applies" + tail);

            List<String> leaks = lines.stream().filter(l -> l.contains(KEY)).collect(Collectors.toList());
            assertEquals(List.of(), leaks.stream().limit(5).map(HostApplicationIT::masked).collect(Collectors.toList()),
                    "the API key (shown here as " + masked(KEY) + ") never appears in the host's output, at DEBUG; "
                            + leaks.size() + " lines have it");
        }
    }

    /** The host's pom, main class, Log4j 2 configuration and application.properties, under host/. */
    private static void writeHostProject(Path host, String version, SyncHarness h) throws IOException {
        Path java = host.resolve("src/main/java/com/example/host");
        Path resources = host.resolve("src/main/resources");
        Files.createDirectories(java);
        Files.createDirectories(resources);

        Files.writeString(host.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example.host</groupId>
                  <artifactId>host-application</artifactId>
                  <version>1.0</version>
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>org.apache.camel</groupId>
                        <artifactId>camel-bom</artifactId>
                        <version>@CAMEL@</version>
                        <type>pom</type>
                        <scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                    <dependency>
                      <groupId>io.incidentsync</groupId>
                      <artifactId>incident-io-sync</artifactId>
                      <version>@VERSION@</version>
                    </dependency>
                    <dependency>
                      <groupId>org.apache.camel</groupId>
                      <artifactId>camel-main</artifactId>
                    </dependency>
                    <dependency>
                      <groupId>org.apache.camel</groupId>
                      <artifactId>camel-timer</artifactId>
                    </dependency>
                    <dependency>
                      <groupId>org.apache.camel</groupId>
                      <artifactId>camel-log</artifactId>
                    </dependency>
                    <dependency>
                      <groupId>org.apache.logging.log4j</groupId>
                      <artifactId>log4j-slf4j2-impl</artifactId>
                      <version>@LOG4J@</version>
                    </dependency>
                    <dependency>
                      <groupId>org.apache.logging.log4j</groupId>
                      <artifactId>log4j-core</artifactId>
                      <version>@LOG4J@</version>
                    </dependency>
                  </dependencies>
                </project>
                """.replace("@CAMEL@", required("incident.test.camel.version")).replace("@VERSION@", version)
                .replace("@LOG4J@", required("incident.test.log4j.version")));

        Files.writeString(java.resolve("HostApplication.java"), """
                package com.example.host;

                import io.incidentsync.IncidentSyncConfiguration;
                import io.incidentsync.run.SyncRun;
                import org.apache.camel.builder.RouteBuilder;
                import org.apache.camel.main.Main;

                import java.util.concurrent.atomic.AtomicBoolean;

                /** A Camel Main application of its own: its route asks for one sync, logs the result, and the application exits. */
                public final class HostApplication {

                    public static void main(String[] args) throws Exception {
                        AtomicBoolean synced = new AtomicBoolean();
                        Main main = new Main();
                        // the sync's routes come in through camel.main.routes-include-pattern (application.properties)
                        main.configure().addConfiguration(IncidentSyncConfiguration.class);
                        main.configure().addRoutesBuilder(new RouteBuilder() {
                            @Override
                            public void configure() {
                                from("timer:host-sync?repeatCount=1&delay=0").routeId("host-sync")
                                        .onCompletion().process(exchange -> main.completed()).end()
                                        .setBody(constant("host route: asking for a sync"))
                                        .to("log:com.example.host.audit?plain=true")
                                        .to("direct:sync")
                                        .process(exchange -> synced.set(exchange.getMessage().getBody(SyncRun.class).ok()))
                                        .setBody(simple("host route: the sync ended, ok=${body.ok()}"))
                                        .to("log:com.example.host.audit?plain=true");
                            }
                        });
                        main.run(args);
                        System.exit(synced.get() ? 0 : 1);
                    }
                }
                """);

        Files.writeString(resources.resolve("log4j2.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- the host application's logging: everything at DEBUG, every line starting "host-log | " -->
                <Configuration status="warn">
                  <Appenders>
                    <Console name="console" target="SYSTEM_OUT">
                      <PatternLayout pattern="host-log | %-5level | %logger | %msg%n"/>
                    </Console>
                  </Appenders>
                  <Loggers>
                    <!-- at DEBUG these print the API key: the HTTP client's request headers, and Camel's property lookups -->
                    <Logger name="org.apache.hc.client5.http.headers" level="info"/>
                    <Logger name="org.apache.hc.client5.http.wire" level="info"/>
                    <Logger name="org.apache.camel.component.properties" level="info"/>
                    <Root level="debug">
                      <AppenderRef ref="console"/>
                    </Root>
                  </Loggers>
                </Configuration>
                """);

        Properties settings = new Properties();
        settings.putAll(h.overrides(KEY));
        settings.remove("incident.api.key");
        settings.setProperty("camel.main.name", "host-application");
        settings.setProperty("camel.main.routes-include-pattern", "classpath:routes/*.camel.yaml");
        settings.setProperty("camel.main.additional-sensitive-keywords", "api.key");
        settings.setProperty("incident.schedule.enabled", "false");
        // the key from the environment, never written down
        settings.setProperty("incident.api.key", "{{env:INCIDENT_API_KEY}}");
        try (var out = Files.newBufferedWriter(resources.resolve("application.properties"), StandardCharsets.ISO_8859_1)) {
            settings.store(out, "the host application's configuration");
        }
    }

    /** Compiles the host's sources against its classpath into target/classes, with its resources beside them. */
    private static Path compile(Path host, List<Path> dependencies) throws IOException {
        Path classes = host.resolve("target/classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(host.resolve("src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            String classpath = dependencies.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
            boolean compiled = javac.getTask(diagnostics, files, null,
                    List.of("--release", "17", "-proc:none", "-d", classes.toString(), "-classpath", classpath),
                    null, files.getJavaFileObjectsFromPaths(sources)).call();
            assertTrue(compiled, "the host compiles against its classpath:\n" + diagnostics);
        }
        try (Stream<Path> files = Files.list(host.resolve("src/main/resources"))) {
            for (Path resource : files.collect(Collectors.toList())) {
                Files.copy(resource, classes.resolve(resource.getFileName()));
            }
        }
        return classes;
    }

    /** Runs the host as its own process, the key in its environment only; its output (both streams) goes to the file. */
    private static int runHost(Path host, List<Path> classpath, Path output) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                "com.example.host.HostApplication");
        ProcessBuilder builder = new ProcessBuilder(command).directory(host.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("INCIDENT_"));
        builder.environment().put("INCIDENT_API_KEY", KEY);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("the host did not exit within 120 s:\n" + tail(Files.readAllLines(output, StandardCharsets.UTF_8), 60));
        }
        return process.exitValue();
    }

    /** Runs this build's Maven in dir, quietly; fails with its output unless it succeeds. */
    private static void maven(Path dir, String... arguments) throws Exception {
        String home = System.getProperty("incident.test.maven.home", "");
        List<String> command = new ArrayList<>();
        command.add(home.isEmpty() ? "mvn" : Path.of(home, "bin", "mvn").toString());
        command.addAll(List.of("-B", "-q", "-Dmaven.repo.local=" + required("incident.test.maven.repo")));
        // "offline=true" or "offline=false" (pom.xml says why it is not a bare boolean)
        if (System.getProperty("incident.test.maven.offline", "").endsWith("=true")) {
            command.add("-o");
        }
        String settings = System.getProperty("incident.test.maven.settings", "");
        if (!settings.isEmpty() && Files.isRegularFile(Path.of(settings))) {
            command.addAll(List.of("-s", settings));
        }
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile(dir, "mvn", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("INCIDENT_"));
        Process process = builder.start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(String.join(" ", command) + " did not end within 300 s:\n" + Files.readString(log));
        }
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + Files.readString(log));
    }

    /** The version in the jar's own Maven descriptor: the version install-file installs it as. */
    private static String bundleVersion(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("META-INF/maven/io.incidentsync/incident-io-sync/pom.properties");
            assertTrue(entry != null, jar + " carries its pom.properties");
            Properties pom = new Properties();
            try (InputStream in = zip.getInputStream(entry)) {
                pom.load(in);
            }
            return pom.getProperty("version");
        }
    }

    /**
     * Class files found in more than one classpath entry, each with the entries' names. Not counted: module-info and
     * package-info, and multi-release copies under META-INF/versions/ (a jar's own alternatives, not a second class).
     */
    private static Map<String, List<String>> duplicateClasses(List<Path> classpath) throws IOException {
        Map<String, List<String>> where = resources(classpath, name -> name.endsWith(".class")
                && !name.startsWith("META-INF/versions/") && !name.endsWith("module-info.class")
                && !name.endsWith("package-info.class"));
        where.values().removeIf(origins -> origins.size() < 2);
        where.replaceAll((name, origins) -> origins.stream().map(o -> Path.of(o).getFileName().toString())
                .collect(Collectors.toList()));
        return where;
    }

    /** Every resource of the classpath whose name passes, with the entries (directory or jar) that hold it. */
    private static Map<String, List<String>> resources(List<Path> classpath, java.util.function.Predicate<String> wanted)
            throws IOException {
        Map<String, List<String>> where = new TreeMap<>();
        for (Path entry : classpath) {
            if (Files.isDirectory(entry)) {
                try (Stream<Path> files = Files.walk(entry)) {
                    for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                        String name = entry.relativize(file).toString().replace(File.separatorChar, '/');
                        if (wanted.test(name)) {
                            where.computeIfAbsent(name, n -> new ArrayList<>()).add(entry.toString());
                        }
                    }
                }
            } else {
                try (ZipFile zip = new ZipFile(entry.toFile())) {
                    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                        ZipEntry z = e.nextElement();
                        if (!z.isDirectory() && wanted.test(z.getName())) {
                            where.computeIfAbsent(z.getName(), n -> new ArrayList<>()).add(entry.toString());
                        }
                    }
                }
            }
        }
        return where;
    }

    private static String required(String property) {
        String value = System.getProperty(property, "");
        if (value.isEmpty() || value.startsWith("${")) {
            fail("system property " + property + " is not set: run this test through failsafe (mvn verify), which sets it");
        }
        return value;
    }

    private static String names(List<Path> paths) {
        return paths.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining("\n"));
    }

    /** How many classes each set of entries holds in common, with a few of them. */
    private static String byEntries(Map<String, List<String>> duplicates) {
        Map<List<String>, List<String>> groups = new TreeMap<>(java.util.Comparator.comparing(List::toString));
        duplicates.forEach((name, origins) -> groups.computeIfAbsent(origins, o -> new ArrayList<>()).add(name));
        return groups.entrySet().stream().map(g -> String.join(" + ", g.getKey()) + ": " + g.getValue().size()
                        + " classes, e.g. " + String.join(", ", g.getValue().subList(0, Math.min(5, g.getValue().size()))))
                .collect(Collectors.joining("\n"));
    }

    private static String tail(List<String> lines, int count) {
        return masked(String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size())));
    }

    /** The text with the key replaced, so that a failure's report does not repeat a leak. */
    private static String masked(String text) {
        return text.replace(KEY, "<the API key>");
    }
}
