package io.incidentsync.run;

import java.util.List;
import java.util.Map;

/** Every table and how incidents embed two of them. The tables themselves are described in routes/streams.camel.yaml. */
public final class Streams {

    /**
     * Every table, in the order a run starts them: the templatedRoute entries of the packaged
     * routes/streams.camel.yaml ({@link TableSpecs}).
     */
    public static final List<String> ALL = List.copyOf(TableSpecs.packaged().tables());

    /** Child table to the {@code incidents} column that holds each incident's records of it as a JSON array. */
    public static final Map<String, String> INCIDENT_CHILDREN = Map.of(
            "incident_updates", "updates",
            "actions", "actions");

    /** The values incident_mode takes on the actions and follow-ups listings (one per call). */
    public static final List<String> CHILD_MODES = List.of("standard", "retrospective", "test", "tutorial", "stream");

    private Streams() {
    }
}
