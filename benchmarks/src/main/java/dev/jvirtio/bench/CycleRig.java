package dev.jvirtio.bench;

import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.dma.SoftwareIommu;
import dev.jvirtio.virtq.Virtqueue;
import dev.jvirtio.virtq.VirtqueueConfig;
import dev.jvirtio.virtq.device.DeviceChain;
import dev.jvirtio.virtq.device.DeviceQueue;
import dev.jvirtio.virtq.device.PackedDeviceQueue;
import dev.jvirtio.virtq.device.SplitDeviceQueue;
import dev.jvirtio.virtq.packed.PackedVirtqueue;
import dev.jvirtio.virtq.split.SplitVirtqueue;
import java.io.IOException;
import java.util.Locale;

/**
 * The P1 virtqueue cycle on one thread: a driver queue and its device side, joined by a software IOMMU,
 * with one data region the chains point into.
 *
 * <p>{@link #cycle(int)} is the measured unit: {@code batch} one-descriptor chains are added, published with
 * one store, popped and pushed back by the device, published as used with one store, and reclaimed by the
 * driver. It is shared by {@link P1CycleBenchmark} and the module's tests so that the benchmark is checked
 * to do what it claims. The C baseline ({@code src/main/c/p1cycle.c}) reproduces exactly this sequence.
 *
 * <pre>{@code
 * try (CycleRig rig = new CycleRig(CycleRig.Ring.SPLIT, 256)) {
 *     long check = rig.cycle(32);
 * }
 * }</pre>
 */
public final class CycleRig implements AutoCloseable {
    /** Which ring format the rig drives. */
    public enum Ring {
        /** Split virtqueue (virtio 1.3 2.7). */
        SPLIT,
        /** Packed virtqueue (virtio 1.3 2.8). */
        PACKED;

        /** Parses {@code split} or {@code packed} (any case). */
        public static Ring parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /** Bytes of the device-writable buffer each chain carries; the device reports all of it as used. */
    public static final int BUFFER_BYTES = 64;
    /** Largest batch {@link #cycle} accepts: the data region holds this many distinct buffers. */
    public static final int MAX_BATCH = 64;

    private final SoftwareIommu iommu = new SoftwareIommu();
    private final DmaPool pool = DmaPool.softwareIommu(iommu);
    private final Virtqueue queue;
    private final DeviceQueue device;
    private final DmaRegion data;
    private final int size;

    /** Builds a rig of queue size {@code size} (no ring features negotiated, doorbell ignored). */
    public CycleRig(Ring ring, int size) throws IOException {
        if (size < MAX_BATCH) {
            throw new IllegalArgumentException("queue size must be at least " + MAX_BATCH + ": " + size);
        }
        this.size = size;
        VirtqueueConfig cfg = VirtqueueConfig.of(0, size);
        Virtqueue q = null;
        try {
            if (ring == Ring.SPLIT) {
                q = SplitVirtqueue.allocate(cfg, pool);
                device = new SplitDeviceQueue(iommu, size, 0, q.descriptorAreaIova(), q.driverAreaIova(),
                        q.deviceAreaIova());
            } else {
                q = PackedVirtqueue.allocate(cfg, pool);
                device = new PackedDeviceQueue(iommu, size, 0, q.descriptorAreaIova(), q.driverAreaIova(),
                        q.deviceAreaIova());
            }
            queue = q;
            data = pool.allocate((long) MAX_BATCH * BUFFER_BYTES, 4096);
        } catch (IOException | RuntimeException e) {
            if (q != null) {
                q.close();
            }
            pool.close();
            iommu.close();
            throw e;
        }
    }

    /**
     * One cycle of {@code batch} chains (1..{@link #MAX_BATCH}, else {@link IllegalArgumentException}); returns a checksum of what came back:
     * the sum of tokens and used lengths, plus 1 per notification the driver or device would send.
     * Allocation-free; anything unexpected (ring full, a chain missing on either side) throws
     * {@link IllegalStateException}, and device or driver protocol faults throw their own typed errors.
     */
    public long cycle(int batch) {
        if (batch < 1 || batch > MAX_BATCH) {
            throw new IllegalArgumentException("batch must be in 1.." + MAX_BATCH + ": " + batch);
        }
        final Virtqueue q = queue;
        final DeviceQueue dev = device;
        final DmaRegion buf = data;
        // Driver: batch one-descriptor chains, each a device-writable buffer of its own, then one publish.
        for (int i = 0; i < batch; i++) {
            if (q.begin().writable(buf, (long) i * BUFFER_BYTES, BUFFER_BYTES).commit(i) < 0) {
                throw new IllegalStateException("ring full after " + i + " chains");
            }
        }
        long check = q.publish() ? 1 : 0;
        // Device: take everything available, complete each chain with its full writable length.
        int popped = 0;
        DeviceChain c;
        while ((c = dev.pop()) != null) {
            dev.push(c.id(), c.writableLength());
            popped++;
        }
        if (popped != batch) {
            throw new IllegalStateException("device popped " + popped + " of " + batch + " chains");
        }
        if (dev.publishUsed()) {
            check++;
        }
        // Driver: reclaim the batch; poll validates every used id and length against what is in flight.
        for (int i = 0; i < batch; i++) {
            long token = q.poll();
            if (token == Virtqueue.NONE) {
                throw new IllegalStateException("driver reclaimed " + i + " of " + batch + " chains");
            }
            check += token + q.lastUsedLength();
        }
        return check;
    }

    /**
     * The checksum {@link #cycle} returns when everything behaves: the device wants a notification for each
     * published batch, the driver (which polls; queues start with used-buffer notifications off) none.
     */
    public static long expectedChecksum(int batch) {
        return 1 + (long) batch * (batch - 1) / 2 + (long) batch * BUFFER_BYTES;
    }

    /** The driver queue (for checks between cycles). */
    public Virtqueue queue() {
        return queue;
    }

    /** The device side (for checks between cycles). */
    public DeviceQueue device() {
        return device;
    }

    /** The data region the chains' buffers live in ({@link #MAX_BATCH} buffers of {@link #BUFFER_BYTES}). */
    public DmaRegion data() {
        return data;
    }

    /** Queue size. */
    public int size() {
        return size;
    }

    /** Throws {@link IllegalStateException} unless both sides are idle with every descriptor free. */
    public void checkIdle() {
        if (queue.inFlight() != 0 || queue.freeDescriptors() != size || device.inFlight() != 0
                || queue.isBroken() || device.isBroken()) {
            throw new IllegalStateException("rig not idle: " + queue + ", device in flight " + device.inFlight());
        }
    }

    /** Closes the queue, the pool (data region included) and the IOMMU, in that order. */
    @Override
    public void close() {
        queue.close();
        pool.close();
        iommu.close();
    }
}
