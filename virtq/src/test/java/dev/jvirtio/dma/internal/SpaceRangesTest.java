package dev.jvirtio.dma.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.dma.DmaException;
import dev.jvirtio.ffm.Errno;
import dev.jvirtio.ffm.NativeIoException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Placement, retire and quarantine logic of a DMA space of a chosen size, with a recording wiper. */
class SpaceRangesTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;

    /** Records every wipe as {offset, length}; synchronized so concurrent retires can use it. */
    private static final class Wipes implements SpaceRanges.Wiper {
        final List<long[]> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void wipe(long offset, long length) {
            calls.add(new long[] {offset, length});
        }
    }

    @Test
    void placementsHonourAlignmentsFromAPageToOneGibibyte() throws Exception {
        SpaceRanges r = new SpaceRanges(8 * GIB, 0, new Wipes());
        long small = r.place(1, 1);
        assertEquals(0, small, "first fit starts at offset 0");
        for (long align : new long[] {4 * KIB, 64 * KIB, 2 * MIB, GIB}) {
            long off = r.place(4 * KIB, align);
            assertEquals(0, off % align, "alignment 0x" + Long.toHexString(align));
        }
        long pageAligned = r.place(3 * KIB, 4 * KIB);
        assertEquals(8 * KIB, pageAligned, "first fit fills the gap below the 64 KiB-aligned placement");
        assertThrows(IllegalArgumentException.class, () -> r.place(4096, 2 * GIB));
        assertThrows(IllegalArgumentException.class, () -> r.place(4096, 3 * KIB));
        assertThrows(IllegalArgumentException.class, () -> r.place(0, 4096));
        assertEquals(6, r.liveCount());
    }

    @Test
    void lengthsAreRoundedToPagesAndRetireMustMatchAPlacement() throws Exception {
        Wipes wipes = new Wipes();
        SpaceRanges r = new SpaceRanges(64 * MIB, 0, wipes);
        long a = r.place(5000, 4096);
        long b = r.place(4096, 4096);
        assertEquals(a + 8192, b, "5000 bytes take two pages");
        assertThrows(IllegalArgumentException.class, () -> r.retire(a + 4096, 4096), "interior offset");
        assertThrows(IllegalArgumentException.class, () -> r.retire(b, 8192), "wrong length");
        assertTrue(wipes.calls.isEmpty(), "a refused retire wipes nothing");
        r.retire(a, 5000); // the same unrounded length the placement was asked for
        assertArrayEquals(new long[] {a, 8192}, wipes.calls.getFirst());
        assertThrows(IllegalArgumentException.class, () -> r.retire(a, 5000), "double retire");
    }

    @Test
    void exhaustionNamesTheSpaceSizeAndTheProperty() throws Exception {
        SpaceRanges r = new SpaceRanges(4 * MIB, 0, new Wipes());
        r.place(2 * MIB, 2 * MIB);
        r.place(MIB, 4096);
        DmaException e = assertThrows(DmaException.class, () -> r.place(2 * MIB, 2 * MIB));
        assertTrue(e.getMessage().contains("4 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("-D" + DmaSpace.PROPERTY), e.getMessage());
        // The remaining MiB is still usable at page alignment.
        r.place(MIB, 4096);
        assertThrows(DmaException.class, () -> r.place(4096, 4096));
        assertThrows(DmaException.class, () -> r.place(8 * MIB, 4096), "larger than the space");
    }

    @Test
    void quarantineReturnsRangesOldestFirstOnlyAboveItsLimit() throws Exception {
        Wipes wipes = new Wipes();
        // 16 pages, quarantine limit 2 pages.
        SpaceRanges r = new SpaceRanges(16 * 4096, 2 * 4096, wipes);
        long[] off = new long[4];
        for (int i = 0; i < 4; i++) {
            off[i] = r.place(4096, 4096);
        }
        r.retire(off[2], 4096);
        r.retire(off[0], 4096);
        assertArrayEquals(new long[] {off[2], off[0]}, r.quarantinedOffsets());
        assertEquals(12 * 4096, r.freeBytes(), "at the limit nothing is released");
        r.retire(off[3], 4096);
        // Three pages exceed the limit of two: the oldest (off[2]) leaves, wiped a second time.
        assertArrayEquals(new long[] {off[0], off[3]}, r.quarantinedOffsets());
        assertEquals(13 * 4096, r.freeBytes());
        assertArrayEquals(new long[] {off[2], 4096}, wipes.calls.getLast(), "released ranges are wiped again");
        // A quarantined range is not placed again while free space remains: the next page comes from the pool.
        long next = r.place(4096, 4096);
        assertEquals(off[2], next, "the released range is the first fit again; the quarantined ones are not");
        assertNotEquals(off[0], next);
    }

    @Test
    void underPressureTheQuarantineGivesWayOldestFirst() throws Exception {
        SpaceRanges r = new SpaceRanges(4 * 4096, 1L << 40, new Wipes()); // the limit never releases by itself
        long[] off = new long[4];
        for (int i = 0; i < 4; i++) {
            off[i] = r.place(4096, 4096);
        }
        r.retire(off[1], 4096);
        r.retire(off[3], 4096);
        assertEquals(0, r.freeBytes());
        assertEquals(off[1], r.place(4096, 4096), "the oldest quarantined range is the one given up");
        assertArrayEquals(new long[] {off[3]}, r.quarantinedOffsets());
        // Two contiguous pages do not exist even with the whole quarantine released: typed failure.
        assertThrows(DmaException.class, () -> r.place(2 * 4096, 4096));
        assertEquals(0, r.quarantinedOffsets().length, "the quarantine was emptied trying");
        assertEquals(4096, r.freeBytes());
    }

    @Test
    void aFailedWipeWithdrawsTheRangeForGood() throws Exception {
        SpaceRanges r = new SpaceRanges(2 * 4096, 0, (o, l) -> {
            throw new dev.jvirtio.ffm.NativeIoException("mmap", Errno.ENOMEM, "test");
        });
        long a = r.place(4096, 4096);
        r.retire(a, 4096); // logged, not thrown: retire runs inside arena cleanup
        assertEquals(4096, r.lostBytes());
        assertEquals(0, r.quarantinedBytes());
        long b = r.place(4096, 4096);
        assertNotEquals(a, b, "a range that may still hold old pages is never placed again");
        assertThrows(DmaException.class, () -> r.place(4096, 4096));
    }

    @Test
    void concurrentPlaceAndRetireKeepTheBookkeepingExact() throws Exception {
        long seed = Long.getLong("jvirtio.test.seed", System.nanoTime());
        System.out.println("SpaceRangesTest seed=" + seed + " (replay: -Djvirtio.test.seed=" + seed + ")");
        long size = 256 * MIB;
        Wipes wipes = new Wipes();
        SpaceRanges r = new SpaceRanges(size, 4 * MIB, wipes);
        int threads = 4;
        TreeMap<Long, Long> owned = new TreeMap<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            SplittableRandom rnd = new SplittableRandom(seed + t);
            ts[t] = new Thread(() -> {
                List<long[]> mine = new ArrayList<>();
                try {
                    for (int i = 0; i < 2000; i++) {
                        if (mine.isEmpty() || rnd.nextInt(3) != 0) {
                            long len = (1 + rnd.nextInt(64)) * 4096L;
                            long align = 4096L << rnd.nextInt(10);
                            long off = r.place(len, align);
                            assertEquals(0, off % align);
                            synchronized (owned) {
                                // No live placement may overlap another, whichever thread holds it.
                                var below = owned.floorEntry(off + len - 1);
                                assertTrue(below == null || below.getKey() + below.getValue() <= off,
                                        "overlap at 0x" + Long.toHexString(off));
                                owned.put(off, len);
                            }
                            mine.add(new long[] {off, len});
                        } else {
                            long[] p = mine.remove(rnd.nextInt(mine.size()));
                            synchronized (owned) {
                                owned.remove(p[0]);
                            }
                            r.retire(p[0], p[1]);
                        }
                        if (mine.size() > 40) {
                            long[] p = mine.removeFirst();
                            synchronized (owned) {
                                owned.remove(p[0]);
                            }
                            r.retire(p[0], p[1]);
                        }
                    }
                    for (long[] p : mine) {
                        synchronized (owned) {
                            owned.remove(p[0]);
                        }
                        r.retire(p[0], p[1]);
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
        if (!failures.isEmpty()) {
            throw new AssertionError("seed " + seed, failures.getFirst());
        }
        assertEquals(0, r.liveCount());
        assertTrue(r.quarantinedBytes() <= 4 * MIB);
        assertEquals(size, r.freeBytes() + r.quarantinedBytes(), "every byte is free or quarantined again");
    }
}
