package io.incidentsync.simulator;

/** The few facts about an incident that listings filter on, cheap enough to compute for every index of a scan. */
record IncidentFacts(String mode, int status, boolean isPrivate) {
    static final java.util.List<String> MODES = java.util.List.of("standard", "retrospective", "test", "tutorial");

    boolean defaultMode() {
        return mode.equals("standard") || mode.equals("retrospective");
    }
}
