package ai.cpift.model.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LrScheduleTest {
    @Test
    void warmsUpLinearlyThenFollowsHalfACosineToTheFloor() {
        LrSchedule s = new LrSchedule(1e-3, 4, 15, 0.1); // steps 0-3 warm up, 4-14 decay (10 intervals)
        assertEquals(2e-4, s.at(0), 1e-15);                // 1/5 of the peak: the first step already trains
        assertEquals(8e-4, s.at(3), 1e-15);
        assertEquals(1e-3, s.at(4), 1e-15);                // the decay starts at the peak
        assertEquals(5.5e-4, s.at(9), 1e-15);              // halfway: floor + (peak - floor) / 2
        assertEquals(1e-4 + 4.5e-4 * (1 + Math.cos(Math.PI * 0.8)), s.at(12), 1e-15);
        assertEquals(1e-4, s.at(14), 1e-15);               // the last step is at the floor
        assertEquals(1e-3, new LrSchedule(1e-3, 0, 1, 0.1).at(0), 1e-15); // a single step trains at the peak
    }
}
