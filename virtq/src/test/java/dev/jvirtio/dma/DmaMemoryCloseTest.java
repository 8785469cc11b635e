package dev.jvirtio.dma;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link DmaMemory#close()}: a failed release leaves the memory open and retryable; release happens once. */
class DmaMemoryCloseTest {
    private static final int SIZE = 1 << 20;

    @Test
    void aCloseRefusedByAnAccessInProgressLeavesTheMemoryOpenAndALaterCloseFreesIt() throws Exception {
        // A blocking pipe write of a buffer over the memory holds the arena's session for as long as the
        // write runs, exactly like a downcall in progress. 1 MiB does not fit a pipe (64 KiB on Linux), so
        // once the reader has seen the first byte the writer is inside write() and stays there until the
        // reader has drained the rest.
        try (AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            DmaMemory m = alloc.allocate(SIZE, 4096);
            m.segment().fill((byte) 0x5a);
            Pipe pipe = Pipe.open();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    ByteBuffer buf = m.segment().asByteBuffer();
                    while (buf.hasRemaining()) {
                        pipe.sink().write(buf);
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            }, "pipe-writer");
            writer.start();
            ByteBuffer in = ByteBuffer.allocate(64 << 10);
            long received = 0;
            while (received == 0) {
                received += pipe.source().read(in);
            }

            IllegalStateException busy = assertThrows(IllegalStateException.class, m::close,
                    "the arena is held by the write in progress");
            assertTrue(m.isAlive(), "a refused close leaves the memory allocated");
            assertEquals(1, alloc.outstanding(), "the owner was not told it was freed");
            assertEquals((byte) 0x5a, m.segment().get(ValueLayout.JAVA_BYTE, SIZE - 1), "still usable: " + busy);

            while (received < SIZE) {
                in.clear();
                received += pipe.source().read(in);
            }
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(writer.isAlive());
            assertNull(writerFailure.get());
            pipe.sink().close();
            pipe.source().close();

            m.close();
            assertFalse(m.isAlive(), "the retry freed it");
            assertEquals(0, alloc.outstanding(), "and told the owner");
            assertThrows(IllegalStateException.class, m::segment);
            m.close(); // idempotent after success
            assertEquals(0, alloc.outstanding());
        }
    }

    @Test
    void aFailedReleaseIsRetriedAndTheOwnerIsToldOnlyAfterItSucceeded() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        AtomicInteger told = new AtomicInteger();
        DmaMemory m = new DmaMemory(java.lang.foreign.MemorySegment.ofArray(new byte[4096]), () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("in use");
            }
            released.incrementAndGet();
        }, 4096, "test", told::incrementAndGet);
        assertThrows(IllegalStateException.class, m::close);
        assertTrue(m.isAlive());
        assertEquals(0, told.get(), "onClose waits for a release that happened");
        assertNotNull(m.segment());
        m.close();
        m.close();
        assertFalse(m.isAlive());
        assertEquals(2, attempts.get(), "tried again once, then never again");
        assertEquals(1, released.get());
        assertEquals(1, told.get());
    }

    @Test
    void concurrentClosesReleaseExactlyOnce() throws Exception {
        int threads = 8;
        for (int round = 0; round < 200; round++) {
            AtomicInteger released = new AtomicInteger();
            AtomicInteger told = new AtomicInteger();
            DmaMemory m = new DmaMemory(java.lang.foreign.MemorySegment.ofArray(new byte[64]),
                    released::incrementAndGet, 4096, "test", told::incrementAndGet);
            CyclicBarrier start = new CyclicBarrier(threads);
            CountDownLatch done = new CountDownLatch(threads);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        m.close();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertNull(failure.get());
            assertEquals(1, released.get(), "round " + round);
            assertEquals(1, told.get(), "round " + round);
            assertFalse(m.isAlive());
        }
    }
}
