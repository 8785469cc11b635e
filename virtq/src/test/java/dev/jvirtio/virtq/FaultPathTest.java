package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.DmaFaultException;
import dev.jvirtio.dma.SoftwareIommu;
import dev.jvirtio.virtq.VirtqueueBrokenException.Fault;
import dev.jvirtio.virtq.device.DeviceChain;
import dev.jvirtio.virtq.device.DriverFaultException;
import dev.jvirtio.virtq.device.DriverFaultException.Violation;
import dev.jvirtio.virtq.packed.PackedLayout;
import dev.jvirtio.virtq.split.SplitLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault paths of both ring formats: a device that writes impossible used entries breaks the driver queue
 * with the right {@link Fault}; a driver that publishes impossible chains breaks the device queue with the
 * right {@link Violation}; misuse of push and refused translations raise their typed errors.
 */
class FaultPathTest {
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int SIZE = 8;

    /** The device's view of the split used ring. */
    private static MemorySegment splitUsed(Rig r) {
        return r.iommu.segment(r.q.deviceAreaIova(), SplitLayout.usedSize(SIZE), DmaAccess.READ_WRITE);
    }

    /** The device's view of the packed descriptor ring. */
    private static MemorySegment packedRing(Rig r) {
        return r.iommu.segment(r.q.descriptorAreaIova(), PackedLayout.ringSize(SIZE), DmaAccess.READ_WRITE);
    }

    /** Adds two 64-byte writable chains (tokens 10, 11), completes the first with 16 bytes, publishes it. */
    private static int[] completeFirstOfTwo(Rig r) {
        int h0 = r.q.begin().writable(r.data, 0, 64).commit(10);
        int h1 = r.q.begin().writable(r.data, 64, 64).commit(11);
        r.q.kick();
        DeviceChain c = r.dev.pop();
        assertEquals(h0, c.id());
        r.dev.push(h0, 16);
        r.dev.publishUsed();
        return new int[] {h0, h1};
    }

    private static void assertBroken(Rig r, Fault fault) {
        VirtqueueBrokenException e = assertThrows(VirtqueueBrokenException.class, r.q::poll);
        assertEquals(fault, e.fault());
        assertTrue(r.q.isBroken());
        // Broken stays broken: every later use rethrows the same exception, until reset.
        assertSame(e, assertThrows(VirtqueueBrokenException.class, r.q::poll));
        assertSame(e, assertThrows(VirtqueueBrokenException.class, r.q::begin));
        assertSame(e, assertThrows(VirtqueueBrokenException.class, r.q::publish));
        assertEquals(2, r.q.reset(null));
        assertTrue(!r.q.isBroken());
        assertEquals(SIZE, r.q.freeDescriptors());
    }

    // ------------------------------------------------------------------ driver side: bad used entries

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void aCleanCompletionStillPolls(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, SIZE, 0)) {
            int[] heads = completeFirstOfTwo(r);
            assertEquals(10, r.q.poll());
            assertEquals(16, r.q.lastUsedLength());
            assertEquals(heads[0], r.q.lastUsedId());
            assertEquals(Virtqueue.NONE, r.q.poll());
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void usedIdOutOfRangeBreaksTheQueue(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, SIZE, 0)) {
            completeFirstOfTwo(r);
            if (kind == Rig.Kind.SPLIT) {
                splitUsed(r).set(LE32, SplitLayout.usedElemOffset(0), SIZE);
            } else {
                packedRing(r).set(LE16, PackedLayout.descOffset(0) + PackedLayout.DESC_ID, (short) SIZE);
            }
            assertBroken(r, Fault.USED_ID_OUT_OF_RANGE);
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void usedIdNotInFlightBreaksTheQueue(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, SIZE, 0)) {
            int[] heads = completeFirstOfTwo(r);
            int notInFlight = 0;
            while (notInFlight == heads[0] || notInFlight == heads[1]) {
                notInFlight++;
            }
            if (kind == Rig.Kind.SPLIT) {
                splitUsed(r).set(LE32, SplitLayout.usedElemOffset(0), notInFlight);
            } else {
                packedRing(r).set(LE16, PackedLayout.descOffset(0) + PackedLayout.DESC_ID, (short) notInFlight);
            }
            assertBroken(r, Fault.USED_ID_NOT_IN_FLIGHT);
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void usedLengthBeyondTheWritableBytesBreaksTheQueue(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, SIZE, 0)) {
            completeFirstOfTwo(r);
            if (kind == Rig.Kind.SPLIT) {
                splitUsed(r).set(LE32, SplitLayout.usedElemOffset(0) + 4, 65);
            } else {
                packedRing(r).set(LE32, PackedLayout.descOffset(0) + PackedLayout.DESC_LEN, 65);
            }
            assertBroken(r, Fault.USED_LENGTH_TOO_LARGE);
        }
    }

    @Test
    void splitUsedIdxRunningAheadOfWhatIsInFlightBreaksTheQueue() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, SIZE, 0)) {
            completeFirstOfTwo(r);
            splitUsed(r).set(LE16, SplitLayout.USED_IDX, (short) 3); // 3 used, 2 in flight
            assertBroken(r, Fault.USED_IDX_JUMP);
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void aClosedQueueRefusesWork(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, SIZE, 0)) {
            r.q.close();
            assertThrows(IllegalStateException.class, r.q::poll);
            assertThrows(IllegalStateException.class, r.q::begin);
            assertThrows(IllegalStateException.class, r.q::publish);
        }
    }

    // ------------------------------------------------------------------ device side: bad push

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void pushOfAnIdNotPoppedOrWithTooManyBytesIsRefused(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, SIZE, 0)) {
            r.q.begin().writable(r.data, 0, 64).commit(1);
            r.q.kick();
            DeviceChain c = r.dev.pop();
            int id = c.id();
            assertThrows(IllegalStateException.class, () -> r.dev.push((id + 1) % SIZE, 0));
            assertThrows(IllegalStateException.class, () -> r.dev.push(-1, 0));
            assertThrows(IllegalArgumentException.class, () -> r.dev.push(id, 65));
            assertThrows(IllegalArgumentException.class, () -> r.dev.push(id, -1));
            r.dev.push(id, 64); // the refusals changed nothing
            assertThrows(IllegalStateException.class, () -> r.dev.push(id, 0));
            r.dev.publishUsed();
            assertEquals(1, r.q.poll());
            assertEquals(64, r.q.lastUsedLength());
        }
    }

    // ------------------------------------------------------------------ device side: bad split chains

    /** Writes a raw split descriptor, makes head {@code head} available as avail idx {@code idx}. */
    private static void splitDesc(Rig r, int index, long addr, int len, int flags, int next) {
        MemorySegment desc = r.iommu.segment(r.q.descriptorAreaIova(), SplitLayout.descTableSize(SIZE), DmaAccess.READ_WRITE);
        long off = SplitLayout.descOffset(index);
        desc.set(LE64, off + SplitLayout.DESC_ADDR, addr);
        desc.set(LE32, off + SplitLayout.DESC_LEN, len);
        desc.set(LE16, off + SplitLayout.DESC_FLAGS, (short) flags);
        desc.set(LE16, off + SplitLayout.DESC_NEXT, (short) next);
    }

    private static void splitAvail(Rig r, int slot, int head, int idx) {
        MemorySegment avail = r.iommu.segment(r.q.driverAreaIova(), SplitLayout.availSize(SIZE), DmaAccess.READ_WRITE);
        avail.set(LE16, SplitLayout.availRingOffset(slot), (short) head);
        avail.set(LE16, SplitLayout.AVAIL_IDX, (short) idx);
    }

    private static void assertDeviceBroken(Rig r, Violation v) {
        DriverFaultException e = assertThrows(DriverFaultException.class, r.dev::pop);
        assertEquals(v, e.violation());
        assertTrue(r.dev.isBroken());
        assertSame(e, assertThrows(DriverFaultException.class, r.dev::pop));
        r.dev.reset();
        assertTrue(!r.dev.isBroken());
    }

    @Test
    void splitAvailIdxJumpIsADriverFault() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, SIZE, 0)) {
            splitAvail(r, 0, 0, SIZE + 1);
            assertDeviceBroken(r, Violation.AVAIL_IDX_JUMP);
        }
    }

    @Test
    void splitHeadOutOfRangeIsADriverFault() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, SIZE, 0)) {
            splitAvail(r, 0, SIZE, 1);
            assertDeviceBroken(r, Violation.HEAD_OUT_OF_RANGE);
        }
    }

    @Test
    void splitHeadMadeAvailableTwiceIsADriverFault() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, SIZE, 0)) {
            splitDesc(r, 2, r.data.iova(0), 8, 0, 0);
            splitAvail(r, 0, 2, 1);
            assertNotNull(r.dev.pop());
            splitAvail(r, 1, 2, 2);
            assertDeviceBroken(r, Violation.ID_IN_USE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NEXT_OUT_OF_RANGE", "DESCRIPTOR_LOOP", "READABLE_AFTER_WRITABLE", "UNMAPPED_BUFFER",
        "INDIRECT_NOT_NEGOTIATED"})
    void splitChainsThatBreakTheRulesAreDriverFaults(String which) throws Exception {
        Violation v = Violation.valueOf(which);
        try (Rig r = Rig.of(Rig.Kind.SPLIT, SIZE, 0)) {
            long buf = r.data.iova(0);
            switch (v) {
                case NEXT_OUT_OF_RANGE -> splitDesc(r, 0, buf, 8, SplitLayout.F_NEXT, SIZE);
                case DESCRIPTOR_LOOP -> {
                    splitDesc(r, 0, buf, 8, SplitLayout.F_NEXT, 1);
                    splitDesc(r, 1, buf, 8, SplitLayout.F_NEXT, 0);
                }
                case READABLE_AFTER_WRITABLE -> {
                    splitDesc(r, 0, buf, 8, SplitLayout.F_WRITE | SplitLayout.F_NEXT, 1);
                    splitDesc(r, 1, buf, 8, 0, 0);
                }
                case UNMAPPED_BUFFER -> splitDesc(r, 0, 0x1000, 8, 0, 0);
                case INDIRECT_NOT_NEGOTIATED -> splitDesc(r, 0, buf, 16, SplitLayout.F_INDIRECT, 0);
                default -> throw new AssertionError(v);
            }
            splitAvail(r, 0, 0, 1);
            assertDeviceBroken(r, v);
        }
    }

    // ------------------------------------------------------------------ device side: bad packed lists

    private static void packedDesc(Rig r, int pos, long addr, int len, int id, int flags) {
        MemorySegment ring = packedRing(r);
        long off = PackedLayout.descOffset(pos);
        ring.set(LE64, off + PackedLayout.DESC_ADDR, addr);
        ring.set(LE32, off + PackedLayout.DESC_LEN, len);
        ring.set(LE16, off + PackedLayout.DESC_ID, (short) id);
        ring.set(LE16, off + PackedLayout.DESC_FLAGS, (short) flags);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CHAIN_NOT_AVAILABLE", "INDIRECT_IN_CHAIN", "READABLE_AFTER_WRITABLE", "UNMAPPED_BUFFER"})
    void packedListsThatBreakTheRulesAreDriverFaults(String which) throws Exception {
        Violation v = Violation.valueOf(which);
        int avail = PackedLayout.F_AVAIL; // available in lap 1: AVAIL set, USED clear
        try (Rig r = Rig.of(Rig.Kind.PACKED, SIZE, 0)) {
            long buf = r.data.iova(0);
            switch (v) {
                case CHAIN_NOT_AVAILABLE -> {
                    packedDesc(r, 1, buf, 8, 0, 0); // written but never made available
                    packedDesc(r, 0, buf, 8, 0, avail | PackedLayout.F_NEXT);
                }
                case INDIRECT_IN_CHAIN -> {
                    packedDesc(r, 1, buf, 16, 0, avail | PackedLayout.F_INDIRECT);
                    packedDesc(r, 0, buf, 8, 0, avail | PackedLayout.F_NEXT);
                }
                case READABLE_AFTER_WRITABLE -> {
                    packedDesc(r, 1, buf, 8, 0, avail);
                    packedDesc(r, 0, buf, 8, 0, avail | PackedLayout.F_WRITE | PackedLayout.F_NEXT);
                }
                case UNMAPPED_BUFFER -> packedDesc(r, 0, 0x1000, 8, 0, avail);
                default -> throw new AssertionError(v);
            }
            assertDeviceBroken(r, v);
        }
    }

    @Test
    void packedBufferIdMadeAvailableTwiceIsADriverFault() throws Exception {
        int avail = PackedLayout.F_AVAIL;
        try (Rig r = Rig.of(Rig.Kind.PACKED, SIZE, 0)) {
            packedDesc(r, 0, r.data.iova(0), 8, 5, avail);
            packedDesc(r, 1, r.data.iova(0), 8, 5, avail);
            assertEquals(5, r.dev.pop().id());
            assertDeviceBroken(r, Violation.ID_IN_USE);
        }
    }

    @Test
    void packedDescriptorsNotYetAvailableAreNotPopped() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, SIZE, 0)) {
            // Wrong lap: AVAIL clear and USED set is "available" only when the wrap counter is 0.
            packedDesc(r, 0, r.data.iova(0), 8, 1, PackedLayout.F_USED);
            assertNull(r.dev.pop());
            assertTrue(!r.dev.isBroken());
        }
    }

    // ------------------------------------------------------------------ software IOMMU refusals

    @Test
    void theSoftwareIommuRefusesWhatARealOneWould() throws Exception {
        try (SoftwareIommu iommu = new SoftwareIommu(); Arena arena = Arena.ofConfined()) {
            iommu.map(arena.allocate(8192, 4096), 0x10000, DmaAccess.READ);
            var t = new dev.jvirtio.dma.DeviceMemory.Translation();
            iommu.translate(0x10010, 16, DmaAccess.READ, t);
            assertEquals(0x10, t.offset());
            assertRefused(iommu, 0x20000, 8, DmaAccess.READ, DmaFaultException.Reason.UNMAPPED);
            assertRefused(iommu, 0x8000, 8, DmaAccess.READ, DmaFaultException.Reason.UNMAPPED);
            assertRefused(iommu, 0x11ff8, 16, DmaAccess.READ, DmaFaultException.Reason.CROSSES_MAPPING_END);
            assertRefused(iommu, 0x10000, 8, DmaAccess.WRITE, DmaFaultException.Reason.ACCESS_DENIED);
            assertRefused(iommu, -1, 8, DmaAccess.READ, DmaFaultException.Reason.INVALID_ADDRESS);
            assertRefused(iommu, Long.MAX_VALUE, 8, DmaAccess.READ, DmaFaultException.Reason.INVALID_ADDRESS);
            iommu.close();
            assertRefused(iommu, 0x10000, 8, DmaAccess.READ, DmaFaultException.Reason.IOMMU_CLOSED);
        }
    }

    private static void assertRefused(SoftwareIommu iommu, long iova, long len, DmaAccess access,
                                      DmaFaultException.Reason reason) {
        DmaFaultException e = assertThrows(DmaFaultException.class,
                () -> iommu.translate(iova, len, access, new dev.jvirtio.dma.DeviceMemory.Translation()));
        assertEquals(reason, e.reason());
        assertEquals(iova, e.iova());
    }
}
