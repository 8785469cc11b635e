package dev.jvirtio.dma.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.dma.AnonymousDmaAllocator;
import dev.jvirtio.dma.DmaMemory;
import dev.jvirtio.dma.HugepageDmaAllocator;
import dev.jvirtio.dma.HugepagesUnavailableException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The allocators hand out ranges of the DMA space and retire them on close. */
class AllocatorsInSpaceTest {

    @Test
    void anonymousMemoryLiesInsideTheSpaceIsZeroAndIsRetiredOnClose() throws Exception {
        try (AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            DmaMemory m = alloc.allocate(10_000, 2L << 20);
            MemorySegment seg = m.segment();
            long off = DmaSpace.offsetOf(seg);
            assertTrue(off >= 0, "inside the space");
            assertEquals(0, off % (2L << 20));
            assertEquals(12_288, seg.byteSize());
            assertEquals(-1, seg.mismatch(MemorySegment.ofArray(new byte[12_288])), "zeroed");
            seg.set(JAVA_LONG, 0, 0x1234L);
            assertEquals(0x1234L, DmaSpace.SPACE.get(JAVA_LONG, off), "the same memory as SPACE");
            long quarantined = DmaSpace.quarantinedBytes();
            m.close();
            assertThrows(IllegalStateException.class, () -> seg.get(JAVA_LONG, 0), "use after close throws");
            assertThrows(IllegalStateException.class, m::segment);
            assertEquals(0L, DmaSpace.SPACE.get(JAVA_LONG, off), "the range was wiped, and reading it is safe");
            long limit = SpaceRanges.defaultQuarantineLimit(DmaSpace.size());
            if (quarantined + 12_288 <= limit) {
                assertEquals(quarantined + 12_288, DmaSpace.quarantinedBytes(), "the range waits in quarantine");
                // The same request would fit first at the same offset, were the range free: it is not reused.
                DmaMemory next = alloc.allocate(10_000, 2L << 20);
                assertNotEquals(off, DmaSpace.offsetOf(next.segment()));
            }
        }
    }

    @Test
    void hugepageMemoryIsPlacedHugepageAlignedInsideTheSpace() throws Exception {
        try (HugepageDmaAllocator alloc = HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_2M)) {
            DmaMemory m;
            try {
                m = alloc.allocate(4096, 4096);
            } catch (HugepagesUnavailableException none) {
                return; // no free hugepages on this machine: the guest test covers the real path
            }
            long off = DmaSpace.offsetOf(m.segment());
            assertTrue(off >= 0);
            assertEquals(0, off % HugepageDmaAllocator.SIZE_2M);
            m.segment().set(JAVA_LONG, 8, 99L);
            m.close();
            assertEquals(0L, DmaSpace.SPACE.get(JAVA_LONG, off + 8), "inert memory replaced the hugepage");
        } catch (HugepagesUnavailableException unsupported) {
            // the kernel has no 2 MiB pool at all
        }
    }

    @Test
    void concurrentAllocationsNeverOverlapAndAllComeBack() throws Exception {
        long freeBefore = DmaSpace.freeBytes() + DmaSpace.quarantinedBytes();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        try (AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            Thread[] ts = new Thread[4];
            for (int t = 0; t < ts.length; t++) {
                final long stamp = t + 1;
                ts[t] = new Thread(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            DmaMemory m = alloc.allocate(4096 * (1 + i % 5), 4096);
                            MemorySegment s = m.segment();
                            for (long o = 0; o < s.byteSize(); o += 4096) {
                                assertEquals(0L, s.get(JAVA_LONG, o), "fresh memory is zero");
                                s.set(JAVA_LONG, o, stamp);
                            }
                            Thread.onSpinWait();
                            for (long o = 0; o < s.byteSize(); o += 4096) {
                                assertEquals(stamp, s.get(JAVA_LONG, o), "nobody else wrote here");
                            }
                            m.close();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.getFirst());
        }
        assertEquals(freeBefore, DmaSpace.freeBytes() + DmaSpace.quarantinedBytes(),
                "every range is free or quarantined again");
    }
}
