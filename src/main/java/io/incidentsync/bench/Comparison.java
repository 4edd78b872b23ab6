package io.incidentsync.bench;

/**
 * One amount of work (rows written, records read) done two ways, and the seconds each way took: the
 * product's way ({@code oursSeconds}) and the plain one it is measured against ({@code plainSeconds}).
 */
public record Comparison(long count, double oursSeconds, double plainSeconds) {

    public double oursPerSecond() {
        return count / oursSeconds;
    }

    public double plainPerSecond() {
        return count / plainSeconds;
    }

    /** Both measurements of this and {@code other} together. */
    Comparison plus(Comparison other) {
        return new Comparison(count + other.count, oursSeconds + other.oursSeconds, plainSeconds + other.plainSeconds);
    }
}
