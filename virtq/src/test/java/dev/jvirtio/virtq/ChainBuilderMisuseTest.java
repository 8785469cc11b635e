package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.virtq.device.DeviceChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Driver-side misuse of {@link ChainBuilder}: each mistake throws a typed exception at the call that makes
 * it, and leaves the chain built so far (and the queue) exactly as it was, so nothing is lost and the
 * chain can still be committed and round-trip through the device.
 */
class ChainBuilderMisuseTest {
    private static final long MAX_LEN = 0xffff_ffffL;

    /** The builder still holds {@code count} buffers with these totals, and the ring is untouched. */
    private static void assertUnchanged(Rig r, ChainBuilder b, int count, int readable, long total, long writable) {
        assertEquals(count, b.count(), "buffers in the chain");
        assertEquals(readable, b.readableCount(), "readable buffers");
        assertEquals(total, b.totalLength(), "total bytes");
        assertEquals(writable, b.writableLength(), "writable bytes");
        assertEquals(r.q.size(), r.q.freeDescriptors(), "a refused call must not take ring space");
        assertEquals(0, r.q.inFlight());
    }

    /** Commits what the builder holds, lets the device check the shape, completes it and reclaims it. */
    private static void commitAndRoundTrip(Rig r, ChainBuilder b, long token, int buffers, long writable) {
        int id = b.commit(token);
        assertTrue(id >= 0, "commit after the refused call: " + id);
        r.q.kick();
        DeviceChain c = r.dev.pop();
        assertNotNull(c, "device sees the chain");
        assertEquals(id, c.id());
        assertEquals(buffers, c.count());
        assertEquals(writable, c.writableLength());
        r.dev.push(id, writable);
        r.dev.publishUsed();
        assertEquals(token, r.q.poll());
        assertEquals(r.q.size(), r.q.freeDescriptors());
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void readableAfterWritableIsIllegalState(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 8, 0)) {
            ChainBuilder b = r.q.begin().readable(r.data, 0, 16).writable(r.data, 64, 32);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.readable(r.data, 128, 8));
            assertTrue(e.getMessage().contains("readable"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> b.readable(r.data), "the whole-region overload too");
            assertUnchanged(r, b, 2, 1, 48, 32);
            commitAndRoundTrip(r, b, 11, 2, 32);
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void zeroNegativeAndOver32BitLengthsAreIllegalArguments(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 8, 0)) {
            ChainBuilder b = r.q.begin().readable(r.data, 0, 8);
            assertThrows(IllegalArgumentException.class, () -> b.readable(r.data, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> b.writable(r.data, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> b.writable(r.data, 0, -1));
            // 2^32 does not fit the 32-bit len field; checked before the region bounds (the region is 1 MiB).
            assertThrows(IllegalArgumentException.class, () -> b.readable(r.data, 0, MAX_LEN + 1));
            assertThrows(IllegalArgumentException.class, () -> b.writable(r.data, 0, Long.MAX_VALUE));
            assertUnchanged(r, b, 1, 1, 8, 0);
            commitAndRoundTrip(r, b, 12, 1, 0);
        }
    }

    /**
     * A chain of 2^32 bytes or more is refused. (Virtio 1.3 2.7.5.2 forbids split chains longer than 2^32
     * bytes; the queues stop one byte earlier, for both formats, so that every total fits the 32-bit used
     * length.) Built from 4096 overlapping 1 MiB buffers so that no large memory is needed; the chain of
     * exactly 2^32 - 1 bytes is accepted and goes through the device.
     */
    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void aChainOfTwoTo32BytesIsIllegalArgument(Rig.Kind kind) throws Exception {
        int size = 4096;
        try (Rig r = Rig.of(kind, size, 0)) {
            long mib = r.data.byteSize();
            assertEquals(1 << 20, mib);
            ChainBuilder b = r.q.begin();
            for (int i = 0; i < size - 1; i++) {
                b.writable(r.data, 0, mib);
            }
            long total = (size - 1) * mib;        // 2^32 - 2^20
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.writable(r.data, 0, mib));
            assertTrue(e.getMessage().contains("2^32"), e.getMessage());
            assertUnchanged(r, b, size - 1, 0, total, total);
            b.writable(r.data, 0, mib - 1);       // exactly 2^32 - 1 bytes: the largest legal chain
            assertEquals(MAX_LEN, b.totalLength());
            commitAndRoundTrip(r, b, 13, size, MAX_LEN);
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void moreBuffersThanTheQueueSizeIsIllegalState(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 4, 0)) {
            ChainBuilder b = r.q.begin();
            for (int i = 0; i < 4; i++) {
                b.readable(r.data, 16L * i, 16);
            }
            assertThrows(IllegalStateException.class, () -> b.readable(r.data, 64, 16));
            assertThrows(IllegalStateException.class, () -> b.writable(r.data, 64, 16));
            assertUnchanged(r, b, 4, 4, 64, 0);
            commitAndRoundTrip(r, b, 14, 4, 0);
        }
    }

    /** With indirect tables the limit is still the queue size (2.7.5.3.1 / 2.8.5), not the table size. */
    @Test
    void theLimitIsTheQueueSizeEvenWithIndirectTables() throws Exception {
        VirtqueueConfig cfg = VirtqueueConfig.of(0, 4).withFeatures(RingFeatures.INDIRECT_DESC).withIndirect(4);
        try (Rig r = new Rig(Rig.Kind.SPLIT, cfg)) {
            ChainBuilder b = r.q.begin();
            for (int i = 0; i < 4; i++) {
                b.writable(r.data, 16L * i, 16);
            }
            assertThrows(IllegalStateException.class, () -> b.writable(r.data, 64, 16));
            assertUnchanged(r, b, 4, 0, 64, 64);
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void anEmptyCommitIsIllegalState(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 8, 0)) {
            ChainBuilder b = r.q.begin();
            assertThrows(IllegalStateException.class, () -> b.commit(1));
            assertUnchanged(r, b, 0, 0, 0, 0);
            assertFalse(r.q.publish(), "nothing was made available");
            assertNull(r.dev.pop());
            // clear() after buffers were added is empty again.
            b.readable(r.data, 0, 8).clear();
            assertThrows(IllegalStateException.class, () -> b.commit(1));
            assertUnchanged(r, b, 0, 0, 0, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void aNegativeTokenIsIllegalArgument(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 8, 0)) {
            ChainBuilder b = r.q.begin().readable(r.data, 0, 8).writable(r.data, 8, 8);
            // NONE (-1) is what poll() returns for "nothing": it can never be a token.
            assertThrows(IllegalArgumentException.class, () -> b.commit(Virtqueue.NONE));
            assertThrows(IllegalArgumentException.class, () -> b.commit(Long.MIN_VALUE));
            assertUnchanged(r, b, 2, 1, 16, 8);
            assertFalse(r.q.publish(), "a refused commit publishes nothing");
            assertNull(r.dev.pop());
            commitAndRoundTrip(r, b, 0, 2, 8);   // 0 is a legal token
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void aClosedRegionIsIllegalState(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 8, 0)) {
            DmaRegion gone = r.pool.allocate(4096, 4096);
            DmaRegion goneSlice = gone.slice(1024, 512);
            ChainBuilder b = r.q.begin().readable(r.data, 0, 8);
            gone.close();
            assertThrows(IllegalStateException.class, () -> b.readable(gone, 0, 8));
            assertThrows(IllegalStateException.class, () -> b.writable(gone, 0, 8));
            assertThrows(IllegalStateException.class, () -> b.writable(gone), "the whole-region overload too");
            assertThrows(IllegalStateException.class, () -> b.writable(goneSlice, 0, 8), "a slice of a closed root");
            assertUnchanged(r, b, 1, 1, 8, 0);
            commitAndRoundTrip(r, b, 15, 1, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void aRangeOutsideTheRegionIsIndexOutOfBounds(Rig.Kind kind) throws Exception {
        try (Rig r = Rig.of(kind, 8, 0)) {
            DmaRegion small = r.data.slice(4096, 100);
            ChainBuilder b = r.q.begin().readable(small, 0, 100);
            assertThrows(IndexOutOfBoundsException.class, () -> b.readable(small, 0, 101), "one byte past the end");
            assertThrows(IndexOutOfBoundsException.class, () -> b.readable(small, 100, 1), "starts at the end");
            assertThrows(IndexOutOfBoundsException.class, () -> b.writable(small, 99, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> b.writable(small, -1, 2), "negative offset");
            assertThrows(IndexOutOfBoundsException.class, () -> b.writable(small, Long.MAX_VALUE, 1), "overflowing end");
            assertThrows(IndexOutOfBoundsException.class, () -> b.writable(r.data, r.data.byteSize() - 7, 8));
            assertUnchanged(r, b, 1, 1, 100, 0);
            b.writable(small, 99, 1);            // the last byte is fine
            commitAndRoundTrip(r, b, 16, 2, 1);
        }
    }

    @Test
    void aBuilderNeedsRoomForOneBuffer() {
        assertThrows(IllegalArgumentException.class, () -> new ChainBuilder(0, (c, t) -> 0));
    }
}
