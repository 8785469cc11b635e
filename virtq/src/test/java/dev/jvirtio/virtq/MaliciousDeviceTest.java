package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.virtq.VirtqueueBrokenException.Fault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A device that writes garbage into used rings / used descriptors breaks the driver-side queue, typed. */
class MaliciousDeviceTest {
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Split rig with two chains in flight (heads h[0], h[1], 16 writable bytes each) and the raw used ring. */
    private static int[] twoInFlight(Rig r) {
        int[] h = new int[2];
        h[0] = r.q.begin().readable(r.data, 0, 8).writable(r.data, 64, 16).commit(100);
        h[1] = r.q.begin().readable(r.data, 128, 8).writable(r.data, 192, 16).commit(101);
        r.q.kick();
        return h;
    }

    private static MemorySegment splitUsed(Rig r) {
        return r.iommu.segment(r.q.deviceAreaIova(), 6 + 8L * r.q.size(), DmaAccess.READ_WRITE);
    }

    private static VirtqueueBrokenException splitGarbage(int id, int len, int usedIdx, Fault expected) throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, 0)) {
            twoInFlight(r);
            MemorySegment used = splitUsed(r);
            used.set(LE32, 4, id);
            used.set(LE32, 8, len);
            used.set(LE16, 2, (short) usedIdx);
            VirtqueueBrokenException e = assertThrows(VirtqueueBrokenException.class, r.q::poll);
            assertEquals(expected, e.fault());
            assertEquals(3, e.queueIndex());
            assertTrue(r.q.isBroken());
            // The same exception on every further use, until reset.
            assertSame(e, assertThrows(VirtqueueBrokenException.class, r.q::poll));
            assertSame(e, assertThrows(VirtqueueBrokenException.class, r.q::begin));
            assertSame(e, assertThrows(VirtqueueBrokenException.class, r.q::kick));
            List<Long> abandoned = new ArrayList<>();
            assertEquals(2, r.q.reset(abandoned::add));
            assertEquals(List.of(100L, 101L), abandoned.stream().sorted().toList());
            assertFalse(r.q.isBroken());
            r.dev.reset();
            assertEquals(8, r.q.freeDescriptors());
            int head = r.q.begin().writable(r.data, 0, 8).commit(7);
            r.q.kick();
            r.dev.push(r.dev.pop().id(), 8);
            r.dev.publishUsed();
            assertEquals(7, r.q.poll(), "usable again after reset");
            assertEquals(head, r.q.lastUsedId());
            return e;
        }
    }

    @Test
    void splitUsedIdOutOfRange() throws Exception {
        VirtqueueBrokenException e = splitGarbage(8, 0, 1, Fault.USED_ID_OUT_OF_RANGE);
        assertEquals(8, e.id());
        assertTrue(e.getMessage().contains("used id 8"), e.getMessage());
        assertEquals(0xffff_ffffL, splitGarbage(-1, 0, 1, Fault.USED_ID_OUT_OF_RANGE).id());
    }

    @Test
    void splitUsedIdNotAHeadInFlight() throws Exception {
        // Heads are 0 and 2 (descriptors 1 and 3 are the chains' tails); 5 was never used.
        assertEquals(5, splitGarbage(5, 0, 1, Fault.USED_ID_NOT_IN_FLIGHT).id());
        assertEquals(1, splitGarbage(1, 0, 1, Fault.USED_ID_NOT_IN_FLIGHT).id(), "a non-head descriptor of a chain");
    }

    @Test
    void splitUsedLengthBeyondWritable() throws Exception {
        VirtqueueBrokenException e = splitGarbage(0, 17, 1, Fault.USED_LENGTH_TOO_LARGE);
        assertEquals(17, e.value());
        splitGarbage(0, -1, 1, Fault.USED_LENGTH_TOO_LARGE);
    }

    @Test
    void splitUsedIdxJumpsPastWhatIsInFlight() throws Exception {
        VirtqueueBrokenException e = splitGarbage(0, 0, 3, Fault.USED_IDX_JUMP);
        assertEquals(3, e.value());
        splitGarbage(0, 0, 0x8000, Fault.USED_IDX_JUMP);
    }

    /** A chain added but not yet published is in flight for the driver but invisible to the device. */
    @Test
    void splitCompletionOfAChainNotYetMadeAvailable() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, 0)) {
            twoInFlight(r);
            int hidden = r.q.begin().writable(r.data, 256, 16).commit(102);   // no kick: never published
            MemorySegment used = splitUsed(r);
            used.set(LE32, 4, hidden);
            used.set(LE32, 8, 16);
            used.set(LE16, 2, (short) 1);
            VirtqueueBrokenException e = assertThrows(VirtqueueBrokenException.class, r.q::poll);
            assertEquals(Fault.USED_ID_NOT_AVAILABLE, e.fault());
            assertEquals(hidden, e.id());
            assertTrue(e.getMessage().contains("not yet made available"), e.getMessage());
            assertEquals(3, r.q.reset(null), "all three chains are abandoned, the hidden one too");
        }
    }

    @Test
    void splitUsedIdxMayNotCountChainsNotYetMadeAvailable() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, 0)) {
            int[] h = twoInFlight(r);
            int hidden = r.q.begin().writable(r.data, 256, 16).commit(102);
            MemorySegment used = splitUsed(r);
            int[] ids = {h[0], h[1], hidden};
            for (int i = 0; i < 3; i++) {
                used.set(LE32, 4 + 8 * i, ids[i]);
                used.set(LE32, 8 + 8 * i, 0);
            }
            used.set(LE16, 2, (short) 3);    // three in flight, but only two were ever made available
            VirtqueueBrokenException e = assertThrows(VirtqueueBrokenException.class, r.q::poll);
            assertEquals(Fault.USED_IDX_JUMP, e.fault());
            assertEquals(3, e.value());
        }
    }

    @Test
    void splitPublishedChainsCompleteWhileAnotherWaitsUnpublished() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, 0)) {
            twoInFlight(r);
            r.dev.push(r.dev.pop().id(), 16);
            r.dev.push(r.dev.pop().id(), 16);
            r.dev.publishUsed();
            r.q.begin().writable(r.data, 256, 16).commit(102);                 // pending, unpublished
            assertEquals(100, r.q.poll());
            assertEquals(101, r.q.poll());
            assertEquals(Virtqueue.NONE, r.q.poll());
            r.q.kick();
            r.dev.push(r.dev.pop().id(), 16);
            r.dev.publishUsed();
            assertEquals(102, r.q.poll());
            assertEquals(0, r.q.inFlight());
        }
    }

    @Test
    void splitSameHeadCompletedTwice() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, 0)) {
            int[] h = twoInFlight(r);
            MemorySegment used = splitUsed(r);
            used.set(LE32, 4, h[0]);
            used.set(LE32, 12, h[0]);
            used.set(LE16, 2, (short) 2);
            assertEquals(100, r.q.poll());
            VirtqueueBrokenException e = assertThrows(VirtqueueBrokenException.class, r.q::poll);
            assertEquals(Fault.USED_ID_NOT_IN_FLIGHT, e.fault());
            assertEquals(1, r.q.reset(null));
        }
    }

    /**
     * A duplicate of a completion that arrives after the driver committed a new chain: heads are reused
     * oldest first, so the new chain does not take the head just completed and the duplicate is refused
     * instead of being taken as the new chain's completion.
     */
    @Test
    void splitDuplicateAfterANewChainNamesAFreeHead() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, 0)) {
            int a = r.q.begin().readable(r.data, 0, 8).writable(r.data, 64, 16).commit(100);
            r.q.kick();
            r.dev.push(r.dev.pop().id(), 16);
            r.dev.publishUsed();
            assertEquals(100, r.q.poll());
            int b = r.q.begin().readable(r.data, 128, 8).writable(r.data, 192, 16).commit(101);
            r.q.kick();
            assertNotEquals(a, b, "the head just completed is not reused first");
            MemorySegment used = splitUsed(r);
            used.set(LE32, 4 + 8, a);      // the duplicate, in the next used slot
            used.set(LE32, 8 + 8, 16);
            used.set(LE16, 2, (short) 2);
            VirtqueueBrokenException e = assertThrows(VirtqueueBrokenException.class, r.q::poll);
            assertEquals(Fault.USED_ID_NOT_IN_FLIGHT, e.fault());
            assertEquals(a, e.id());
        }
    }

    @Test
    void splitHeadsAreReusedOldestFirst() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 4, 0)) {
            List<Integer> heads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                heads.add(r.q.begin().writable(r.data, 0, 8).commit(i));
                r.q.kick();
                r.dev.push(r.dev.pop().id(), 0);
                r.dev.publishUsed();
                assertEquals(i, r.q.poll());
            }
            assertEquals(List.of(0, 1, 2, 3, 0, 1, 2, 3), heads);
        }
    }

    private static MemorySegment packedRing(Rig r) {
        return r.iommu.segment(r.q.descriptorAreaIova(), 16L * r.q.size(), DmaAccess.READ_WRITE);
    }

    private static VirtqueueBrokenException packedGarbage(int id, int len, int flags, Fault expected) throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 4, 0)) {
            r.q.begin().readable(r.data, 0, 8).writable(r.data, 64, 16).commit(100);  // id 0, slots 0-1
            r.q.kick();
            MemorySegment ring = packedRing(r);
            ring.set(LE32, 8, len);
            ring.set(LE16, 12, (short) id);
            ring.set(LE16, 14, (short) flags);
            VirtqueueBrokenException e = assertThrows(VirtqueueBrokenException.class, r.q::poll);
            assertEquals(expected, e.fault());
            assertSame(e, assertThrows(VirtqueueBrokenException.class, r.q::poll));
            assertEquals(1, r.q.reset(null));
            r.dev.reset();
            r.q.begin().writable(r.data, 0, 8).commit(5);
            r.q.kick();
            r.dev.push(r.dev.pop().id(), 3);
            r.dev.publishUsed();
            assertEquals(5, r.q.poll());
            assertEquals(3, r.q.lastUsedLength());
            return e;
        }
    }

    @Test
    void packedDuplicateAfterANewChainNamesAFreeId() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 8, 0)) {
            r.q.begin().readable(r.data, 0, 8).writable(r.data, 64, 16).commit(100);     // slots 0-1
            r.q.kick();
            r.dev.push(r.dev.pop().id(), 16);
            r.dev.publishUsed();
            assertEquals(100, r.q.poll());
            int a = r.q.lastUsedId();
            r.q.begin().readable(r.data, 128, 8).writable(r.data, 192, 16).commit(101);  // slots 2-3
            r.q.kick();
            // The duplicate: a used descriptor naming id a where the device's next used one goes (slot 2).
            MemorySegment ring = packedRing(r);
            ring.set(LE32, 2 * 16 + 8, 16);
            ring.set(LE16, 2 * 16 + 12, (short) a);
            ring.set(LE16, 2 * 16 + 14, (short) 0x8080);
            VirtqueueBrokenException e = assertThrows(VirtqueueBrokenException.class, r.q::poll);
            assertEquals(Fault.USED_ID_NOT_IN_FLIGHT, e.fault(), "id " + a + " was not given to the new chain");
            assertEquals(a, e.id());
        }
    }

    @Test
    void packedCompletionOfAChainNotYetMadeAvailable() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 8, 0)) {
            r.q.begin().readable(r.data, 0, 8).writable(r.data, 64, 16).commit(100);     // id 0, slots 0-1
            r.q.kick();
            int hidden = r.q.begin().writable(r.data, 128, 16).commit(101);            // slot 2, no kick
            MemorySegment ring = packedRing(r);
            ring.set(LE32, 8, 16);
            ring.set(LE16, 12, (short) hidden);
            ring.set(LE16, 14, (short) 0x8080);
            VirtqueueBrokenException e = assertThrows(VirtqueueBrokenException.class, r.q::poll);
            assertEquals(Fault.USED_ID_NOT_AVAILABLE, e.fault());
            assertEquals(hidden, e.id());
            assertEquals(2, r.q.reset(null));
        }
    }

    @Test
    void packedPublishedChainsCompleteWhileAnotherWaitsUnpublished() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 8, 0)) {
            r.q.begin().readable(r.data, 0, 8).writable(r.data, 64, 16).commit(100);
            r.q.kick();
            r.dev.push(r.dev.pop().id(), 16);
            r.dev.publishUsed();
            r.q.begin().writable(r.data, 128, 16).commit(101);                         // pending, unpublished
            assertEquals(100, r.q.poll());
            assertEquals(Virtqueue.NONE, r.q.poll());
            r.q.kick();
            r.dev.push(r.dev.pop().id(), 16);
            r.dev.publishUsed();
            assertEquals(101, r.q.poll());
            assertEquals(0, r.q.inFlight());
        }
    }

    @Test
    void packedUsedIdOutOfRange() throws Exception {
        assertEquals(4, packedGarbage(4, 0, 0x8080, Fault.USED_ID_OUT_OF_RANGE).id());
        assertEquals(0xffff, packedGarbage(0xffff, 0, 0x8080, Fault.USED_ID_OUT_OF_RANGE).id());
    }

    @Test
    void packedUsedIdNotInFlight() throws Exception {
        assertEquals(2, packedGarbage(2, 0, 0x8080, Fault.USED_ID_NOT_IN_FLIGHT).id());
    }

    @Test
    void packedUsedLengthBeyondWritable() throws Exception {
        assertEquals(17, packedGarbage(0, 17, 0x8080 | 0x2, Fault.USED_LENGTH_TOO_LARGE).value());
    }

    @Test
    void packedLengthWithoutWriteFlagIsIgnoredForAReadOnlyChain() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 4, 0)) {
            r.q.begin().readable(r.data, 64, 16).commit(100);
            r.q.kick();
            MemorySegment ring = packedRing(r);
            ring.set(LE32, 8, 12345);                  // reserved without WRITE (2.8.4): must be ignored
            ring.set(LE16, 12, (short) 0);
            ring.set(LE16, 14, (short) 0x8080);
            assertEquals(100, r.q.poll());
            assertEquals(0, r.q.lastUsedLength());
        }
    }

    @Test
    void packedLengthWithoutWriteFlagCountsForAWritableChainAsQemuWritesIt() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 4, 0)) {
            r.q.begin().readable(r.data, 0, 16).writable(r.data, 64, 16).commit(100);
            r.q.kick();
            MemorySegment ring = packedRing(r);
            ring.set(LE32, 8, 9);                      // QEMU sets len but never WRITE in a used descriptor
            ring.set(LE16, 12, (short) 0);
            ring.set(LE16, 14, (short) 0x8080);
            assertEquals(100, r.q.poll());
            assertEquals(9, r.q.lastUsedLength());
        }
    }

    @Test
    void packedLengthWithoutWriteFlagStillMayNotExceedTheWritableBytes() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 4, 0)) {
            r.q.begin().writable(r.data, 64, 16).commit(100);
            r.q.kick();
            MemorySegment ring = packedRing(r);
            ring.set(LE32, 8, 12345);
            ring.set(LE16, 12, (short) 0);
            ring.set(LE16, 14, (short) 0x8080);
            VirtqueueBrokenException e = assertThrows(VirtqueueBrokenException.class, r.q::poll);
            assertEquals(Fault.USED_LENGTH_TOO_LARGE, e.fault());
        }
    }

    @Test
    void packedHalfUsedFlagsAreNotAUsedDescriptor() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 4, 0)) {
            r.q.begin().writable(r.data, 64, 16).commit(100);
            r.q.kick();
            MemorySegment ring = packedRing(r);
            ring.set(LE16, 14, (short) 0x8000);        // USED without AVAIL: neither available nor used
            assertEquals(Virtqueue.NONE, r.q.poll());
            assertFalse(r.q.isBroken());
        }
    }
}
