package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.virtq.device.DeviceChain;
import dev.jvirtio.virtq.packed.PackedLayout;
import dev.jvirtio.virtq.packed.PackedVirtqueue;
import dev.jvirtio.virtq.split.SplitLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver keeps its bookkeeping (free list, chain links, lengths, ids) in Java and never reads it back
 * from ring memory, which the device can write at will. After the device has popped a chain, every field
 * the device is not supposed to write is overwritten with random garbage through the device's view of the
 * memory (the software IOMMU); the driver must still reclaim the chain, return its token, free every
 * descriptor, and build a chain over all descriptors that the device sees intact. With INDIRECT_DESC the
 * 3-descriptor chain goes through an indirect table, which gets the same treatment.
 *
 * <p>Replay with {@code -Djvirtio.test.seed=<seed printed in the output>}.
 */
class SharedMemoryNotReadBackTest {
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int SIZE = 8;
    private static final int ROUNDS = 20;

    private static SplittableRandom random(String test) {
        String prop = System.getProperty("jvirtio.test.seed");
        long seed = prop != null ? Long.decode(prop) : new SplittableRandom().nextLong();
        System.out.println("SharedMemoryNotReadBackTest." + test + " seed=" + seed + " (replay: -Djvirtio.test.seed="
                + seed + ")");
        return new SplittableRandom(seed);
    }

    /** A 3-descriptor chain: readable 24 bytes, writable 16 + 48 (a typical command / status / data shape). */
    private static int commitThree(Rig r, long token) {
        return r.q.begin().readable(r.data, 0, 24).writable(r.data, 4096, 16).writable(r.data, 8192, 48).commit(token);
    }

    /** The device's view of the chain {@link #commitThree} built. */
    private static void assertThree(Rig r, DeviceChain c) {
        assertEquals(3, c.count());
        assertEquals(1, c.readableCount());
        assertEquals(r.data.iova(0), c.iova(0));
        assertEquals(24, c.length(0));
        assertEquals(r.data.iova(4096), c.iova(1));
        assertEquals(16, c.length(1));
        assertEquals(r.data.iova(8192), c.iova(2));
        assertEquals(48, c.length(2));
    }

    private static Rig rig(Rig.Kind kind, boolean indirect) throws Exception {
        VirtqueueConfig cfg = VirtqueueConfig.of(0, SIZE);
        if (indirect) {
            cfg = cfg.withFeatures(RingFeatures.INDIRECT_DESC).withIndirect(4);
        }
        return new Rig(kind, cfg);
    }

    /** Fills the 3-entry indirect table the descriptor at {@code descAddrOff} of {@code area} points to. */
    private static void garbageIndirectTable(Rig r, MemorySegment area, long descAddrOff, SplittableRandom rnd) {
        MemorySegment table = r.iommu.segment(area.get(LE64, descAddrOff), 3 * 16, DmaAccess.READ_WRITE);
        for (long off = 0; off < table.byteSize(); off += 8) {
            table.set(LE64, off, rnd.nextLong());
        }
    }

    /** A chain over every descriptor of the ring, with buffer i at a distinct address and length. */
    private static void fullChainRoundTrip(Rig r, SplittableRandom rnd, long token) {
        int readable = rnd.nextInt(SIZE + 1);
        long[] iova = new long[SIZE];
        int[] len = new int[SIZE];
        long writable = 0;
        ChainBuilder b = r.q.begin();
        for (int i = 0; i < SIZE; i++) {
            long off = 16384L * i + 8 * rnd.nextInt(64);
            len[i] = 1 + rnd.nextInt(4096);
            iova[i] = r.data.iova(off);
            if (i < readable) {
                b.readable(r.data, off, len[i]);
            } else {
                b.writable(r.data, off, len[i]);
                writable += len[i];
            }
        }
        assertTrue(b.commit(token) >= 0, "a chain over all " + SIZE + " descriptors fits");
        r.q.kick();
        DeviceChain c = r.dev.pop();
        assertNotNull(c);
        assertEquals(SIZE, c.count(), "the device sees every buffer");
        assertEquals(readable, c.readableCount());
        for (int i = 0; i < SIZE; i++) {
            assertEquals(iova[i], c.iova(i), "buffer " + i + " address");
            assertEquals(len[i], c.length(i), "buffer " + i + " length");
            assertEquals(i >= readable, c.isWritable(i), "buffer " + i + " direction");
        }
        assertNull(r.dev.pop());
        r.dev.push(c.id(), writable);
        r.dev.publishUsed();
        assertEquals(token, r.q.poll());
        assertEquals(writable, Integer.toUnsignedLong(r.q.lastUsedLength()));
        assertEquals(SIZE, r.q.freeDescriptors());
        assertEquals(0, r.q.inFlight());
    }

    /** The 3-descriptor chain again, over what the garbage left: the device must see it intact. */
    private static void threeRoundTrip(Rig r, long token) {
        int id = commitThree(r, token);
        r.q.kick();
        DeviceChain c = r.dev.pop();
        assertEquals(id, c.id());
        assertThree(r, c);
        r.dev.push(id, 64);
        r.dev.publishUsed();
        assertEquals(token, r.q.poll());
        assertEquals(SIZE, r.q.freeDescriptors());
    }

    @ParameterizedTest(name = "indirect={0}")
    @ValueSource(booleans = {false, true})
    void splitDriverSurvivesGarbageInTheDescriptorTableAndAvailRing(boolean indirect) throws Exception {
        SplittableRandom rnd = random("split indirect=" + indirect);
        try (Rig r = rig(Rig.Kind.SPLIT, indirect)) {
            MemorySegment desc = r.iommu.segment(r.q.descriptorAreaIova(), SplitLayout.descTableSize(SIZE),
                    DmaAccess.READ_WRITE);
            MemorySegment avail = r.iommu.segment(r.q.driverAreaIova(), SplitLayout.availSize(SIZE),
                    DmaAccess.READ_WRITE);
            for (int round = 0; round < ROUNDS; round++) {
                long token = 1000 + round;
                int head = commitThree(r, token);
                r.q.kick();
                DeviceChain c = r.dev.pop();
                assertEquals(head, c.id());
                assertThree(r, c);
                assertEquals(indirect ? SIZE - 1 : SIZE - 3, r.q.freeDescriptors());
                if (indirect) {
                    garbageIndirectTable(r, desc, SplitLayout.descOffset(head), rnd);
                }
                // Everything the driver wrote: addr, len, flags, next of every descriptor; the avail ring's
                // flags, idx, ring[] and used_event.
                for (long off = 0; off < desc.byteSize(); off += 8) {
                    desc.set(LE64, off, rnd.nextLong());
                }
                for (long off = 0; off < avail.byteSize(); off += 2) {
                    avail.set(LE16, off, (short) rnd.nextInt());
                }
                r.dev.push(head, 64);
                r.dev.publishUsed();
                assertEquals(token, r.q.poll(), "round " + round);
                assertEquals(64, r.q.lastUsedLength());
                assertEquals(head, r.q.lastUsedId());
                assertEquals(SIZE, r.q.freeDescriptors(), "every descriptor is free again, round " + round);
                assertEquals(Virtqueue.NONE, r.q.poll());
                fullChainRoundTrip(r, rnd, 2000 + round);
                threeRoundTrip(r, 3000 + round);
            }
        }
    }

    @ParameterizedTest(name = "indirect={0}")
    @ValueSource(booleans = {false, true})
    void packedDriverSurvivesGarbageInTheRingAndDriverArea(boolean indirect) throws Exception {
        SplittableRandom rnd = random("packed indirect=" + indirect);
        try (Rig r = rig(Rig.Kind.PACKED, indirect)) {
            MemorySegment ring = r.iommu.segment(r.q.descriptorAreaIova(), PackedLayout.ringSize(SIZE),
                    DmaAccess.READ_WRITE);
            MemorySegment driverEvent = r.iommu.segment(r.q.driverAreaIova(), PackedLayout.EVENT_SIZE,
                    DmaAccess.READ_WRITE);
            int notUsedNorAvail = PackedLayout.F_AVAIL | PackedLayout.F_USED;
            for (int round = 0; round < ROUNDS; round++) {
                long token = 1000 + round;
                int id = commitThree(r, token);
                r.q.kick();
                DeviceChain c = r.dev.pop();
                assertEquals(id, c.id());
                assertThree(r, c);
                assertEquals(indirect ? SIZE - 1 : SIZE - 3, r.q.freeDescriptors());
                if (indirect) {
                    garbageIndirectTable(r, ring, PackedLayout.descOffset(0), rnd);  // the chain starts a lap
                }
                // Every descriptor: addr, len, id and flags. The AVAIL and USED bits are cleared in the garbage
                // flags: the driver legitimately polls the flags of its next used slot, and the device those of
                // its next available slot, so garbage there must read as "neither used nor available"
                // (both wrap counters are 1 in the first lap; the rounds below stay in slots the driver
                // overwrites before they are made available again). Everything else is random.
                for (int d = 0; d < SIZE; d++) {
                    long off = PackedLayout.descOffset(d);
                    ring.set(LE64, off, rnd.nextLong());
                    ring.set(LE64, off + 8, rnd.nextLong() & ~((long) notUsedNorAvail << 48));
                }
                driverEvent.set(ValueLayout.JAVA_INT_UNALIGNED, 0, rnd.nextInt());
                // The device now writes its used descriptor (len, id, flags) into the chain's first slot.
                r.dev.push(id, 64);
                r.dev.publishUsed();
                assertEquals(token, r.q.poll(), "round " + round);
                assertEquals(64, r.q.lastUsedLength());
                assertEquals(id, r.q.lastUsedId());
                assertEquals(SIZE, r.q.freeDescriptors(), "every slot is free again, round " + round);
                assertEquals(Virtqueue.NONE, r.q.poll(), "garbage is not taken for a used descriptor");
                fullChainRoundTrip(r, rnd, 2000 + round);
                threeRoundTrip(r, 3000 + round);
                // Back to lap parity: the next round's garbage must meet wrap counters equal to 1 again,
                // so realign with chains that end exactly on a lap boundary.
                realignToLapStart(r);
            }
        }
    }

    /**
     * Every round consumes 3 + SIZE slots; one-descriptor round trips bring the driver back to slot 0 of
     * an odd lap (wrap counters 1 on both sides), where the garbage rule above holds.
     */
    private static void realignToLapStart(Rig r) {
        PackedVirtqueue q = (PackedVirtqueue) r.q;
        while (q.availPosition() != 0 || !q.availWrapCounter()) {
            assertTrue(q.begin().readable(r.data, 0, 8).commit(1) >= 0);
            q.kick();
            DeviceChain c = r.dev.pop();
            r.dev.push(c.id(), 0);
            r.dev.publishUsed();
            assertEquals(1, q.poll());
        }
    }
}
