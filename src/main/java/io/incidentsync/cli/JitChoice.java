package io.incidentsync.cli;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Which of the JVM's compilers the standalone process uses. A one-sync process ({@code sync},
 * {@code demo}, {@code bench}) is a minute or so of CPU spread over a wide body of code (parsing,
 * flattening, Camel's processors, H2's storage). There the optimising compiler (C2) spends more of the
 * two cores compiling, and the code waits longer in its slower profiled form, than its faster code
 * gives back: a 20,000-incident {@code bench} took about 63 s with it and about 41 s without it. So
 * such a process asks the JVM, through its DiagnosticCommand MBean, to leave C2 out of every method but
 * a short list of hot character and buffer loops ({@link #C2_KEPT}), which C1 compiles poorly and C2
 * compiles once; every other method is then compiled by C1 alone. {@code run} lives for many syncs,
 * where C2's compile time is paid once, and keeps the JVM's default. {@code incident.jit}
 * (INCIDENT_JIT) overrides either way: {@code c1} or {@code tiered}.
 *
 * <p>Only the process the jar starts is ours to set this for: an application embedding the routes
 * keeps its own JVM as it is.
 */
public final class JitChoice {

    static final String PROPERTY = "incident.jit";
    static final String VARIABLE = "INCIDENT_JIT";
    public static final String C1 = "c1";
    static final String TIERED = "tiered";
    private static final List<String> ONE_SYNC = List.of("sync", "demo", "bench");
    /**
     * The classes whose methods C2 may still compile: the JDK's string, builder, buffer and array
     * loops, and H2's writing and reading of text in its pages. They are small, hot, monomorphic and
     * compiled once; under C1 the character loops of the JSON columns' text (UTF-16 as soon as one
     * character is outside Latin-1) were a quarter of a sync's samples.
     */
    public static final List<String> C2_KEPT = List.of("java/lang/String.*", "java/lang/StringUTF16.*",
            "java/lang/StringLatin1.*", "java/lang/StringCoding.*", "java/lang/AbstractStringBuilder.*",
            "java/lang/StringBuilder.*", "java/nio/Buffer.*", "java/nio/HeapByteBuffer.*", "java/util/Arrays.*",
            "org/h2/mvstore/DataUtils.*", "org/h2/mvstore/WriteBuffer.*");
    /** Two directives, the first matching first: C2 for {@link #C2_KEPT}, and excluded for every other method. */
    private static final String DIRECTIVE = "[{ match: [" + C2_KEPT.stream().map(m -> "\"" + m + "\"")
            .collect(java.util.stream.Collectors.joining(", ")) + "], c2: { Exclude: false } }, "
            + "{ match: \"*.*\", c2: { Exclude: true } }]";

    /** Whether {@link #useC1Only} has left C2 out in this JVM. */
    private static volatile boolean c1Only;

    private JitChoice() {
    }

    /** What this JVM compiles with, as {@code bench} reports it. */
    public static String inUse() {
        return c1Only ? "C1, with C2 only for the string and buffer loops (incident.jit=c1)"
                : "the JVM's default, tiered C1 and C2 (incident.jit=tiered)";
    }

    /**
     * The compiler mode for a command line: the configured one, else {@code c1} for a one-sync command
     * and {@code tiered} for any other (and for none, which runs {@code run}).
     *
     * @throws IllegalArgumentException a configured value that is neither, with the line to print
     */
    public static String mode(String[] args, String configured) {
        if (configured != null && !configured.isBlank()) {
            String value = configured.trim().toLowerCase(Locale.ROOT);
            if (!value.equals(C1) && !value.equals(TIERED)) {
                throw new IllegalArgumentException("configuration error: '" + configured.trim() + "' is neither "
                        + C1 + " nor " + TIERED + " for " + VARIABLE + " (" + PROPERTY + ")");
            }
            return value;
        }
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return ONE_SYNC.contains(arg) ? C1 : TIERED;
            }
        }
        return TIERED;
    }

    /** The configured value: the system property, else the environment variable, else null. */
    public static String configured() {
        String property = System.getProperty(PROPERTY);
        return property != null ? property : System.getenv(VARIABLE);
    }

    /**
     * Asks this JVM to compile with C1 alone from now on, but for {@link #C2_KEPT}. False, and nothing
     * changed, where the JVM offers no compiler directives (another JVM than HotSpot): the process then
     * runs as it would have.
     */
    public static boolean useC1Only() {
        Path file = null;
        try {
            file = Files.createTempFile("incident-io-sync-jit-", ".json");
            Files.writeString(file, DIRECTIVE);
            Object added = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            c1Only = String.valueOf(added).contains("2 compiler directives added");
            return c1Only;
        } catch (Exception | LinkageError e) {
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (Exception ignored) {
                    // a temporary file of 50 bytes
                }
            }
        }
    }
}
