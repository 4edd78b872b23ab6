package io.incidentsync.store;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Whether H2 can write the files of a database URL, checked before the first connection. H2 cannot open
 * a database in a directory it cannot write; it then tries to log that failure in a file in the same
 * directory and, failing that too, prints its stack traces straight to standard error: a few hundred
 * lines, once for each attempt the connection pool makes.
 */
public final class H2Location {

    private static final String ELSEWHERE = "point incident.db.url (INCIDENT_DB_URL) at a directory this process can write";

    private H2Location() {
    }

    /**
     * What keeps H2 from writing the files of this URL, with the fix; null when nothing does, and for URLs
     * that are not a local H2 file (another database, {@code mem:}, {@code tcp:}), which are not ours to judge.
     */
    public static String problem(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:h2:")) {
            return null;
        }
        String name = jdbcUrl.substring("jdbc:h2:".length()).split(";", 2)[0];
        if (name.startsWith("file:")) {
            name = name.substring("file:".length());
        } else if (name.matches("[A-Za-z]{2,}:.*")) {
            return null;
        }
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        Path database;
        try {
            database = Path.of(name).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
        // H2 creates the directories that are missing, so the nearest one that exists is what must be writable
        Path existing = database.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return null;
        }
        if (!Files.isDirectory(existing)) {
            return existing + " is a file, not a directory; " + ELSEWHERE;
        }
        if (!Files.isWritable(existing)) {
            return "the directory " + existing + " is not writable by this process; make it writable, or " + ELSEWHERE;
        }
        Path file = database.resolveSibling(database.getFileName() + ".mv.db");
        if (Files.exists(file) && !Files.isWritable(file)) {
            return file + " is not writable by this process; make it writable, or " + ELSEWHERE;
        }
        return null;
    }
}
