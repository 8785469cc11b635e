package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvirtio.virtq.device.DeviceChain;
import dev.jvirtio.virtq.device.DeviceQueue;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hot paths allocate nothing: after a warm-up, {@value #MEASURED} complete cycles (add, publish/kick,
 * pop, push, publishUsed, poll; driver and device on this thread over the software IOMMU) must not
 * allocate a single byte on this thread, as counted by the JVM's per-thread allocation counter
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}).
 *
 * <p>This is a correctness check that runs in every build, not a speed measurement (that is JMH's job
 * with {@code -prof gc}). Skipped where the JVM cannot count per-thread allocation. The MXBean is reached
 * reflectively: the tests are compiled inside module {@code dev.jvirtio.virtq}, which does not read
 * {@code java.management} / {@code jdk.management} (and should not, for a test), while they run on the
 * class path, where everything is readable.
 */
class AllocationFreeTest {
    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 200_000;
    /** Chains per cycle: the first head of a batch and a later one take different paths in both rings. */
    private static final int BATCH = 2;
    private static final int SIZE = 64;

    /** The chain shapes and notification modes whose paths differ. */
    enum Shape {
        /** One device-writable descriptor (the one-buffer fast paths on both sides). */
        ONE_DESCRIPTOR(0),
        /** Readable + two writable buffers, chained directly in the ring. */
        DIRECT_CHAIN_OF_3(0),
        /** The same three buffers through an indirect table (VIRTIO_F_INDIRECT_DESC). */
        INDIRECT_CHAIN_OF_3(RingFeatures.INDIRECT_DESC),
        /**
         * VIRTIO_F_EVENT_IDX with notifications on in both directions: every kick and every publishUsed
         * notifies, the driver re-arms used_event in poll() and re-enables, the device re-enables.
         */
        EVENT_IDX_NOTIFYING(RingFeatures.EVENT_IDX);

        final long features;

        Shape(long features) {
            this.features = features;
        }
    }

    static List<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Rig.Kind kind : Rig.Kind.values()) {
            for (Shape shape : Shape.values()) {
                all.add(Arguments.of(kind, shape));
            }
        }
        return all;
    }

    /** Driver and device over one software IOMMU; the cycle counts what it saw so the test can check it. */
    private static final class Loop {
        final Rig rig;
        final Shape shape;
        final Virtqueue q;
        final DeviceQueue dev;
        long checksum;
        long interrupts;

        Loop(Rig.Kind kind, Shape shape) throws Exception {
            VirtqueueConfig cfg = VirtqueueConfig.of(0, SIZE).withFeatures(shape.features).withIndirect(4);
            this.rig = new Rig(kind, cfg);
            this.shape = shape;
            this.q = rig.q;
            this.dev = rig.dev;
            if (shape == Shape.EVENT_IDX_NOTIFYING) {
                assertFalse(q.enableUsedNotifications());
                assertFalse(dev.enableNotifications());
            }
        }

        /** One batch through the whole cycle. */
        void cycle(long base) {
            final Virtqueue q = this.q;
            final DeviceQueue dev = this.dev;
            for (int k = 0; k < BATCH; k++) {
                long off = 4096L * k;
                ChainBuilder b = q.begin();
                if (shape == Shape.ONE_DESCRIPTOR || shape == Shape.EVENT_IDX_NOTIFYING) {
                    b.writable(rig.data, off, 64);
                } else {
                    b.readable(rig.data, off, 16).writable(rig.data, off + 64, 16).writable(rig.data, off + 128, 32);
                }
                if (b.commit(base + k) < 0) {
                    throw new IllegalStateException("ring full");
                }
            }
            q.kick();
            DeviceChain c;
            while ((c = dev.pop()) != null) {
                dev.push(c.id(), c.writableLength());
            }
            if (shape == Shape.EVENT_IDX_NOTIFYING && dev.enableNotifications()) {
                throw new IllegalStateException("nothing can be pending after the device drained the ring");
            }
            if (dev.publishUsed()) {
                interrupts++;
            }
            for (int k = 0; k < BATCH; k++) {
                long token = q.poll();
                if (token == Virtqueue.NONE) {
                    throw new IllegalStateException("missing completion");
                }
                checksum += token + q.lastUsedLength();
            }
            if (shape == Shape.EVENT_IDX_NOTIFYING && q.enableUsedNotifications()) {
                throw new IllegalStateException("nothing can be pending after the driver drained the ring");
            }
        }

        void run(int from, int cycles) {
            for (int i = from; i < from + cycles; i++) {
                cycle((long) i * BATCH);
            }
        }

        /** Sum of tokens 0 .. n*BATCH-1 plus each chain's writable length. */
        long expectedChecksum(int cycles) {
            long n = (long) cycles * BATCH;
            long len = shape == Shape.ONE_DESCRIPTOR || shape == Shape.EVENT_IDX_NOTIFYING ? 64 : 48;
            return n * (n - 1) / 2 + n * len;
        }
    }

    /**
     * {@code getCurrentThreadAllocatedBytes()} of the platform's {@code com.sun.management.ThreadMXBean},
     * bound and warmed up (the first invocations of a method handle may allocate); skips the test where
     * the JVM lacks it.
     */
    private static MethodHandle currentThreadAllocatedBytes() throws Throwable {
        Object bean;
        Class<?> sunBean;
        try {
            bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            sunBean = Class.forName("com.sun.management.ThreadMXBean");
        } catch (ReflectiveOperationException | LinkageError e) {
            assumeTrue(false, "no thread MXBean: " + e);
            throw new AssertionError(e);
        }
        assumeTrue(sunBean.isInstance(bean), "not a com.sun.management.ThreadMXBean: " + bean);
        assumeTrue((boolean) sunBean.getMethod("isThreadAllocatedMemorySupported").invoke(bean),
                "per-thread allocation counting not supported");
        if (!(boolean) sunBean.getMethod("isThreadAllocatedMemoryEnabled").invoke(bean)) {
            sunBean.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(bean, true);
        }
        MethodHandle h = MethodHandles.publicLookup()
                .findVirtual(sunBean, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                .bindTo(bean)
                .asType(MethodType.methodType(long.class));
        for (int i = 0; i < 1000; i++) {
            long ignored = (long) h.invokeExact();
        }
        return h;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void theCycleAllocatesNothing(Rig.Kind kind, Shape shape) throws Throwable {
        MethodHandle allocatedBytes = currentThreadAllocatedBytes();
        Loop loop = new Loop(kind, shape);
        try {
            loop.cycle(0);   // the shape takes the path it is named after
            loop.q.begin().readable(loop.rig.data, 0, 16).writable(loop.rig.data, 64, 16).writable(loop.rig.data, 128, 32)
                    .commit(0);
            assertEquals(SIZE - (shape == Shape.INDIRECT_CHAIN_OF_3 ? 1 : 3), loop.q.freeDescriptors(),
                    "indirect exactly when negotiated");
            loop.q.reset(null);
            loop.dev.reset();
            if (shape == Shape.EVENT_IDX_NOTIFYING) {
                loop.dev.enableNotifications();
            }
            loop.checksum = 0;
            loop.interrupts = 0;
            int doorbellsBefore = loop.rig.doorbellRings;

            loop.run(0, WARM_UP);
            // The counter's own cost (if any) is what two back-to-back reads differ by; it is subtracted.
            long calibrate = (long) allocatedBytes.invokeExact();
            long before = (long) allocatedBytes.invokeExact();
            loop.run(WARM_UP, MEASURED);
            long after = (long) allocatedBytes.invokeExact();
            long allocated = after - before - (before - calibrate);

            int total = WARM_UP + MEASURED;
            assertEquals(loop.expectedChecksum(total), loop.checksum, "every chain came back with its full length");
            assertEquals(SIZE, loop.q.freeDescriptors());
            assertEquals(0, loop.q.inFlight());
            if (shape == Shape.EVENT_IDX_NOTIFYING) {
                assertEquals(total, loop.rig.doorbellRings - doorbellsBefore, "one doorbell per batch");
                assertEquals(total, loop.interrupts, "one interrupt per batch");
            }
            assertEquals(0, allocated, kind + " " + shape + ": " + allocated + " bytes allocated in " + MEASURED
                    + " cycles (" + (double) allocated / MEASURED + " B/cycle)");
        } finally {
            loop.rig.close();
        }
    }
}
