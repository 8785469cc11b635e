package dev.jvirtio.devicemodel;

import dev.jvirtio.dma.DeviceMemory;
import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.virtq.device.DeviceChain;
import dev.jvirtio.virtq.device.DeviceQueue;
import dev.jvirtio.virtq.device.DriverFaultException;
import dev.jvirtio.virtq.device.PackedDeviceQueue;
import dev.jvirtio.virtq.device.SplitDeviceQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The device side of one admin virtqueue: pops command chains, gathers the device-readable bytes,
 * runs the {@link AdminCommandEngine}, scatters the result into the device-writable buffers and
 * posts the used element. Ring-level faults from {@link RingFaults} are applied here.
 *
 * <p>Driven by one thread at a time (the device thread, or the notifying thread in inline mode),
 * under the model's lock. The steady state allocates nothing: commands up to
 * {@link #SLICE_CACHE_LIMIT} bytes use cached views of preallocated scratch memory (larger ones
 * grow the scratch, off the hot path).
 */
final class AdminQueueRunner {
    /** Commands up to this size (readable or writable part) use cached scratch slices. */
    static final int SLICE_CACHE_LIMIT = 4096;
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle USED_IDX =
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    final int queueIndex;
    private final DeviceQueue queue;
    private final boolean split;
    private final int size;
    private final MemorySegment usedRing;   // split only: for injected corruption
    private final AdminCommandEngine engine;
    private final RingFaults faults;
    private final Arena arena = Arena.ofShared();
    private MemorySegment in;
    private MemorySegment out;
    private final MemorySegment[] inSlices = new MemorySegment[SLICE_CACHE_LIMIT + 1];
    private final MemorySegment[] outSlices = new MemorySegment[SLICE_CACHE_LIMIT + 1];
    private int pushes;                      // split: used elements posted since enable/reset, mod 2^16
    private long completed;
    private DriverFaultException fault;

    AdminQueueRunner(int queueIndex, DeviceMemory memory, int size, long features, long desc, long driver,
                     long device, AdminCommandEngine engine, RingFaults faults) {
        this.queueIndex = queueIndex;
        this.engine = engine;
        this.faults = faults;
        this.size = size;
        this.split = (features & (1L << 34)) == 0;
        this.queue = split ? new SplitDeviceQueue(memory, size, features, desc, driver, device)
                           : new PackedDeviceQueue(memory, size, features, desc, driver, device);
        this.usedRing = split ? memory.segment(device, 4 + 8L * size + 2, DmaAccess.READ_WRITE) : null;
        this.in = arena.allocate(SLICE_CACHE_LIMIT, 8);
        this.out = arena.allocate(SLICE_CACHE_LIMIT, 8);
    }

    /** Number of commands completed so far. */
    long completed() {
        return completed;
    }

    /** The driver fault that stopped this queue, or null. */
    DriverFaultException fault() {
        return fault;
    }

    /** The device-side queue. */
    DeviceQueue queue() {
        return queue;
    }

    private MemorySegment view(boolean input, long length) {
        if (length <= SLICE_CACHE_LIMIT) {
            // Views are made once per length and kept: the steady state allocates nothing.
            MemorySegment[] cache = input ? inSlices : outSlices;
            MemorySegment v = cache[(int) length];
            if (v == null) {
                v = (input ? in : out).asSlice(0, length);
                cache[(int) length] = v;
            }
            return v;
        }
        MemorySegment base = input ? in : out;
        if (base.byteSize() < length) {
            base = arena.allocate(Math.max(length, base.byteSize() * 2), 8);
            if (input) {
                in = base;
            } else {
                out = base;
            }
        }
        return base.asSlice(0, length);
    }

    /**
     * Processes every available command.
     *
     * @return the number of commands taken off the ring, or -1 if the driver broke the protocol
     *         (the model then sets DEVICE_NEEDS_RESET)
     */
    int drain() {
        if (fault != null) {
            return -1;
        }
        int n = 0;
        try {
            DeviceChain c;
            while (!faults.vanished && (c = queue.pop()) != null) {   // a vanished device stops mid-batch too
                n++;
                int id = c.id();
                long inLen = c.readableLength();
                long outLen = c.writableLength();
                MemorySegment inSeg = view(true, inLen);
                MemorySegment outSeg = view(false, outLen);
                c.readFromReadable(0, inSeg, 0, inLen);
                outSeg.fill((byte) 0);
                int used = engine.process(inSeg, outSeg);
                if (used == AdminCommandEngine.NO_COMPLETION) {
                    continue;                 // swallowed on purpose: the driver must time out
                }
                c.writeToWritable(0, outSeg, 0, used);
                // Ring faults may be aimed at one opcode (le16 at offset 0 of the request).
                boolean aimed = faults.targets(inLen >= 2 ? Short.toUnsignedInt(inSeg.get(LE16, 0)) : 0);
                if (aimed && RingFaults.take(faults.delayCount)) {
                    long until = System.nanoTime() + faults.delayNanos;
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                }
                queue.push(id, used);
                completed++;
                if (split) {
                    int slot = pushes & (size - 1);
                    pushes = (pushes + 1) & 0xFFFF;
                    if (aimed && RingFaults.take(faults.badIdCount)) {
                        usedRing.set(LE32, 4 + 8L * slot, faults.badId);
                    }
                    if (aimed && RingFaults.take(faults.badLenCount)) {
                        usedRing.set(LE32, 4 + 8L * slot + 4, faults.badLen);
                    }
                    if (aimed && RingFaults.take(faults.duplicateCount)) {
                        queue.publishUsed();
                        int dup = pushes & (size - 1);
                        usedRing.set(LE32, 4 + 8L * dup, id);
                        usedRing.set(LE32, 4 + 8L * dup + 4, used);
                        // Release: the duplicate element before the index that exposes it.
                        USED_IDX.setRelease(usedRing, 2L, (short) (pushes + 1));
                    }
                }
            }
            if (n > 0) {
                queue.publishUsed();
            }
        } catch (DriverFaultException e) {
            fault = e;
            return -1;
        } catch (RuntimeException e) {
            // Ring memory vanished under the device (unmapped or freed while enabled): what a real
            // device sees as an IOMMU fault. Stop this queue; the model raises DEVICE_NEEDS_RESET.
            fault = new DriverFaultException(DriverFaultException.Violation.UNMAPPED_RING, -1,
                    "admin queue " + queueIndex + " memory became inaccessible: " + e.getMessage(), e);
            return -1;
        }
        return n;
    }

    /**
     * Whether {@link #drain()} may find work: a lock-free look at the driver's index (a hint, see
     * {@link DeviceQueue#hasAvailable()}). A stopped or closed queue answers true so that drain reports it.
     */
    boolean hasWork() {
        if (fault != null) {
            return false;       // already reported; the driver must reset the device
        }
        try {
            return queue.hasAvailable();
        } catch (RuntimeException closedMeanwhile) {
            return true;
        }
    }

    /** Asks for doorbells again; returns true if work is already pending. */
    boolean enableNotifications() {
        return fault == null && !queue.isBroken() && queue.enableNotifications();
    }

    /** Polling: no doorbells needed. */
    void disableNotifications() {
        if (fault == null && !queue.isBroken()) {
            queue.disableNotifications();
        }
    }

    void close() {
        arena.close();
    }
}
