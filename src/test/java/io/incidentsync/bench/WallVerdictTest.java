package io.incidentsync.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** bench's wall-time target is 1.25 times the larger of the network floor and the write floor, and it says which bound. */
class WallVerdictTest {

    @Test
    void theWriteFloorBindsWhenStoringTakesLongerThanTheNetworkAllows() {
        // 40 s of writing against a 25 s network floor: the target is 50 s, and 48 s meets it
        assertEquals("wall: 48.00 s; network floor 25.00 s, write floor 40.00 s; bound by the write floor: "
                + "1.20x of 40.00 s; target at most 1.25x (50.00 s): met", Bench.wallVerdict(48, 25, 40.0));
        assertEquals("wall: 52.00 s; network floor 25.00 s, write floor 40.00 s; bound by the write floor: "
                + "1.30x of 40.00 s; target at most 1.25x (50.00 s): MISSED", Bench.wallVerdict(52, 25, 40.0));
    }

    @Test
    void theNetworkFloorBindsWhenWritingIsFasterOrNotMeasured() {
        assertEquals("wall: 30.00 s; network floor 25.00 s, write floor 10.00 s; bound by the network floor: "
                + "1.20x of 25.00 s; target at most 1.25x (31.25 s): met", Bench.wallVerdict(30, 25, 10.0));
        assertEquals("wall: 32.00 s; network floor 25.00 s (no write floor measured: --write-floor); bound by the "
                + "network floor: 1.28x of 25.00 s; target at most 1.25x (31.25 s): MISSED", Bench.wallVerdict(32, 25, null));
    }
}
