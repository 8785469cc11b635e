package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.dma.SoftwareIommu;
import dev.jvirtio.virtq.device.DeviceChain;
import dev.jvirtio.virtq.device.DeviceQueue;
import dev.jvirtio.virtq.device.DriverFaultException;
import dev.jvirtio.virtq.device.PackedDeviceQueue;
import dev.jvirtio.virtq.device.SplitDeviceQueue;
import dev.jvirtio.virtq.packed.PackedLayout;
import dev.jvirtio.virtq.packed.PackedVirtqueue;
import dev.jvirtio.virtq.split.SplitLayout;
import dev.jvirtio.virtq.split.SplitVirtqueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ring memory that goes away under a queue: every later access throws a typed exception (never touches
 * freed memory, never crashes the JVM), the lock-free hints send their callers to the method that reports
 * it, and nothing is released twice.
 */
class UseAfterCloseTest {
    private static final int SIZE = 8;

    /** Runs {@code op} twice (a failed call must leave nothing half-done that the next one trips over). */
    private static void assertRefused(String what, Executable op) {
        for (int i = 0; i < 2; i++) {
            Throwable t = assertThrows(RuntimeException.class, op, what);
            assertTrue(t instanceof IllegalStateException || t instanceof DriverFaultException,
                    what + " threw " + t);
        }
    }

    /** The device may finish normally (nothing to write) or refuse with a typed exception; nothing else. */
    private static void assertHarmless(String what, Executable op) {
        try {
            op.execute();
        } catch (IllegalStateException | DriverFaultException expected) {
            // typed refusal: fine
        } catch (Throwable t) {
            fail(what + " threw " + t);
        }
    }

    /**
     * The device popped two chains and pushed one (not yet published); a third chain is available. Then the
     * driver closes its queue, which unmaps and frees the ring memory it allocated.
     */
    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void deviceSideAfterTheDriverClosedItsQueue(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, SIZE, 0)) {
            int a = r.q.begin().readable(r.data, 0, 8).writable(r.data, 64, 8).commit(1);
            int b = r.q.begin().writable(r.data, 128, 8).commit(2);
            r.q.begin().readable(r.data, 192, 8).commit(3);
            r.q.kick();
            assertEquals(a, r.dev.pop().id());
            DeviceChain cb = r.dev.pop();
            assertEquals(b, cb.id());
            r.dev.push(a, 8);
            int regionsBefore = r.pool.liveRegions();
            long ringIova = r.q.descriptorAreaIova();

            r.q.close();
            assertEquals(regionsBefore - 1, r.pool.liveRegions(), "the ring region was released");
            assertFalse(r.iommu.isMapped(ringIova), "and unmapped before it was freed");

            assertTrue(r.dev.hasAvailable(), "the hint sends the device loop to pop(), which reports the fault");
            assertRefused("pop", r.dev::pop);
            assertRefused("push", () -> r.dev.push(b, 8));
            assertRefused("publishUsed", r.dev::publishUsed);
            assertHarmless("enableNotifications", r.dev::enableNotifications);
            assertHarmless("disableNotifications", r.dev::disableNotifications);
            assertTrue(r.dev.hasAvailable());
            // The chain's buffers live in a region the driver still owns: the popped view stays usable.
            assertEquals(8, cb.writeToWritable(0, MemorySegment.ofArray(new byte[8]), 0, 8));
            // Once the data region goes too, the view refuses as well.
            r.data.close();
            assertThrows(IllegalStateException.class,
                    () -> cb.writeToWritable(0, MemorySegment.ofArray(new byte[8]), 0, 8));
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void driverSideAfterItsOwnClose(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, SIZE, RingFeatures.EVENT_IDX)) {
            r.q.begin().writable(r.data, 0, 8).commit(1);
            r.q.kick();
            r.dev.push(r.dev.pop().id(), 8);
            r.dev.publishUsed();              // a completion is waiting when the queue closes
            r.q.close();
            assertTrue(r.q.hasUsed(), "the hint sends the waiter to poll(), which reports the close");
            assertRefused("poll", r.q::poll);
            assertRefused("begin", r.q::begin);
            assertRefused("publish", r.q::publish);
            assertRefused("kick", r.q::kick);
            assertRefused("enableUsedNotifications", r.q::enableUsedNotifications);
            assertRefused("disableUsedNotifications", r.q::disableUsedNotifications);
            assertRefused("reset", () -> r.q.reset(null));
            assertRefused("awaitUsed", () -> r.q.awaitUsed(PollPolicy.spin(), 1_000_000));
            r.q.close();                      // idempotent: the regions are not released twice
            assertTrue(r.q.hasUsed());
        }
    }

    /**
     * A queue over caller-owned memory whose owner frees it while the queue is still open: the queue itself
     * was never closed, so only the memory's own lifetime check stands between it and freed memory.
     */
    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void callerOwnedRingFreedUnderAnOpenQueue(Rig.Kind kind) throws Exception {
        try (SoftwareIommu iommu = new SoftwareIommu(); DmaPool pool = DmaPool.softwareIommu(iommu)) {
            DmaRegion data = pool.allocate(4096, 4096);
            VirtqueueConfig cfg = VirtqueueConfig.of(0, SIZE);
            Virtqueue q;
            DeviceQueue dev;
            DmaRegion ring;
            if (kind == Rig.Kind.SPLIT) {
                ring = pool.allocate(SplitLayout.totalSize(SIZE), 4096);
                q = SplitVirtqueue.over(cfg, ring, null);
                dev = new SplitDeviceQueue(iommu, SIZE, 0, q.descriptorAreaIova(), q.driverAreaIova(), q.deviceAreaIova());
            } else {
                ring = pool.allocate(PackedLayout.totalSize(SIZE), 4096);
                q = PackedVirtqueue.over(cfg, ring, null);
                dev = new PackedDeviceQueue(iommu, SIZE, 0, q.descriptorAreaIova(), q.driverAreaIova(), q.deviceAreaIova());
            }
            q.begin().writable(data, 0, 8).commit(1);
            q.begin().writable(data, 8, 8).commit(2);
            q.kick();
            dev.push(dev.pop().id(), 8);
            dev.publishUsed();                // completion 1 is waiting for the driver
            int second = dev.pop().id();      // chain 2 is held by the device
            q.begin().writable(data, 16, 8).commit(3); // chain 3 is committed, not yet published

            ring.close();                     // the owner frees the ring; the queue does not know

            assertTrue(q.hasUsed(), "hint: go and poll");
            assertRefused("poll", q::poll);
            assertRefused("publish", q::publish);
            assertRefused("commit", () -> q.begin().writable(data, 24, 8).commit(4));
            assertRefused("enableUsedNotifications", q::enableUsedNotifications);
            assertTrue(dev.hasAvailable());
            assertRefused("device pop", dev::pop);
            assertRefused("device push", () -> dev.push(second, 8));
            assertHarmless("device publishUsed", dev::publishUsed);
            q.close();                        // nothing of its own to release
            assertRefused("poll after close", q::poll);
            assertEquals(1, pool.liveRegions(), "only the data region is left");
        }
    }

    /** A device queue set up over ring memory that is already gone is refused with its typed fault. */
    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void deviceQueueOverAnUnmappedRingIsRefusedAtCreation(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, SIZE, 0)) {
            long d = r.q.descriptorAreaIova();
            long drv = r.q.driverAreaIova();
            long dvc = r.q.deviceAreaIova();
            r.q.close();
            DriverFaultException e = assertThrows(DriverFaultException.class, () -> {
                if (kind == Rig.Kind.SPLIT) {
                    new SplitDeviceQueue(r.iommu, SIZE, 0, d, drv, dvc);
                } else {
                    new PackedDeviceQueue(r.iommu, SIZE, 0, d, drv, dvc);
                }
            });
            assertEquals(DriverFaultException.Violation.UNMAPPED_RING, e.violation());
        }
    }

    /** A queue cannot be laid out over a region whose memory was already freed. */
    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void aQueueOverAlreadyFreedMemoryIsRefused(Rig.Kind kind) {
        Arena arena = Arena.ofConfined();
        MemorySegment m = arena.allocate(SplitLayout.totalSize(SIZE) + PackedLayout.totalSize(SIZE), 4096);
        DmaRegion region = DmaRegion.owning(m, 0x100000, arena::close);
        region.close();
        VirtqueueConfig cfg = VirtqueueConfig.of(0, SIZE);
        assertThrows(IllegalStateException.class, () -> {
            if (kind == Rig.Kind.SPLIT) {
                SplitVirtqueue.over(cfg, region, null);
            } else {
                PackedVirtqueue.over(cfg, region, null);
            }
        });
    }
}
