package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.virtq.device.DeviceChain;
import dev.jvirtio.virtq.device.PackedDeviceQueue;
import dev.jvirtio.virtq.device.SplitDeviceQueue;
import dev.jvirtio.virtq.packed.PackedLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * What each side writes, read back as raw little-endian bytes at offsets written here as literal numbers
 * from the virtio 1.3 text. Our driver and our device share the layout constants, so a wrong constant
 * would let every round-trip test pass; these tests compare against the spec instead.
 *
 * <ul>
 *   <li>split: 2.7.6 (available ring: flags@0, idx@2, ring[N]@4, used_event@4+2N), 2.7.7 and 2.7.10
 *       (notification suppression), 2.7.8 (used ring: flags@0, idx@2, ring[N] of {le32 id, le32 len}@4,
 *       avail_event@4+8N);</li>
 *   <li>packed: 2.8.1 (AVAIL bit 7 / USED bit 15 against the wrap counters), 2.8.3 (WRITE in a used
 *       descriptor: the device wrote data), 2.8.10 (flags ENABLE 0, DISABLE 1, DESC 2), 2.8.13 (descriptor:
 *       addr@0, len@8, id@12, flags@14), 2.8.14 (event suppression: off_wrap@0 = off:15 | wrap:1, flags@2).</li>
 * </ul>
 */
class RawRingLayoutTest {
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int AVAIL_BIT = 1 << 7;
    private static final int USED_BIT = 1 << 15;
    private static final int WRITE_BIT = 2;

    private static int u16(MemorySegment m, long off) {
        return m.get(LE16, off) & 0xffff;
    }

    private static long u32(MemorySegment m, long off) {
        return m.get(LE32, off) & 0xffff_ffffL;
    }

    /** One chain through the whole cycle; the device reports {@code len} bytes written. */
    private static void roundTrip(Rig r, int readable, int writable, long len) {
        ChainBuilder b = r.q.begin();
        for (int i = 0; i < readable; i++) {
            b.readable(r.data, 64L * i, 64);
        }
        for (int i = 0; i < writable; i++) {
            b.writable(r.data, 4096 + 64L * i, 64);
        }
        assertTrue(b.commit(7) >= 0);
        r.q.kick();
        DeviceChain c = r.dev.pop();
        r.dev.push(c.id(), len);
        r.dev.publishUsed();
        assertEquals(7, r.q.poll());
    }

    // ------------------------------------------------------------------ split, device side

    /** avail_event (le16 at used + 4 + 8N) is the device's next avail index after enableNotifications(). */
    @Test
    void splitDeviceWritesAvailEventAfterTheUsedRing() throws Exception {
        int n = 8;
        try (Rig r = Rig.of(Rig.Kind.SPLIT, n, RingFeatures.EVENT_IDX)) {
            SplitDeviceQueue dev = (SplitDeviceQueue) r.dev;
            MemorySegment used = r.iommu.segment(r.q.deviceAreaIova(), 6 + 8 * n, DmaAccess.READ);
            for (int round = 0; round < 2 * n + 3; round++) {   // past the ring's end twice
                assertFalse(dev.enableNotifications(), "nothing pending, round " + round);
                assertEquals(round, dev.lastAvailIdx());
                assertEquals(dev.lastAvailIdx(), u16(used, 4 + 8 * n), "avail_event, round " + round);
                assertEquals(0, u16(used, 0), "with EVENT_IDX the device keeps used flags 0 (2.7.10)");
                dev.disableNotifications();
                assertEquals(0, u16(used, 0), "disable with EVENT_IDX leaves flags 0 too");
                assertEquals(round, u16(used, 4 + 8 * n), "and avail_event where it was");
                roundTrip(r, 1, 1, 8);
            }
            // A chain published while the device is not looking: enable reports it.
            r.q.begin().readable(r.data, 0, 8).commit(1);
            r.q.publish();
            assertTrue(dev.enableNotifications());
            assertEquals(2 * n + 3, u16(used, 4 + 8 * n));
        }
    }

    /** Without EVENT_IDX the device's only lever is used flags bit 0 (VIRTQ_USED_F_NO_NOTIFY). */
    @Test
    void splitDeviceTogglesNoNotifyInUsedFlags() throws Exception {
        int n = 4;
        try (Rig r = Rig.of(Rig.Kind.SPLIT, n, 0)) {
            MemorySegment used = r.iommu.segment(r.q.deviceAreaIova(), 6 + 8 * n, DmaAccess.READ);
            assertEquals(0, u16(used, 0), "the driver initialises used flags to 0 (2.7.10)");
            r.dev.disableNotifications();
            assertEquals(1, u16(used, 0));
            r.dev.enableNotifications();
            assertEquals(0, u16(used, 0));
            assertEquals(0, u16(used, 4 + 8 * n), "avail_event untouched without EVENT_IDX");
        }
    }

    /** Used elements are {le32 id, le32 len} at used + 4 + 8 * slot; used idx (le16 at +2) moves at publishUsed. */
    @Test
    void splitDeviceWritesUsedElementsAtSpecOffsets() throws Exception {
        int n = 4;
        try (Rig r = Rig.of(Rig.Kind.SPLIT, n, 0)) {
            MemorySegment used = r.iommu.segment(r.q.deviceAreaIova(), 6 + 8 * n, DmaAccess.READ);
            int usedIdx = 0;
            for (int round = 0; round < 5; round++) {             // 15 elements: the ring wraps three times
                int[] ids = new int[3];
                for (int k = 0; k < 3; k++) {
                    ids[k] = r.q.begin().writable(r.data, 4096L * k, 1000).commit(k);
                }
                r.q.kick();
                for (int k = 0; k < 3; k++) {
                    assertEquals(ids[k], r.dev.pop().id());
                }
                // Complete in reverse order with distinct lengths.
                for (int k = 2; k >= 0; k--) {
                    r.dev.push(ids[k], 100 * round + k + 1);
                }
                assertEquals(usedIdx, u16(used, 2), "used idx moves only at publishUsed");
                r.dev.publishUsed();
                for (int k = 2; k >= 0; k--) {
                    int slot = usedIdx & (n - 1);
                    assertEquals(ids[k], u32(used, 4 + 8L * slot), "id of used[" + slot + "]");
                    assertEquals(100 * round + k + 1, u32(used, 4 + 8L * slot + 4), "len of used[" + slot + "]");
                    usedIdx++;
                }
                assertEquals(usedIdx, u16(used, 2), "used idx after publishUsed");
                for (int k = 2; k >= 0; k--) {
                    assertEquals(k, r.q.poll());
                    assertEquals(100 * round + k + 1, r.q.lastUsedLength());
                }
            }
        }
    }

    // ------------------------------------------------------------------ packed, driver side

    /**
     * With EVENT_IDX, enableUsedNotifications() writes off_wrap (le16 at 0) = the driver's next used
     * position | used wrap counter << 15 and flags (le16 at 2) = 2 (RING_EVENT_FLAGS_DESC); poll() keeps
     * off_wrap on the next position while notifications are on; disable writes flags 1.
     */
    @Test
    void packedDriverWritesItsEventSuppressionStructure() throws Exception {
        int n = 5;
        try (Rig r = Rig.of(Rig.Kind.PACKED, n, RingFeatures.EVENT_IDX)) {
            MemorySegment drv = r.iommu.segment(r.q.driverAreaIova(), 4, DmaAccess.READ);
            assertEquals(1, u16(drv, 2), "queues start with used notifications off (DISABLE)");
            long usedSlots = 0;                                     // free-running: slots the driver has reclaimed
            int[] shapes = {1, 3, 2, 1, 3, 3, 1, 2, 2, 3};          // chain lengths: the position skips whole chains
            for (int shape : shapes) {
                assertFalse(r.q.enableUsedNotifications(), "nothing pending");
                int pos = (int) (usedSlots % n);
                int wrap = (usedSlots / n) % 2 == 0 ? 1 : 0;        // wrap counters start at 1 (2.8.1)
                assertEquals(pos | wrap << 15, u16(drv, 0), "off_wrap after " + usedSlots + " slots");
                assertEquals(2, u16(drv, 2), "flags DESC");
                r.q.disableUsedNotifications();
                assertEquals(1, u16(drv, 2), "flags DISABLE");
                r.q.enableUsedNotifications();
                roundTrip(r, shape - 1, 1, 8);                      // poll() re-arms off_wrap
                usedSlots += shape;
                pos = (int) (usedSlots % n);
                wrap = (usedSlots / n) % 2 == 0 ? 1 : 0;
                assertEquals(pos | wrap << 15, u16(drv, 0), "off_wrap re-armed by poll after " + usedSlots);
                assertEquals(2, u16(drv, 2));
            }
            assertTrue(usedSlots > 2 * n, "crossed the ring twice");
        }
    }

    /** Without EVENT_IDX the driver writes flags ENABLE (0) and DISABLE (1) only. */
    @Test
    void packedDriverWithoutEventIdxUsesEnableAndDisable() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 5, 0)) {
            MemorySegment drv = r.iommu.segment(r.q.driverAreaIova(), 4, DmaAccess.READ);
            assertEquals(1, u16(drv, 2));
            r.q.enableUsedNotifications();
            assertEquals(0, u16(drv, 2));
            r.q.disableUsedNotifications();
            assertEquals(1, u16(drv, 2));
        }
    }

    // ------------------------------------------------------------------ packed, device side

    /**
     * A used descriptor takes the chain's first slot: len (le32 at +8), id (le16 at +12), flags (le16 at +14)
     * with AVAIL and USED both equal to the device's wrap counter, WRITE set exactly when len > 0. The
     * first used descriptor of a batch gets its flags only at publishUsed().
     */
    @Test
    void packedDeviceWritesUsedDescriptorsAtSpecOffsets() throws Exception {
        int n = 7;
        try (Rig r = Rig.of(Rig.Kind.PACKED, n, 0)) {
            MemorySegment ring = r.iommu.segment(r.q.descriptorAreaIova(), 16L * n, DmaAccess.READ);
            long slots = 0;                                          // free-running: slots the device has used
            for (int round = 0; round < 6; round++) {
                // A batch: a 3-descriptor chain and a 1-descriptor chain, completed in reverse order.
                int idA = r.q.begin().readable(r.data, 0, 16).writable(r.data, 4096, 64).writable(r.data, 8192, 64)
                        .commit(1);
                int idB = r.q.begin().readable(r.data, 64, 16).commit(2);
                r.q.kick();
                assertEquals(idA, r.dev.pop().id());
                assertEquals(idB, r.dev.pop().id());
                long lenA = round % 2 == 0 ? 0 : 100 + round;      // even rounds: nothing written into A
                long posB = slots % n;
                boolean wrapB = (slots / n) % 2 == 0;
                r.dev.push(idB, 0);
                long posA = (slots + 1) % n;
                boolean wrapA = ((slots + 1) / n) % 2 == 0;
                r.dev.push(idA, lenA);
                int usedB = wrapB ? AVAIL_BIT | USED_BIT : 0;
                int usedA = (wrapA ? AVAIL_BIT | USED_BIT : 0) | (lenA > 0 ? WRITE_BIT : 0);
                assertEquals(usedA, u16(ring, 16 * posA + 14), "later used descriptors of a batch: plain flags");
                assertNotEquals(usedB, u16(ring, 16 * posB + 14) & (AVAIL_BIT | USED_BIT),
                        "the batch's first used descriptor is not yet marked used");
                r.dev.publishUsed();
                assertEquals(0, u32(ring, 16 * posB + 8), "B: len");
                assertEquals(idB, u16(ring, 16 * posB + 12), "B: id");
                assertEquals(usedB, u16(ring, 16 * posB + 14), "B: flags, round " + round);
                assertEquals(lenA, u32(ring, 16 * posA + 8), "A: len");
                assertEquals(idA, u16(ring, 16 * posA + 12), "A: id");
                assertEquals(usedA, u16(ring, 16 * posA + 14), "A: flags, round " + round);
                assertEquals(2, r.q.poll());
                assertEquals(1, r.q.poll());
                assertEquals(lenA, r.q.lastUsedLength());
                slots += 4;                                          // B's slot, then A's three (used at A's first)
            }
            assertTrue(slots > 3 * n, "the device wrap counter flipped several times");
        }
    }

    /** The device's own structure: off_wrap = next position to read | its wrap counter << 15, flags DESC (2). */
    @Test
    void packedDeviceWritesItsEventSuppressionStructure() throws Exception {
        int n = 3;
        try (Rig r = Rig.of(Rig.Kind.PACKED, n, RingFeatures.EVENT_IDX)) {
            PackedDeviceQueue dev = (PackedDeviceQueue) r.dev;
            MemorySegment devEvent = r.iommu.segment(r.q.deviceAreaIova(), 4, DmaAccess.READ);
            assertEquals(0, u16(devEvent, 2), "zero-initialised: ENABLE");
            for (int i = 0; i < 8; i++) {
                assertFalse(dev.enableNotifications());
                int wrap = (i / n) % 2 == 0 ? 1 : 0;
                assertEquals(i % n, dev.nextAvailPosition());
                assertEquals(wrap == 1, dev.availWrapCounter());
                assertEquals(i % n | wrap << 15, u16(devEvent, 0), "off_wrap after " + i);
                assertEquals(2, u16(devEvent, 2), "flags DESC");
                dev.disableNotifications();
                assertEquals(1, u16(devEvent, 2), "flags DISABLE");
                roundTrip(r, 1, 0, 0);
            }
        }
    }

    @Test
    void eventSuppressionConstantsMatchTheSpec() {
        assertEquals(0, PackedLayout.EVENT_OFF_WRAP);
        assertEquals(2, PackedLayout.EVENT_FLAGS);
        assertEquals(4, PackedLayout.EVENT_SIZE);
        assertEquals(4, PackedLayout.EVENT_ALIGN);
        assertEquals(16, PackedLayout.RING_ALIGN);
        assertEquals(0, PackedLayout.DESC_ADDR);
        assertEquals(8, PackedLayout.DESC_LEN);
        assertEquals(12, PackedLayout.DESC_ID);
        assertEquals(14, PackedLayout.DESC_FLAGS);
        assertEquals(16, PackedLayout.DESC_SIZE);
        assertEquals(0x7fff | 0x8000, PackedLayout.offWrap(0x7fff, true));
        assertEquals(0, PackedLayout.offWrap(0x8000, false), "the offset is 15 bits; bit 15 is the wrap counter");
    }
}
