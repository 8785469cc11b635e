package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.DmaFaultException;
import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.dma.SoftwareIommu;
import dev.jvirtio.virtq.device.DeviceChain;
import dev.jvirtio.virtq.device.DriverFaultException;
import dev.jvirtio.virtq.device.DriverFaultException.Violation;
import dev.jvirtio.virtq.device.PackedDeviceQueue;
import dev.jvirtio.virtq.device.SplitDeviceQueue;
import dev.jvirtio.virtq.packed.PackedLayout;
import dev.jvirtio.virtq.split.SplitLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hand-written hostile rings: the device side must refuse each with a typed DriverFaultException. */
class MaliciousDriverTest {
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int N = 8;
    private static final long ALL = RingFeatures.INDIRECT_DESC;

    private SoftwareIommu iommu;
    private DmaPool pool;
    private DmaRegion ring;
    private DmaRegion buf;
    private MemorySegment mem;
    private long b; // a mapped buffer IOVA

    @BeforeEach
    void setUp() throws Exception {
        iommu = new SoftwareIommu();
        pool = DmaPool.softwareIommu(iommu);
        ring = pool.allocate(SplitLayout.totalSize(N), 4096);
        buf = pool.allocate(65536, 4096);
        mem = ring.segment();
        b = buf.iova();
    }

    @AfterEach
    void tearDown() {
        pool.close();
        iommu.close();
    }

    // ---------------------------------------------------------------- split helpers

    private SplitDeviceQueue split(long features) {
        return new SplitDeviceQueue(iommu, N, features, ring.iova(), ring.iova(SplitLayout.availAreaOffset(N)),
                ring.iova(SplitLayout.usedAreaOffset(N)));
    }

    private void desc(MemorySegment table, int i, long addr, int len, int flags, int next) {
        table.set(LE64, 16L * i, addr);
        table.set(LE32, 16L * i + 8, len);
        table.set(LE16, 16L * i + 12, (short) flags);
        table.set(LE16, 16L * i + 14, (short) next);
    }

    private void desc(int i, long addr, int len, int flags, int next) {
        desc(mem, i, addr, len, flags, next);
    }

    private void avail(int... heads) {
        long a = SplitLayout.availAreaOffset(N);
        for (int k = 0; k < heads.length; k++) {
            mem.set(LE16, a + 4 + 2L * (k % N), (short) heads[k]);
        }
        mem.set(LE16, a + 2, (short) heads.length);
    }

    private static DriverFaultException expect(Violation v, SplitDeviceQueue dq) {
        DriverFaultException e = assertThrows(DriverFaultException.class, dq::pop);
        assertEquals(v, e.violation(), e.getMessage());
        assertTrue(dq.isBroken());
        assertSame(e, assertThrows(DriverFaultException.class, dq::pop), "stays broken until reset");
        return e;
    }

    @Test
    void splitDescriptorLoop() {
        desc(0, b, 8, SplitLayout.F_NEXT, 1);
        desc(1, b, 8, SplitLayout.F_NEXT, 0);
        avail(0);
        expect(Violation.DESCRIPTOR_LOOP, split(0));
    }

    @Test
    void splitSelfLoop() {
        desc(3, b, 8, SplitLayout.F_NEXT, 3);
        avail(3);
        expect(Violation.DESCRIPTOR_LOOP, split(0));
    }

    @Test
    void splitChainOfExactlyQueueSizeIsFine() {
        for (int i = 0; i < N; i++) {
            desc(i, b + 64L * i, 8, i + 1 < N ? SplitLayout.F_NEXT : 0, i + 1 < N ? i + 1 : 0);
        }
        avail(0);
        assertEquals(N, split(0).pop().count());
    }

    @Test
    void splitHeadOutOfRange() {
        avail(N);
        assertEquals(N, expect(Violation.HEAD_OUT_OF_RANGE, split(0)).where());
    }

    @Test
    void splitNextOutOfRange() {
        desc(0, b, 8, SplitLayout.F_NEXT, 0xffff);
        avail(0);
        expect(Violation.NEXT_OUT_OF_RANGE, split(0));
    }

    @Test
    void splitAvailIdxJump() {
        mem.set(LE16, SplitLayout.availAreaOffset(N) + 2, (short) (N + 1));
        expect(Violation.AVAIL_IDX_JUMP, split(0));
    }

    @Test
    void splitIndirectWithoutFeature() {
        desc(0, b, 32, SplitLayout.F_INDIRECT, 0);
        avail(0);
        expect(Violation.INDIRECT_NOT_NEGOTIATED, split(0));
    }

    @Test
    void splitIndirectWithNext() {
        desc(0, b, 32, SplitLayout.F_INDIRECT | SplitLayout.F_NEXT, 1);
        avail(0);
        expect(Violation.INDIRECT_WITH_NEXT, split(ALL));
    }

    @Test
    void splitIndirectTableLengthNotMultipleOf16() {
        desc(0, b, 24, SplitLayout.F_INDIRECT, 0);
        avail(0);
        expect(Violation.INDIRECT_TABLE_LENGTH, split(ALL));
    }

    @Test
    void splitIndirectTableLengthZero() {
        desc(0, b, 0, SplitLayout.F_INDIRECT, 0);
        avail(0);
        expect(Violation.INDIRECT_TABLE_LENGTH, split(ALL));
    }

    @Test
    void splitNestedIndirect() {
        MemorySegment table = buf.segment();
        desc(table, 0, b + 4096, 16, SplitLayout.F_INDIRECT, 0);
        desc(0, b, 16, SplitLayout.F_INDIRECT, 0);
        avail(0);
        expect(Violation.NESTED_INDIRECT, split(ALL));
    }

    @Test
    void splitLoopInsideIndirectTable() {
        MemorySegment table = buf.segment();
        desc(table, 0, b + 4096, 8, SplitLayout.F_NEXT, 1);
        desc(table, 1, b + 4096, 8, SplitLayout.F_NEXT, 0);
        desc(0, b, 32, SplitLayout.F_INDIRECT, 0);
        avail(0);
        expect(Violation.DESCRIPTOR_LOOP, split(ALL));
    }

    @Test
    void splitIndirectNextOutsideTable() {
        MemorySegment table = buf.segment();
        desc(table, 0, b + 4096, 8, SplitLayout.F_NEXT, 2);
        desc(0, b, 32, SplitLayout.F_INDIRECT, 0);
        avail(0);
        expect(Violation.NEXT_OUT_OF_RANGE, split(ALL));
    }

    @Test
    void splitDirectThenIndirectIsValid() {
        MemorySegment table = buf.segment();
        desc(table, 0, b + 4096, 8, 0, 0);
        desc(table, 1, b + 8192, 8, SplitLayout.F_WRITE, 0);
        desc(table, 0, b + 4096, 8, SplitLayout.F_NEXT, 1);
        desc(0, b + 100, 4, SplitLayout.F_NEXT, 5);
        desc(5, b, 32, SplitLayout.F_INDIRECT | SplitLayout.F_WRITE, 0); // WRITE on the table descriptor is ignored
        avail(0);
        DeviceChain c = split(ALL).pop();
        assertEquals(3, c.count());
        assertEquals(2, c.readableCount());
        assertEquals(b + 8192, c.iova(2));
    }

    @Test
    void splitReadableAfterWritable() {
        desc(0, b, 8, SplitLayout.F_WRITE | SplitLayout.F_NEXT, 1);
        desc(1, b + 64, 8, 0, 0);
        avail(0);
        expect(Violation.READABLE_AFTER_WRITABLE, split(0));
    }

    @Test
    void splitReadableAfterWritableAcrossIndirect() {
        MemorySegment table = buf.segment();
        desc(table, 0, b + 4096, 8, 0, 0);
        desc(0, b + 100, 4, SplitLayout.F_WRITE | SplitLayout.F_NEXT, 1);
        desc(1, b, 16, SplitLayout.F_INDIRECT, 0);
        avail(0);
        expect(Violation.READABLE_AFTER_WRITABLE, split(ALL));
    }

    @Test
    @SuppressWarnings("restricted") // a 4 GiB window that is translated but never accessed
    void splitChainOf4GiB() {
        // A 4 GiB window that is only translated, never touched: the check fires before any access.
        long big = 0x1_0000_0000L;
        iommu.map(MemorySegment.NULL.reinterpret(1L << 32), big, DmaAccess.READ_WRITE);
        desc(0, big, -1, SplitLayout.F_NEXT, 1);     // 0xffffffff bytes
        desc(1, b, 1, 0, 0);
        avail(0);
        expect(Violation.CHAIN_TOO_LARGE, split(0));
        iommu.unmap(big, 1L << 32);
    }

    @Test
    void splitUnmappedBuffer() {
        desc(0, 0x1000, 8, 0, 0);
        avail(0);
        DriverFaultException e = expect(Violation.UNMAPPED_BUFFER, split(0));
        DmaFaultException cause = assertInstanceOf(DmaFaultException.class, e.getCause());
        assertEquals(DmaFaultException.Reason.UNMAPPED, cause.reason());
        assertEquals(0x1000, cause.iova());
    }

    @Test
    void splitBufferRunningPastItsMapping() {
        desc(0, b + 65536 - 4, 8, 0, 0);
        avail(0);
        DriverFaultException e = expect(Violation.UNMAPPED_BUFFER, split(0));
        assertEquals(DmaFaultException.Reason.CROSSES_MAPPING_END, ((DmaFaultException) e.getCause()).reason());
    }

    @Test
    void splitWritableBufferInReadOnlyMapping() {
        try (Arena a = Arena.ofShared()) {
            MemorySegment ro = a.allocate(4096, 4096);
            iommu.map(ro, 0x4000_0000L, DmaAccess.READ);
            desc(0, 0x4000_0000L, 8, SplitLayout.F_WRITE, 0);
            avail(0);
            DriverFaultException e = expect(Violation.UNMAPPED_BUFFER, split(0));
            assertEquals(DmaFaultException.Reason.ACCESS_DENIED, ((DmaFaultException) e.getCause()).reason());
            iommu.unmap(0x4000_0000L, 4096);
        }
    }

    @Test
    void splitUnmappedRing() {
        DriverFaultException e = assertThrows(DriverFaultException.class,
                () -> new SplitDeviceQueue(iommu, N, 0, 0x2000, ring.iova(), ring.iova()));
        assertEquals(Violation.UNMAPPED_RING, e.violation());
    }

    @Test
    void splitHeadReusedWhileInFlightThenRecoveryByReset() {
        desc(0, b, 8, 0, 0);
        avail(0, 0);
        SplitDeviceQueue dq = split(0);
        assertEquals(0, dq.pop().id());
        expect(Violation.ID_IN_USE, dq);
        dq.reset();
        assertFalse(dq.isBroken());
        assertEquals(0, dq.pop().id(), "after reset the device starts from avail idx 0 again");
    }

    @Test
    void deviceRefusesToPushWhatItDidNotPop() {
        desc(0, b, 8, SplitLayout.F_WRITE, 0);
        avail(0);
        SplitDeviceQueue dq = split(0);
        assertThrows(IllegalStateException.class, () -> dq.push(0, 0));
        dq.pop();
        assertThrows(IllegalArgumentException.class, () -> dq.push(0, 9));
        dq.push(0, 8);
        assertThrows(IllegalStateException.class, () -> dq.push(0, 8));
    }

    // ---------------------------------------------------------------- packed

    private static final int AV = PackedLayout.F_AVAIL; // available in lap 1 (wrap counter 1)

    private PackedDeviceQueue packed(long features) {
        return new PackedDeviceQueue(iommu, N, features, ring.iova(), ring.iova(PackedLayout.driverEventOffset(N)),
                ring.iova(PackedLayout.deviceEventOffset(N)));
    }

    private void pdesc(MemorySegment seg, int i, long addr, int len, int id, int flags) {
        seg.set(LE64, 16L * i, addr);
        seg.set(LE32, 16L * i + 8, len);
        seg.set(LE16, 16L * i + 12, (short) id);
        seg.set(LE16, 16L * i + 14, (short) flags);
    }

    private static DriverFaultException expect(Violation v, PackedDeviceQueue dq) {
        DriverFaultException e = assertThrows(DriverFaultException.class, dq::pop);
        assertEquals(v, e.violation(), e.getMessage());
        assertSame(e, assertThrows(DriverFaultException.class, dq::pop));
        return e;
    }

    @Test
    void packedListLongerThanQueue() {
        for (int i = 0; i < N; i++) {
            pdesc(mem, i, b, 8, 0, AV | PackedLayout.F_NEXT);
        }
        expect(Violation.DESCRIPTOR_LOOP, packed(0));
    }

    @Test
    void packedNextIntoUnavailableDescriptor() {
        pdesc(mem, 0, b, 8, 0, AV | PackedLayout.F_NEXT);
        pdesc(mem, 1, b, 8, 0, 0);
        expect(Violation.CHAIN_NOT_AVAILABLE, packed(0));
    }

    @Test
    void packedIndirectInsideList() {
        pdesc(mem, 0, b, 8, 0, AV | PackedLayout.F_NEXT);
        pdesc(mem, 1, b, 16, 0, AV | PackedLayout.F_INDIRECT);
        expect(Violation.INDIRECT_IN_CHAIN, packed(ALL));
    }

    @Test
    void packedIndirectWithNext() {
        pdesc(mem, 0, b, 16, 0, AV | PackedLayout.F_INDIRECT | PackedLayout.F_NEXT);
        expect(Violation.INDIRECT_WITH_NEXT, packed(ALL));
    }

    @Test
    void packedIndirectWithoutFeature() {
        pdesc(mem, 0, b, 16, 0, AV | PackedLayout.F_INDIRECT);
        expect(Violation.INDIRECT_NOT_NEGOTIATED, packed(0));
    }

    @Test
    void packedIndirectTableLength() {
        pdesc(mem, 0, b, 20, 0, AV | PackedLayout.F_INDIRECT);
        expect(Violation.INDIRECT_TABLE_LENGTH, packed(ALL));
    }

    @Test
    void packedNestedIndirect() {
        pdesc(buf.segment(), 1, b + 4096, 16, 0, PackedLayout.F_INDIRECT);
        pdesc(mem, 0, b, 32, 0, AV | PackedLayout.F_INDIRECT);
        expect(Violation.NESTED_INDIRECT, packed(ALL));
    }

    @Test
    void packedReadableAfterWritable() {
        pdesc(mem, 0, b, 8, 0, AV | PackedLayout.F_WRITE | PackedLayout.F_NEXT);
        pdesc(mem, 1, b, 8, 0, AV);
        expect(Violation.READABLE_AFTER_WRITABLE, packed(0));
    }

    @Test
    void packedUnmappedIndirectTable() {
        pdesc(mem, 0, 0x3000, 32, 0, AV | PackedLayout.F_INDIRECT);
        expect(Violation.UNMAPPED_BUFFER, packed(ALL));
    }

    @Test
    void packedBufferIdReusedWhileInFlight() {
        pdesc(mem, 0, b, 8, 5, AV);
        pdesc(mem, 1, b, 8, 5, AV);
        PackedDeviceQueue dq = packed(0);
        assertEquals(5, dq.pop().id());
        assertEquals(5, expect(Violation.ID_IN_USE, dq).where());
    }

    @Test
    void packedIdIsTakenFromTheLastDescriptor() {
        pdesc(mem, 0, b, 8, 1, AV | PackedLayout.F_NEXT);
        pdesc(mem, 1, b + 64, 8, 9, AV | PackedLayout.F_WRITE);
        DeviceChain c = packed(0).pop();
        assertEquals(9, c.id());
        assertEquals(2, c.count());
    }
}
