package io.incidentsync.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an answer's body whole before it is parsed, so that the read timeout covers all of it. */
final class AnswerBody {

    /** Bodies above this size are kept in a temporary file rather than in memory. */
    private static final int MEMORY_LIMIT = 4 * 1024 * 1024;

    private AnswerBody() {
    }

    /** Reads a whole body, in memory or past a limit in a temporary file; an absent body is empty. */
    static Page.Body readAll(InputStream in) throws IOException {
        if (in == null) {
            return new Page.Body(new byte[0], null);
        }
        try (in) {
            ByteArrayOutputStream memory = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                memory.write(buffer, 0, n);
                if (memory.size() > MEMORY_LIMIT) {
                    Path file = Files.createTempFile("incident-io-sync-", ".json");
                    try (OutputStream out = Files.newOutputStream(file)) {
                        memory.writeTo(out);
                        memory = null;
                        in.transferTo(out);
                    } catch (IOException e) {
                        Files.deleteIfExists(file);
                        throw e;
                    }
                    return new Page.Body(null, file);
                }
            }
            return new Page.Body(memory.toByteArray(), null);
        }
    }
}
