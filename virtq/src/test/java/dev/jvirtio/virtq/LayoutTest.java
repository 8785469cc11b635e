package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.virtq.packed.PackedLayout;
import dev.jvirtio.virtq.packed.PackedVirtqueue;
import dev.jvirtio.virtq.split.SplitLayout;
import dev.jvirtio.virtq.split.SplitVirtqueue;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layout facts from the virtio 1.3 text (sections 2.7 and 2.8), written here as literal numbers and
 * checked against both the layout classes and the bytes the queues actually write.
 */
class LayoutTest {
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 256, 32768})
    void splitAreaSizesAndOffsets(int n) {
        assertEquals(16L * n, SplitLayout.descTableSize(n));
        assertEquals(6L + 2L * n, SplitLayout.availSize(n));
        assertEquals(6L + 8L * n, SplitLayout.usedSize(n));
        assertEquals(4L + 2L * n, SplitLayout.usedEventOffset(n));     // avail: flags@0 idx@2 ring@4, used_event after ring
        assertEquals(4L + 8L * n, SplitLayout.availEventOffset(n));    // used: flags@0 idx@2 ring@4 (8 B each), avail_event after
        assertEquals(4L + 2L * (n - 1), SplitLayout.availRingOffset(n - 1));
        assertEquals(4L + 8L * (n - 1), SplitLayout.usedElemOffset(n - 1));
        assertEquals(16L * (n - 1), SplitLayout.descOffset(n - 1));
        // Single region: descriptor table at 0 (align 16), avail right after (align 2), used aligned to 4.
        assertEquals(16L * n, SplitLayout.availAreaOffset(n));
        long used = SplitLayout.usedAreaOffset(n);
        assertEquals(0, used % 4);
        assertTrue(used >= 16L * n + 6 + 2L * n);
        assertEquals(used + 6 + 8L * n, SplitLayout.totalSize(n));
    }

    @Test
    void splitConstantsMatchTheSpec() {
        assertEquals(1, SplitLayout.F_NEXT);
        assertEquals(2, SplitLayout.F_WRITE);
        assertEquals(4, SplitLayout.F_INDIRECT);
        assertEquals(1, SplitLayout.AVAIL_F_NO_INTERRUPT);
        assertEquals(1, SplitLayout.USED_F_NO_NOTIFY);
        assertEquals(16, SplitLayout.DESC_ALIGN);
        assertEquals(2, SplitLayout.AVAIL_ALIGN);
        assertEquals(4, SplitLayout.USED_ALIGN);
        assertTrue(SplitLayout.isValidSize(32768));
        assertFalse(SplitLayout.isValidSize(65536));
        assertFalse(SplitLayout.isValidSize(12));
        assertFalse(SplitLayout.isValidSize(0));
    }

    @Test
    void packedSizesOffsetsAndFlags() {
        assertEquals(16L * 5, PackedLayout.ringSize(5));
        assertEquals(1, PackedLayout.F_NEXT);
        assertEquals(2, PackedLayout.F_WRITE);
        assertEquals(4, PackedLayout.F_INDIRECT);
        assertEquals(0x80, PackedLayout.F_AVAIL);
        assertEquals(0x8000, PackedLayout.F_USED);
        assertEquals(0, PackedLayout.RING_EVENT_FLAGS_ENABLE);
        assertEquals(1, PackedLayout.RING_EVENT_FLAGS_DISABLE);
        assertEquals(2, PackedLayout.RING_EVENT_FLAGS_DESC);
        assertEquals(4, PackedLayout.EVENT_SIZE);
        assertEquals(0x8000 | 7, PackedLayout.offWrap(7, true));
        assertEquals(7, PackedLayout.offWrap(7, false));
        assertTrue(PackedLayout.isValidSize(3));
        assertTrue(PackedLayout.isValidSize(32768));
        assertFalse(PackedLayout.isValidSize(32769));
        assertEquals(0, PackedLayout.driverEventOffset(5) % 4);
        assertEquals(0, PackedLayout.deviceEventOffset(5) % 4);
    }

    @Test
    void splitQueueWritesDescriptorsAndAvailRingAtSpecOffsets() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, 0)) {
            SplitVirtqueue q = (SplitVirtqueue) r.q;
            int head = q.begin().readable(r.data, 0x10, 0x20).writable(r.data, 0x100, 0x40).commit(1);
            q.publish();
            MemorySegment desc = r.iommu.segment(q.descriptorAreaIova(), 16 * 8, dev.jvirtio.dma.DmaAccess.READ);
            MemorySegment avail = r.iommu.segment(q.driverAreaIova(), 6 + 2 * 8, dev.jvirtio.dma.DmaAccess.READ);
            long d0 = 16L * head;
            assertEquals(r.data.iova(0x10), desc.get(LE64, d0));       // addr@0
            assertEquals(0x20, desc.get(LE32, d0 + 8));               // len@8
            assertEquals(1, desc.get(LE16, d0 + 12));                 // flags@12 = NEXT
            int next = desc.get(LE16, d0 + 14);                        // next@14
            long d1 = 16L * next;
            assertEquals(r.data.iova(0x100), desc.get(LE64, d1));
            assertEquals(0x40, desc.get(LE32, d1 + 8));
            assertEquals(2, desc.get(LE16, d1 + 12));                 // WRITE, no NEXT
            assertEquals(1, avail.get(LE16, 2));                      // avail idx@2
            assertEquals(head, avail.get(LE16, 4));                   // ring[0]@4
            assertEquals(1, avail.get(LE16, 0), "polled queues set NO_INTERRUPT without EVENT_IDX");
            assertEquals(0, q.deviceAreaIova() % 4);
            assertEquals(0, q.descriptorAreaIova() % 16);
        }
    }

    @Test
    void splitEventIdxFieldsLiveAtSpecOffsets() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, RingFeatures.EVENT_IDX)) {
            Virtqueue q = r.q;
            MemorySegment avail = r.iommu.segment(q.driverAreaIova(), 6 + 2 * 8, dev.jvirtio.dma.DmaAccess.READ);
            MemorySegment used = r.iommu.segment(q.deviceAreaIova(), 6 + 8 * 8, dev.jvirtio.dma.DmaAccess.READ_WRITE);
            assertEquals(0, avail.get(LE16, 0), "flags stay 0 with EVENT_IDX");
            q.enableUsedNotifications();
            assertEquals(0, avail.get(LE16, 4 + 2 * 8), "used_event@4+2N asks for the next entry");
            q.disableUsedNotifications();
            assertEquals((short) 0xffff, avail.get(LE16, 4 + 2 * 8));
            // Device side writes avail_event@4+8N; the driver must honour it.
            used.set(LE16, 4 + 8 * 8, (short) 1);
            q.begin().readable(r.data, 0, 8).commit(0);
            assertFalse(q.publish(), "avail idx 0->1 does not pass avail_event 1");
            q.begin().readable(r.data, 0, 8).commit(0);
            assertTrue(q.publish(), "avail idx 1->2 passes avail_event 1");
        }
    }

    @Test
    void packedQueueWritesDescriptorsAtSpecOffsets() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 5, 0)) {
            PackedVirtqueue q = (PackedVirtqueue) r.q;
            int id = q.begin().readable(r.data, 0x10, 0x20).writable(r.data, 0x100, 0x40).commit(1);
            MemorySegment ring = r.iommu.segment(q.descriptorAreaIova(), 16 * 5, dev.jvirtio.dma.DmaAccess.READ);
            assertEquals(0, ring.get(LE16, 14), "the head's flags are written only at publish");
            assertEquals(0x80 | 0x2, ring.get(LE16, 16 + 14) & 0xffff, "second: AVAIL (wrap 1) | WRITE");
            q.publish();
            assertEquals(r.data.iova(0x10), ring.get(LE64, 0));       // addr@0
            assertEquals(0x20, ring.get(LE32, 8));                    // len@8
            assertEquals(id, ring.get(LE16, 16 + 12));                // id@12 (on the last descriptor)
            assertEquals(0x80 | 0x1, ring.get(LE16, 14) & 0xffff);    // flags@14: AVAIL | NEXT, USED clear
            MemorySegment drv = r.iommu.segment(q.driverAreaIova(), 4, dev.jvirtio.dma.DmaAccess.READ);
            assertEquals(1, drv.get(LE16, 2), "driver event flags DISABLE while polling");
        }
    }
}
