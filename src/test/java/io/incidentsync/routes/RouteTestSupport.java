package io.incidentsync.routes;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** What every route test shares: a directory of its own for the H2 file, and the harness, closed after each test. */
abstract class RouteTestSupport {

    @TempDir
    Path dir;
    RouteHarness harness;

    @AfterEach
    void closeHarness() {
        if (harness != null) {
            harness.close();
        }
    }
}
