package dev.jvirtio.dma;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IovaAllocatorTest {

    @Test
    void neverHandsOutAddressesBelowTheFloor() throws Exception {
        IovaAllocator a = IovaAllocator.forAddressBits(39);
        long first = a.allocate(4096, 4096);
        assertEquals(0x10000, first, "default floor 0x10000, never 0");
        assertEquals(List.of(new IovaRange(0x10000, (1L << 39) - 1)), a.managedRanges());
    }

    @Test
    void honoursAlignment() throws Exception {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0, 1L << 32)), 0x1000, 1L << 32);
        long small = a.allocate(0x1000, 0x1000);
        long big = a.allocate(0x200000, 0x200000);
        assertEquals(0x1000, small);
        assertEquals(0, big % 0x200000);
        assertEquals(0x200000, big);
        long odd = a.allocate(0x3000, 0x1000);
        assertEquals(0x2000, odd, "first fit reuses the gap below the aligned block");
    }

    @Test
    void clipsToReportedRangesAndCeiling() throws Exception {
        // Like an x86 IOMMU: a hole for the MSI window at 0xfee00000.
        List<IovaRange> ranges = List.of(new IovaRange(0xfef00000L, 0xffffffffffL), new IovaRange(0, 0xfedfffffL));
        IovaAllocator a = new IovaAllocator(ranges, 0x10000, 0xffffffffL);
        assertEquals(List.of(new IovaRange(0x10000, 0xfedfffffL), new IovaRange(0xfef00000L, 0xffffffffL)),
                a.managedRanges());
        long x = a.allocate(0xfedf0000L, 0x1000);        // exactly fills the low range
        assertEquals(0x10000, x);
        long y = a.allocate(0x1000, 0x1000);
        assertEquals(0xfef00000L, y, "skips the MSI hole");
        IovaExhaustedException e = assertThrows(IovaExhaustedException.class, () -> a.allocate(0x2000000, 0x1000));
        assertEquals(0x1100000 - 0x1000, e.largestFree());
        assertTrue(e.getMessage().contains("exhausted"));
    }

    @Test
    void exhaustionIsTypedAndLeavesStateIntact() throws Exception {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0, 0xffff)), 0, 0xffff);
        long p = a.allocate(0x8000, 0x1000);
        assertThrows(IovaExhaustedException.class, () -> a.allocate(0x9000, 0x1000));
        assertEquals(1, a.allocationCount());
        assertEquals(0x8000, a.totalFree());
        a.free(p, 0x8000);
        assertEquals(0, a.allocate(0x10000, 0x1000));
    }

    @Test
    void freedNeighboursCoalesce() throws Exception {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0, 0xfffff)), 0, 0xfffff);
        long[] blocks = new long[8];
        for (int i = 0; i < 8; i++) {
            blocks[i] = a.allocate(0x1000, 0x1000);
        }
        assertEquals(1, a.freeBlockCount());
        a.free(blocks[1], 0x1000);
        a.free(blocks[3], 0x1000);
        assertEquals(3, a.freeBlockCount());
        a.free(blocks[2], 0x1000); // merges with both neighbours
        assertEquals(2, a.freeBlockCount());
        assertEquals(0x1000, a.allocate(0x3000, 0x1000), "the merged hole is reused");
        a.free(0x1000, 0x3000);
        for (int i : new int[] {0, 4, 5, 6, 7}) {
            a.free(blocks[i], 0x1000);
        }
        assertEquals(1, a.freeBlockCount(), "everything free again is one block");
        assertEquals(0x100000, a.totalFree());
    }

    @Test
    void misuseOfFreeIsTypedAndChangesNothing() throws Exception {
        IovaAllocator a = IovaAllocator.forAddressBits(39);
        long p = a.allocate(0x4000, 0x1000);
        IllegalIovaFreeException e = assertThrows(IllegalIovaFreeException.class, () -> a.free(p + 0x1000, 0x1000));
        assertEquals(IllegalIovaFreeException.Kind.INTERIOR_ADDRESS, e.kind());
        e = assertThrows(IllegalIovaFreeException.class, () -> a.free(p, 0x1000));
        assertEquals(IllegalIovaFreeException.Kind.SIZE_MISMATCH, e.kind());
        e = assertThrows(IllegalIovaFreeException.class, () -> a.free(0x1000, 0x1000));
        assertEquals(IllegalIovaFreeException.Kind.FOREIGN, e.kind(), "below the floor");
        e = assertThrows(IllegalIovaFreeException.class, () -> a.free(1L << 40, 0x1000));
        assertEquals(IllegalIovaFreeException.Kind.FOREIGN, e.kind(), "above the ceiling");
        assertEquals(1, a.allocationCount());
        a.free(p, 0x4000);
        e = assertThrows(IllegalIovaFreeException.class, () -> a.free(p, 0x4000));
        assertEquals(IllegalIovaFreeException.Kind.DOUBLE_FREE, e.kind());
        assertEquals(0, a.allocationCount());
    }

    @Test
    void rejectsBadRequests() {
        IovaAllocator a = IovaAllocator.forAddressBits(39);
        assertThrows(IllegalArgumentException.class, () -> a.allocate(0, 4096));
        assertThrows(IllegalArgumentException.class, () -> a.allocate(4096, 3000));
        assertThrows(IllegalArgumentException.class,
                () -> new IovaAllocator(List.of(new IovaRange(0, 0xffff)), 0x10000, 0x20000));
        assertThrows(IllegalArgumentException.class, () -> new IovaRange(5, 4));
    }

    @Test
    void randomAllocateFreeKeepsBlocksDisjointAndAligned() throws Exception {
        String prop = System.getProperty("jvirtio.test.seed");
        long seed = prop != null ? Long.decode(prop) : new SplittableRandom().nextLong();
        System.out.println("IovaAllocatorTest seed=" + seed + " (replay: -Djvirtio.test.seed=" + seed + ")");
        SplittableRandom rnd = new SplittableRandom(seed);
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0, (1L << 24) - 1)), 0x10000, (1L << 24) - 1);
        long total = a.totalFree();
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            if (live.isEmpty() || rnd.nextInt(3) > 0) {
                long size = (long) rnd.nextInt(1, 64) << 12;
                long align = 1L << rnd.nextInt(12, 18);
                try {
                    long p = a.allocate(size, align);
                    assertEquals(0, p % align, "seed " + seed);
                    for (long[] o : live) {
                        assertTrue(p + size <= o[0] || o[0] + o[1] <= p, "overlap, seed " + seed);
                    }
                    live.add(new long[] {p, size});
                } catch (IovaExhaustedException e) {
                    assertTrue(a.largestFreeBlock() < size + align, "seed " + seed);
                }
            } else {
                long[] b = live.remove(rnd.nextInt(live.size()));
                a.free(b[0], b[1]);
            }
        }
        for (long[] b : live) {
            a.free(b[0], b[1]);
        }
        assertEquals(total, a.totalFree());
        assertEquals(1, a.freeBlockCount(), "seed " + seed);
    }
}
