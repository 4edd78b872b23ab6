package io.incidentsync;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The packaged jar run as its own process, as a user runs it; output lines collected as they come. */
final class JarProcess implements AutoCloseable {

    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private JarProcess(Process process) {
        this.process = process;
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar() {
        return Path.of(System.getProperty("incident.jar", "target/incident-io-sync.jar")).toAbsolutePath();
    }

    /** Starts {@code java -jar incident-io-sync.jar args} in dir with only the given INCIDENT_* variables. */
    static JarProcess start(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("INCIDENT_"));
        builder.environment().putAll(env);
        return new JarProcess(builder.start());
    }

    /**
     * Starts {@code java -jar jar args} as a user without privileges: as {@code nobody} (through runuser)
     * when the tests run as root, who may write anywhere, else as the tests' own user. The jar and dir must
     * be readable by that user.
     */
    static JarProcess startUnprivileged(Path dir, Path jar, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("INCIDENT_"));
        builder.environment().putAll(env);
        return new JarProcess(builder.start());
    }

    /**
     * Starts the command line ({@code Cli args}) as its own process from the tests' classpath, for tests that
     * need a second process but not the packaged jar.
     */
    static JarProcess startFromClasspath(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Cli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("INCIDENT_"));
        builder.environment().putAll(env);
        return new JarProcess(builder.start());
    }

    /** Waits for a line that matches, or fails after the timeout. */
    String await(Predicate<String> match, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (match.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive() && lines.stream().noneMatch(match)) {
                Thread.sleep(200);
                if (lines.stream().noneMatch(match)) {
                    throw new AssertionError("the process ended (exit " + process.exitValue() + ") without the line; output:\n" + output());
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such line within " + seconds + " s; output:\n" + output());
    }

    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not end within " + seconds + " s; output:\n" + output());
        }
        // every line the process wrote before it ended
        reader.join(10_000);
        return process.exitValue();
    }

    String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
