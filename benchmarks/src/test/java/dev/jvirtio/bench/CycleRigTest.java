package dev.jvirtio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.virtq.Virtqueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The P1 cycle does the work it claims: every chain goes round and comes back with its token and length. */
class CycleRigTest {
    private static final String SEED_PROPERTY = "jvirtio.test.seed";

    private static long seed(String test) {
        String fixed = System.getProperty(SEED_PROPERTY);
        long seed = fixed != null && !fixed.isBlank() ? Long.decode(fixed.trim()) : System.nanoTime();
        System.out.println(test + ": seed " + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed + ")");
        return seed;
    }

    @ParameterizedTest
    @EnumSource(CycleRig.Ring.class)
    void benchmarkBatchesReturnEveryChain(CycleRig.Ring ring) throws Exception {
        try (CycleRig rig = new CycleRig(ring, P1CycleBenchmark.QUEUE_SIZE)) {
            // Enough cycles to lap the ring many times and to wrap the 16-bit indices (65536 / 32 = 2048).
            for (int i = 0; i < 3000; i++) {
                assertEquals(CycleRig.expectedChecksum(P1CycleBenchmark.BATCH), rig.cycle(P1CycleBenchmark.BATCH));
                assertEquals(CycleRig.expectedChecksum(1), rig.cycle(1));
            }
            rig.checkIdle();
            assertEquals(P1CycleBenchmark.QUEUE_SIZE, rig.queue().freeDescriptors());
        }
    }

    @ParameterizedTest
    @EnumSource(CycleRig.Ring.class)
    void randomBatchSizesKeepTheRingConsistent(CycleRig.Ring ring) throws Exception {
        SplittableRandom random = new SplittableRandom(seed("randomBatchSizes[" + ring + "]"));
        try (CycleRig rig = new CycleRig(ring, CycleRig.MAX_BATCH << random.nextInt(3))) {
            for (int i = 0; i < 5000; i++) {
                int batch = 1 + random.nextInt(CycleRig.MAX_BATCH);
                assertEquals(CycleRig.expectedChecksum(batch), rig.cycle(batch), "cycle " + i + ", batch " + batch);
            }
            rig.checkIdle();
        }
    }

    @Test
    void expectedChecksumCountsTokensLengthsAndOneKick() {
        // Tokens 0 and 1, two 64-byte completions, one kick from the driver, no interrupt from the device.
        assertEquals(1 + 1 + 2 * CycleRig.BUFFER_BYTES, CycleRig.expectedChecksum(2));
        assertEquals(1 + CycleRig.BUFFER_BYTES, CycleRig.expectedChecksum(1));
    }

    @ParameterizedTest
    @EnumSource(CycleRig.Ring.class)
    void leftoversAreReportedByCheckIdle(CycleRig.Ring ring) throws Exception {
        try (CycleRig rig = new CycleRig(ring, 64)) {
            rig.cycle(3);
            rig.checkIdle();
            Virtqueue q = rig.queue();
            q.begin().writable(rig.data(), 0, 8).commit(5);
            assertThrows(IllegalStateException.class, rig::checkIdle);
        }
    }

    @ParameterizedTest
    @EnumSource(CycleRig.Ring.class)
    void batchesOutsideOneToMaxAreRefusedBeforeAnythingIsAdded(CycleRig.Ring ring) throws Exception {
        try (CycleRig rig = new CycleRig(ring, 128)) {
            assertThrows(IllegalArgumentException.class, () -> rig.cycle(CycleRig.MAX_BATCH + 1));
            assertThrows(IllegalArgumentException.class, () -> rig.cycle(0));
            rig.checkIdle();
        }
    }

    @Test
    void queuesSmallerThanTheLargestBatchAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CycleRig(CycleRig.Ring.SPLIT, 32));
        assertTrue(e.getMessage().contains("at least"));
    }

    @Test
    void ringNamesParseInAnyCase() {
        assertEquals(CycleRig.Ring.SPLIT, CycleRig.Ring.parse("split"));
        assertEquals(CycleRig.Ring.PACKED, CycleRig.Ring.parse("PACKED"));
        assertThrows(IllegalArgumentException.class, () -> CycleRig.Ring.parse("ring"));
    }
}
