package dev.jvirtio.virtq;

import dev.jvirtio.dma.DmaRegion;

/**
 * Reusable builder of one descriptor chain: device-readable buffers first, then device-writable ones.
 * Obtained from {@link Virtqueue#begin()}; each queue owns exactly one, so building allocates nothing.
 *
 * <pre>{@code
 * int head = queue.begin()
 *         .readable(cmd, 0, 24)        // (region, offset, length): the queue derives the IOVA, bounds-checked
 *         .writable(status, 0, 8)
 *         .commit(token);              // head/buffer id, or Virtqueue.NO_SPACE (the chain is kept for a retry)
 * queue.kick();
 * }</pre>
 *
 * <p>Misuse (a readable buffer after a writable one, an empty or oversized chain, a closed region, a range
 * outside its region) throws immediately; running out of ring space is a normal outcome, reported by
 * {@link #commit} as {@link Virtqueue#NO_SPACE}. Owned by the queue's owner thread, like the queue.
 */
public final class ChainBuilder {
    /** Receives a finished chain; implemented by the queues. */
    public interface Sink {
        /** Places the chain in the ring; returns the head/buffer id or {@link Virtqueue#NO_SPACE}. */
        int commitChain(ChainBuilder chain, long token);
    }

    private static final long MAX_CHAIN_BYTES = 0xffff_ffffL;

    private final Sink sink;
    /** Per buffer i: {@code [2i]} IOVA, {@code [2i+1]} length (one array: one base load and bounds check). */
    private final long[] bufs;
    private final int capacity;
    private int count;
    private int readableCount;
    private long totalBytes;
    private long writableBytes;

    /** A builder for chains of at most {@code capacity} buffers feeding {@code sink}. */
    public ChainBuilder(int capacity, Sink sink) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.sink = sink;
        this.capacity = capacity;
        this.bufs = new long[2 * capacity];
    }

    /** Discards the chain being built. */
    public ChainBuilder clear() {
        count = 0;
        readableCount = 0;
        totalBytes = 0;
        writableBytes = 0;
        return this;
    }

    /** Adds a device-readable buffer {@code [offset, offset + length)} of {@code region}. */
    public ChainBuilder readable(DmaRegion region, long offset, long length) {
        if (readableCount != count) {
            throw new IllegalStateException("device-readable buffers must precede device-writable ones "
                    + "(virtio 1.3 2.7.4.2: readable after writable)");
        }
        add(region, offset, length);
        readableCount++;
        return this;
    }

    /** Adds all of {@code region} as a device-readable buffer. */
    public ChainBuilder readable(DmaRegion region) {
        return readable(region, 0, region.byteSize());
    }

    /** Adds a device-writable buffer {@code [offset, offset + length)} of {@code region}. */
    public ChainBuilder writable(DmaRegion region, long offset, long length) {
        add(region, offset, length);
        writableBytes += length;
        return this;
    }

    /** Adds all of {@code region} as a device-writable buffer. */
    public ChainBuilder writable(DmaRegion region) {
        return writable(region, 0, region.byteSize());
    }

    private void add(DmaRegion region, long offset, long length) {
        if (length <= 0 || length > MAX_CHAIN_BYTES) {
            throw new IllegalArgumentException("buffer length must be in 1..2^32-1: " + length);
        }
        if (count == capacity) {
            throw new IllegalStateException("chain longer than " + capacity + " buffers (the queue size)");
        }
        long iova = region.iova(offset, length); // bounds and liveness check
        if (totalBytes + length > MAX_CHAIN_BYTES) {
            throw new IllegalArgumentException("chain of 2^32 bytes or more (virtio 1.3 2.7.5.2)");
        }
        bufs[2 * count] = iova;
        bufs[2 * count + 1] = length;
        count++;
        totalBytes += length;
    }

    /**
     * Hands the chain to the queue under {@code token} (a caller-chosen value >= 0 returned by
     * {@link Virtqueue#poll()} when the device is done). On success the builder is cleared; on
     * {@link Virtqueue#NO_SPACE} it keeps the chain so the caller can reclaim used buffers and retry.
     */
    public int commit(long token) {
        if (count == 0) {
            throw new IllegalStateException("empty chain");
        }
        if (token < 0) {
            throw new IllegalArgumentException("tokens must be >= 0: " + token);
        }
        return sink.commitChain(this, token);
    }

    /** Number of buffers in the chain. */
    public int count() {
        return count;
    }

    /** Number of device-readable buffers (they come first). */
    public int readableCount() {
        return readableCount;
    }

    /** Device address of buffer {@code i}. */
    public long iova(int i) {
        return bufs[2 * i];
    }

    /** Length of buffer {@code i} (an unsigned 32-bit value). */
    public int length(int i) {
        return (int) bufs[2 * i + 1];
    }

    /** Whether buffer {@code i} is device-writable. */
    public boolean isWritable(int i) {
        return i >= readableCount;
    }

    /** Total device-writable bytes (what a used length may not exceed). */
    public long writableLength() {
        return writableBytes;
    }

    /** Total bytes in the chain. */
    public long totalLength() {
        return totalBytes;
    }

    /** Maximum number of buffers per chain. */
    public int capacity() {
        return capacity;
    }
}
