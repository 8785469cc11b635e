package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.virtq.device.DeviceChain;
import org.junit.jupiter.api.Test;

/** Notification suppression decisions (flags and event index, both rings, both directions) and doorbell values. */
class NotificationTest {

    @Test
    void vringNeedEventFormula() {
        assertTrue(EventIdx.needsEvent(0, 1, 0));
        assertFalse(EventIdx.needsEvent(0, 2, 1));
        assertTrue(EventIdx.needsEvent(1, 5, 0));
        assertFalse(EventIdx.needsEvent(5, 5, 0), "event == new has not been passed yet");
        assertTrue(EventIdx.needsEvent(4, 5, 0));
        // Across the 16-bit wrap.
        assertTrue(EventIdx.needsEvent(65535, 1, 65534));
        assertTrue(EventIdx.needsEvent(0, 1, 65534));
        assertFalse(EventIdx.needsEvent(2, 1, 65534));
        assertFalse(EventIdx.needsEvent(65533, 1, 65534));
        // Nothing moved: never notify.
        assertFalse(EventIdx.needsEvent(7, 7, 7));
    }

    @Test
    void splitDriverHonoursNoNotifyFlag() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, 0)) {
            r.q.begin().readable(r.data, 0, 8).commit(1);
            assertTrue(r.q.kick(), "used.flags starts at 0: notify");
            r.dev.disableNotifications();
            r.q.begin().readable(r.data, 0, 8).commit(2);
            assertFalse(r.q.kick(), "NO_NOTIFY set by the device");
            assertFalse(r.q.kick(), "nothing new: no notify");
            assertTrue(r.dev.enableNotifications(), "buffers are pending");
            r.q.begin().readable(r.data, 0, 8).commit(3);
            assertTrue(r.q.kick());
            assertEquals(2, r.doorbellRings);
            assertEquals(3, r.lastDoorbellValue, "doorbell carries the queue index");
        }
    }

    @Test
    void splitDriverEventIdxDecisions() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, RingFeatures.EVENT_IDX)) {
            assertFalse(r.dev.enableNotifications());           // avail_event = 0
            r.q.begin().readable(r.data, 0, 8).commit(1);
            assertTrue(r.q.kick(), "idx 0->1 passes avail_event 0");
            r.q.begin().readable(r.data, 0, 8).commit(2);
            assertFalse(r.q.kick(), "idx 1->2 does not pass avail_event 0");
            assertNotNull(r.dev.pop());
            assertNotNull(r.dev.pop());
            assertFalse(r.dev.enableNotifications());           // avail_event = 2
            for (int i = 0; i < 3; i++) {
                r.q.begin().readable(r.data, 0, 8).commit(10 + i);
            }
            assertTrue(r.q.kick(), "batch 2->5 passes avail_event 2: one notification for the batch");
            assertEquals(2, r.doorbellRings);
            r.dev.disableNotifications(); // avail_event stays 2
            r.q.begin().readable(r.data, 0, 8).commit(20);
            assertFalse(r.q.kick());
        }
    }

    @Test
    void splitDeviceInterruptDecisions() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, 0)) {
            for (int i = 0; i < 3; i++) {
                r.q.begin().writable(r.data, 0, 8).commit(i);
            }
            r.q.kick();
            r.dev.push(r.dev.pop().id(), 0);
            assertFalse(r.dev.publishUsed(), "the driver polls: NO_INTERRUPT");
            assertTrue(r.q.enableUsedNotifications(), "one used buffer is pending");
            r.dev.push(r.dev.pop().id(), 0);
            assertTrue(r.dev.publishUsed(), "flags 0: interrupt");
            assertFalse(r.dev.publishUsed(), "nothing new: no interrupt");
        }
        try (Rig r = Rig.of(Rig.Kind.SPLIT, 8, RingFeatures.EVENT_IDX)) {
            for (int i = 0; i < 4; i++) {
                r.q.begin().writable(r.data, 0, 8).commit(i);
            }
            r.q.kick();
            int[] ids = new int[4];
            for (int i = 0; i < 4; i++) {
                ids[i] = r.dev.pop().id();
            }
            assertFalse(r.q.enableUsedNotifications());         // used_event = 0
            r.dev.push(ids[0], 0);
            assertTrue(r.dev.publishUsed(), "used idx 0->1 passes used_event 0");
            r.dev.push(ids[1], 0);
            assertFalse(r.dev.publishUsed(), "used idx 1->2 does not pass used_event 0");
            assertEquals(0, r.q.poll());
            assertEquals(1, r.q.poll());                       // used_event follows: 2
            r.dev.push(ids[2], 0);
            assertTrue(r.dev.publishUsed());
            r.q.disableUsedNotifications();                     // used_event = last - 1
            assertEquals(2, r.q.poll());
            r.dev.push(ids[3], 0);
            assertFalse(r.dev.publishUsed());
        }
    }

    @Test
    void packedDriverHonoursDeviceEventFlags() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 4, 0)) {
            r.q.begin().readable(r.data, 0, 8).commit(1);
            assertTrue(r.q.kick(), "device event flags start at ENABLE (0)");
            r.dev.disableNotifications();
            r.q.begin().readable(r.data, 0, 8).commit(2);
            assertFalse(r.q.kick(), "DISABLE");
            assertTrue(r.dev.enableNotifications(), "descriptors are pending");
            r.q.begin().readable(r.data, 0, 8).commit(3);
            assertTrue(r.q.kick());
        }
    }

    @Test
    void packedDriverEventIdxAcrossTheRingWrap() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 4, RingFeatures.EVENT_IDX)) {
            assertFalse(r.dev.enableNotifications());               // event at offset 0, wrap 1
            r.q.begin().readable(r.data, 0, 8).commit(1);
            assertTrue(r.q.kick(), "position 0 made available");
            r.q.begin().readable(r.data, 0, 8).commit(2);
            assertFalse(r.q.kick(), "position 1 is past the event");
            for (int i = 0; i < 2; i++) {
                r.dev.push(r.dev.pop().id(), 0);
            }
            r.dev.publishUsed();
            assertEquals(1, r.q.poll());
            assertEquals(2, r.q.poll());
            assertFalse(r.dev.enableNotifications());               // event at offset 2, wrap 1
            for (int i = 0; i < 3; i++) {
                r.q.begin().readable(r.data, 0, 8).commit(10 + i);   // positions 2, 3, then 0 in the next lap
            }
            assertTrue(r.q.kick(), "the batch 2,3,0' passes offset 2 of the previous lap");
            assertFalse(((dev.jvirtio.virtq.packed.PackedVirtqueue) r.q).availWrapCounter(), "wrapped");
            for (int i = 0; i < 3; i++) {
                r.dev.push(r.dev.pop().id(), 0);
            }
            r.dev.publishUsed();
            for (int i = 0; i < 3; i++) {
                assertEquals(10 + i, r.q.poll());
            }
            assertFalse(r.dev.enableNotifications());               // event at offset 1, wrap 0
            r.q.begin().readable(r.data, 0, 8).commit(20);          // offset 1, wrap 0
            assertTrue(r.q.kick(), "offset 1 of the wrap-0 lap made available");
            r.q.begin().readable(r.data, 0, 8).commit(21);          // offset 2
            assertFalse(r.q.kick(), "offset 2 is past the event");
        }
    }

    @Test
    void packedDeviceInterruptDecisions() throws Exception {
        try (Rig r = Rig.of(Rig.Kind.PACKED, 4, RingFeatures.EVENT_IDX)) {
            for (int i = 0; i < 4; i++) {
                r.q.begin().writable(r.data, 0, 8).commit(i);
            }
            r.q.kick();
            int[] ids = new int[4];
            for (int i = 0; i < 4; i++) {
                ids[i] = r.dev.pop().id();
            }
            r.dev.push(ids[0], 0);
            assertFalse(r.dev.publishUsed(), "driver event DISABLE while polling");
            assertTrue(r.q.enableUsedNotifications(), "a used buffer is already pending");
            r.dev.push(ids[1], 0);
            assertFalse(r.dev.publishUsed(), "the event is at offset 0, which was published before");
            assertEquals(0, r.q.poll());
            assertEquals(1, r.q.poll());                            // event follows to offset 2
            r.dev.push(ids[2], 4);
            assertTrue(r.dev.publishUsed(), "offset 2 used: interrupt");
            r.dev.push(ids[3], 0);
            assertFalse(r.dev.publishUsed());
            r.q.disableUsedNotifications();
            assertEquals(2, r.q.poll());
            assertEquals(4, r.q.lastUsedLength());
            assertEquals(3, r.q.poll());
        }
    }

    @Test
    void splitNotificationDataCarriesTheAvailIdx() throws Exception {
        VirtqueueConfig cfg = VirtqueueConfig.of(5, 4).withFeatures(RingFeatures.NOTIFICATION_DATA);
        try (Rig r = new Rig(Rig.Kind.SPLIT, cfg)) {
            for (int i = 0; i < 3; i++) {
                r.q.begin().readable(r.data, 0, 8).commit(i);
            }
            r.q.kick();
            assertEquals(5 | 3 << 16, r.lastDoorbellValue);
            drain(r, 3);
            // Drive avail idx to 0x8001: next_off = 1, next_wrap = 1.
            for (int i = 3; i < 0x8001; i++) {
                r.q.begin().readable(r.data, 0, 8).commit(i);
                r.q.kick();
                drain(r, 1);
            }
            int v = r.lastDoorbellValue;
            assertEquals(5, NotificationData.id(v));
            assertEquals(1, NotificationData.nextOffset(v));
            assertTrue(NotificationData.nextWrap(v));
        }
    }

    @Test
    void packedNotificationDataCarriesOffsetAndWrap() throws Exception {
        VirtqueueConfig cfg = VirtqueueConfig.of(2, 3).withFeatures(RingFeatures.NOTIFICATION_DATA).withNotifyId(0xabcd);
        try (Rig r = new Rig(Rig.Kind.PACKED, cfg)) {
            r.q.begin().readable(r.data, 0, 8).readable(r.data, 8, 8).commit(1);
            r.q.kick();
            assertEquals(0xabcd | 2 << 16 | 1 << 31, r.lastDoorbellValue, "offset 2, wrap 1");
            drain(r, 1);
            r.q.begin().readable(r.data, 0, 8).readable(r.data, 8, 8).commit(2);   // slots 2, 0'
            r.q.kick();
            assertEquals(0xabcd | 1 << 16, r.lastDoorbellValue, "offset 1, wrap 0");
        }
    }

    @Test
    void withoutNotificationDataOnlyTheIdIsSent() throws Exception {
        try (Rig r = new Rig(Rig.Kind.PACKED, VirtqueueConfig.of(9, 8).withNotifyId(0x1234))) {
            r.q.begin().readable(r.data, 0, 8).commit(1);
            r.q.kick();
            assertEquals(0x1234, r.lastDoorbellValue);
        }
    }

    private static void drain(Rig r, int n) {
        for (int i = 0; i < n; i++) {
            DeviceChain c = r.dev.pop();
            r.dev.push(c.id(), 0);
        }
        r.dev.publishUsed();
        for (int i = 0; i < n; i++) {
            assertNotEquals(Virtqueue.NONE, r.q.poll());
        }
    }
}
