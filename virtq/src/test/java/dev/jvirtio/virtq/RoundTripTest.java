package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.virtq.device.DeviceChain;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Driver and device sides of both ring formats talking to each other through the software IOMMU. */
class RoundTripTest {

    /** The lock-free hints follow exactly what pop() and poll() would find, across the ring's wrap. */
    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void hintsTellWhetherPopAndPollWouldFindSomething(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 4, 0)) {
            for (int i = 0; i < 11; i++) {       // past two wraps of a 4-entry ring
                assertFalse(r.dev.hasAvailable(), "round " + i);
                assertFalse(r.q.hasUsed(), "round " + i);
                r.q.begin().readable(r.data, 0, 8).writable(r.data, 64, 8).commit(i);
                assertFalse(r.dev.hasAvailable(), "not before publish, round " + i);
                r.q.kick();
                assertTrue(r.dev.hasAvailable(), "round " + i);
                DeviceChain c = r.dev.pop();
                assertFalse(r.dev.hasAvailable(), "round " + i);
                r.dev.push(c.id(), 8);
                assertFalse(r.q.hasUsed(), "not before the device publishes, round " + i);
                r.dev.publishUsed();
                assertTrue(r.q.hasUsed(), "round " + i);
                assertEquals(i, r.q.poll());
                assertFalse(r.q.hasUsed(), "round " + i);
            }
            r.q.close();
            assertTrue(r.q.hasUsed(), "a closed queue sends the waiter to poll(), which reports it");
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void singleReadableBufferIsSeenByTheDevice(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 8, 0)) {
            r.data.segment().setString(0, "hello device");
            int head = r.q.begin().readable(r.data, 0, 13).commit(77);
            assertTrue(head >= 0);
            assertNull(r.dev.pop(), "nothing is visible before publish");
            assertTrue(r.q.kick());
            assertEquals(1, r.doorbellRings);
            DeviceChain c = r.dev.pop();
            assertNotNull(c);
            assertEquals(head, c.id());
            assertEquals(1, c.count());
            assertEquals(13, c.readableLength());
            assertEquals(0, c.writableLength());
            assertEquals(r.data.iova(0), c.iova(0));
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(13);
                assertEquals(13, c.readFromReadable(0, buf, 0, 13));
                assertEquals("hello device", buf.getString(0));
            }
            assertNull(r.dev.pop());
            r.dev.push(head, 0);
            assertEquals(Virtqueue.NONE, r.q.poll(), "nothing is visible before publishUsed");
            r.dev.publishUsed();
            assertEquals(77, r.q.poll());
            assertEquals(0, r.q.lastUsedLength());
            assertEquals(head, r.q.lastUsedId());
            assertEquals(Virtqueue.NONE, r.q.poll());
            assertEquals(8, r.q.freeDescriptors());
            assertEquals(0, r.q.inFlight());
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void chainedReadableAndWritableBuffersCarryDataBothWays(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 16, 0)) {
            MemorySegment m = r.data.segment();
            for (int i = 0; i < 40; i++) {
                m.set(ValueLayout.JAVA_BYTE, 100 + i, (byte) i);
            }
            int head = r.q.begin()
                    .readable(r.data, 100, 24)
                    .readable(r.data, 124, 16)
                    .writable(r.data, 4096, 8)
                    .writable(r.data, 8192, 32)
                    .commit(5);
            assertEquals(12, r.q.freeDescriptors());
            r.q.kick();
            DeviceChain c = r.dev.pop();
            assertEquals(4, c.count());
            assertEquals(2, c.readableCount());
            assertFalse(c.isWritable(1));
            assertTrue(c.isWritable(2));
            assertEquals(40, c.readableLength());
            assertEquals(40, c.writableLength());
            try (Arena a = Arena.ofConfined()) {
                MemorySegment in = a.allocate(40);
                assertEquals(40, c.readFromReadable(0, in, 0, 40));
                for (int i = 0; i < 40; i++) {
                    assertEquals((byte) i, in.get(ValueLayout.JAVA_BYTE, i));
                }
                // Reply: reversed bytes, scattered over the two writable buffers.
                MemorySegment out = a.allocate(40);
                for (int i = 0; i < 40; i++) {
                    out.set(ValueLayout.JAVA_BYTE, i, (byte) (39 - i));
                }
                assertEquals(40, c.writeToWritable(0, out, 0, 40));
            }
            r.dev.push(c.id(), 40);
            r.dev.publishUsed();
            assertEquals(5, r.q.poll());
            assertEquals(40, r.q.lastUsedLength());
            for (int i = 0; i < 8; i++) {
                assertEquals((byte) (39 - i), m.get(ValueLayout.JAVA_BYTE, 4096 + i));
            }
            for (int i = 0; i < 32; i++) {
                assertEquals((byte) (31 - i), m.get(ValueLayout.JAVA_BYTE, 8192 + i));
            }
            assertEquals(16, r.q.freeDescriptors());
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void indirectChainsUseOneRingSlot(Rig.Kind kind) throws Exception {
        VirtqueueConfig cfg = VirtqueueConfig.of(0, 8).withFeatures(RingFeatures.INDIRECT_DESC).withIndirect(4);
        try (Rig r = new Rig(kind, cfg)) {
            r.data.segment().set(ValueLayout.JAVA_INT, 0, 0x11223344);
            int head = r.q.begin().readable(r.data, 0, 4).readable(r.data, 64, 4).writable(r.data, 128, 16).commit(9);
            assertEquals(7, r.q.freeDescriptors(), "an indirect chain takes one ring descriptor");
            // A single buffer never goes indirect.
            r.q.begin().readable(r.data, 256, 8).commit(10);
            assertEquals(6, r.q.freeDescriptors());
            r.q.kick();
            DeviceChain c = r.dev.pop();
            assertEquals(head, c.id());
            assertEquals(3, c.count());
            assertEquals(2, c.readableCount());
            assertEquals(r.data.iova(64), c.iova(1));
            assertEquals(16, c.writableLength());
            assertEquals(0x11223344, c.buffer(0).get(ValueLayout.JAVA_INT, 0));
            r.dev.push(head, 16);
            DeviceChain c2 = r.dev.pop();
            assertEquals(1, c2.count());
            r.dev.push(c2.id(), 0);
            r.dev.publishUsed();
            assertEquals(9, r.q.poll());
            assertEquals(16, r.q.lastUsedLength());
            assertEquals(10, r.q.poll());
            assertEquals(8, r.q.freeDescriptors());
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void chainsThatDoNotFitDirectlyGoIndirect(Rig.Kind kind) throws Exception {
        VirtqueueConfig cfg = VirtqueueConfig.of(0, 4).withFeatures(RingFeatures.INDIRECT_DESC).withIndirect(4)
                .withIndirectThreshold(4);
        try (Rig r = new Rig(kind, cfg)) {
            r.q.begin().readable(r.data, 0, 8).readable(r.data, 8, 8).commit(1); // below threshold: direct, 2 descs
            assertEquals(2, r.q.freeDescriptors());
            r.q.begin().readable(r.data, 0, 8).readable(r.data, 8, 8).writable(r.data, 16, 8).commit(2);
            assertEquals(1, r.q.freeDescriptors(), "3 buffers with 2 free descriptors: indirect");
            r.q.kick();
            assertEquals(2, r.dev.pop().count());
            assertEquals(3, r.dev.pop().count());
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void completionsInAnyOrderReturnTheRightTokens(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 16, 0)) {
            int[] heads = new int[5];
            for (int i = 0; i < 5; i++) {
                heads[i] = r.q.begin().readable(r.data, i * 64L, 8).writable(r.data, 4096 + i * 64L, 16).commit(1000 + i);
            }
            assertEquals(6, r.q.freeDescriptors());
            r.q.kick();
            List<Integer> ids = new ArrayList<>();
            for (DeviceChain c; (c = r.dev.pop()) != null; ) {
                ids.add(c.id());
            }
            assertEquals(5, ids.size());
            int[] order = {3, 0, 4, 1, 2};
            for (int k : order) {
                r.dev.push(ids.get(k), k + 1);
            }
            r.dev.publishUsed();
            for (int k : order) {
                assertEquals(1000 + k, r.q.poll());
                assertEquals(k + 1, r.q.lastUsedLength());
                assertEquals(heads[k], r.q.lastUsedId());
            }
            assertEquals(Virtqueue.NONE, r.q.poll());
            assertEquals(16, r.q.freeDescriptors());
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void noSpaceKeepsTheChainForARetry(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 4, 0)) {
            r.q.begin().readable(r.data, 0, 8).readable(r.data, 8, 8).readable(r.data, 16, 8).commit(1);
            ChainBuilder b = r.q.begin().readable(r.data, 0, 8).writable(r.data, 64, 8);
            assertEquals(Virtqueue.NO_SPACE, b.commit(2));
            assertEquals(2, b.count(), "builder keeps the chain");
            r.q.kick();
            r.dev.push(r.dev.pop().id(), 0);
            r.dev.publishUsed();
            assertEquals(1, r.q.poll());
            assertTrue(b.commit(2) >= 0);
            r.q.kick();
            DeviceChain c = r.dev.pop();
            assertEquals(2, c.count());
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void indicesWrapPast65535(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 4, 0)) {
            for (int i = 0; i < 70_000; i++) {
                int n = 1 + (i % 3);
                ChainBuilder b = r.q.begin();
                for (int k = 0; k < n; k++) {
                    b.writable(r.data, k * 64L, 32);
                }
                assertTrue(b.commit(i) >= 0);
                r.q.kick();
                DeviceChain c = r.dev.pop();
                assertEquals(n, c.count());
                r.dev.push(c.id(), i % 33);
                r.dev.publishUsed();
                assertEquals(i, r.q.poll());
                assertEquals(i % 33, r.q.lastUsedLength());
            }
            assertEquals(4, r.q.freeDescriptors());
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void awaitUsedTimesOutThenSeesACompletion(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 4, 0)) {
            r.q.begin().writable(r.data, 0, 8).commit(31);
            r.q.kick();
            assertEquals(Virtqueue.NONE, r.q.awaitUsed(PollPolicy.spinThenYield(10), 1_000_000));
            assertEquals(Virtqueue.NONE, r.q.awaitUsed(PollPolicy.spinThenPark(2, 1000), 1_000_000));
            r.dev.push(r.dev.pop().id(), 8);
            r.dev.publishUsed();
            assertEquals(31, r.q.awaitUsed(PollPolicy.spin(), 1_000_000_000L));
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void deviceThreadServesDriverThread(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 16, 0)) {
            int total = 5_000;
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread device = new Thread(() -> {
                try {
                    int done = 0;
                    while (done < total) {
                        DeviceChain c = r.dev.pop();
                        if (c == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        long v = c.buffer(0).get(ValueLayout.JAVA_LONG, 0);
                        if (v != done) {
                            throw new AssertionError("device read " + v + ", expected " + done);
                        }
                        r.dev.push(c.id(), 0);
                        r.dev.publishUsed();
                        done++;
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            device.start();
            int sent = 0;
            int received = 0;
            long expect = 0;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (received < total && failure.get() == null && System.nanoTime() < deadline) {
                if (sent < total && r.q.freeDescriptors() > 0) {
                    // The slot is free: at most 16 chains are in flight and the device completes in order.
                    r.data.segment().set(ValueLayout.JAVA_LONG, (sent % 16) * 64L, sent);
                    assertTrue(r.q.begin().readable(r.data, (sent % 16) * 64L, 8).commit(sent) >= 0);
                    sent++;
                    r.q.kick();
                }
                long t = r.q.poll();
                if (t != Virtqueue.NONE) {
                    assertEquals(expect++, t, "this device completes in order");
                    received++;
                }
            }
            device.join(10_000);
            assertNull(failure.get());
            assertEquals(total, received);
        }
    }
}
