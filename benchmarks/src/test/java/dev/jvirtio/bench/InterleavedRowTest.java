package dev.jvirtio.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pooling, median and paired-ratio arithmetic of an interleaved P1 row, on hand-computed inputs. */
class InterleavedRowTest {
    private static final double EPS = 1e-9;

    @Test
    void medianIsTheMiddleValueOrTheMeanOfTheTwoMiddleValues() {
        assertEquals(7.0, InterleavedRow.median(new double[] {7}), EPS);
        assertEquals(3.0, InterleavedRow.median(new double[] {5, 1, 3}), EPS);
        assertEquals(2.5, InterleavedRow.median(new double[] {4, 1, 3, 2}), EPS);
        assertEquals(10.0, InterleavedRow.median(new double[] {10, 10, 1, 10, 100}), EPS);
        double[] input = {3, 1, 2};
        InterleavedRow.median(input);
        assertArrayEquals(new double[] {3, 1, 2}, input, "the caller's array is not sorted in place");
        assertThrows(IllegalArgumentException.class, () -> InterleavedRow.median(new double[0]));
    }

    @Test
    void twoForksBetweenThreeSlotsPoolAndPairAsComputedByHand() {
        InterleavedRow row = new InterleavedRow(
                List.of(new double[] {10, 12, 11}, new double[] {20, 14}),
                List.of(new double[] {5, 7}, new double[] {6}, new double[] {9, 10, 8}));
        assertEquals(2, row.forks());
        // Java pooled: 10 11 12 14 20 -> 12; C pooled: 5 6 7 8 9 10 -> 7.5.
        assertEquals(12.0, row.javaMedian(), EPS);
        assertEquals(7.5, row.cMedian(), EPS);
        assertEquals(1.6, row.ratio(), EPS);
        // Slot medians 6, 6, 9. Fork 1: median 11 over (6 + 6) / 2; fork 2: median 17 over (6 + 9) / 2.
        assertArrayEquals(new double[] {11.0 / 6.0, 17.0 / 7.5}, row.pairedRatios(), EPS);
        assertEquals((11.0 / 6.0 + 17.0 / 7.5) / 2, row.pairedRatio(), EPS);
        assertEquals(2.05, row.pairedRatio(), EPS);
        // Mean 67 / 5; sample variance 63.2 / 4; error = t(0.9995, 4 df) * sqrt(15.8 / 5), t = 8.610301581.
        assertEquals(13.4, row.javaMean(), EPS);
        assertEquals(8.610301581 * Math.sqrt(15.8 / 5), row.javaMeanError(), 1e-6);
    }

    @Test
    void oneForkBetweenTwoSlotsAsQuickRunsHaveIt() {
        InterleavedRow row = new InterleavedRow(List.of(new double[] {3, 5}),
                List.of(new double[] {2}, new double[] {2, 4, 3}));
        assertEquals(4.0, row.javaMedian(), EPS);
        assertEquals(2.5, row.cMedian(), EPS);           // pooled 2 2 3 4
        assertEquals(1.6, row.ratio(), EPS);
        assertEquals(4.0 / 2.5, row.pairedRatio(), EPS); // slot medians 2 and 3
        assertEquals(4.0, row.javaMean(), EPS);
        assertTrue(Double.isNaN(row.javaMeanError()), "no confidence interval from two iterations");
    }

    @Test
    void pairingUsesEachSlotsMedianSoOneOutlierRunDoesNotMoveIt() {
        // A C run hit by a 4x stall: the slot's median (20) stands, its mean (40) would not.
        InterleavedRow row = new InterleavedRow(List.of(new double[] {22, 23, 22}),
                List.of(new double[] {20, 80, 20}, new double[] {20, 21, 20}));
        assertEquals(1.1, row.pairedRatio(), EPS);
        assertEquals(1.1, row.ratio(), EPS); // pooled C: 20 20 20 20 21 80 -> 20
    }

    @Test
    void inconsistentOrImpossibleSamplesAreRefused() {
        List<double[]> one = List.of(new double[] {1});
        List<double[]> two = List.of(new double[] {1}, new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> new InterleavedRow(List.of(), one));
        assertThrows(IllegalArgumentException.class, () -> new InterleavedRow(one, one));
        assertThrows(IllegalArgumentException.class, () -> new InterleavedRow(two, two));
        assertThrows(IllegalArgumentException.class,
                () -> new InterleavedRow(List.of(new double[0]), two));
        assertThrows(IllegalArgumentException.class,
                () -> new InterleavedRow(one, List.of(new double[] {1}, new double[0])));
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new InterleavedRow(one, List.of(new double[] {1}, new double[] {2, bad})), "" + bad);
            assertTrue(e.getMessage().contains("C slot 2"), e.getMessage());
        }
    }

    @Test
    void theRowKeepsItsOwnCopyOfTheSamples() {
        double[] fork = {4, 4, 4};
        double[] slot = {2};
        List<double[]> forks = new ArrayList<>(List.of(fork));
        InterleavedRow row = new InterleavedRow(forks, List.of(slot, new double[] {2}));
        fork[0] = 100;
        slot[0] = 100;
        forks.clear();
        assertEquals(2.0, row.ratio(), EPS);
        assertEquals(2.0, row.pairedRatio(), EPS);
    }
}
