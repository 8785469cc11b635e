package dev.jvirtio.dma.internal;

import dev.jvirtio.dma.DmaException;
import dev.jvirtio.dma.IovaAllocator;
import dev.jvirtio.dma.IovaExhaustedException;
import dev.jvirtio.dma.IovaRange;
import dev.jvirtio.ffm.NativeIoException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping of a DMA space of a given size, without the space itself: which offsets are placed,
 * which are free and which wait in quarantine. {@link DmaSpace} runs one over the real reservation; tests
 * run their own over small sizes with a recording {@link Wiper}.
 *
 * <p>Placement is first fit (an {@link IovaAllocator} over {@code [0, size)}). A retired range is wiped
 * (fresh zero memory mapped over it) and queued; ranges leave the queue oldest first, and only while it
 * holds more than the quarantine limit or a placement would otherwise fail, so a stale access to a retired
 * range meets inert memory rather than somebody's new allocation for as long as space allows. A range is
 * wiped again when it leaves the queue, so a placement always gets zeroed memory, even if a buggy thread
 * scribbled on the range while it waited.
 *
 * <p>Thread-safe: bookkeeping is synchronized; the wipe of a retiring range runs outside the lock (the
 * range belongs to nobody else at that point).
 */
final class SpaceRanges {
    /** Granularity of placements: the base page size. */
    static final long PAGE = 4096;
    /** Largest alignment a placement may ask for (the space's base is aligned to it). */
    static final long MAX_ALIGNMENT = 1L << 30;

    /** Replaces {@code [offset, offset + length)} of the space with fresh zeroed, readable, writable memory. */
    @FunctionalInterface
    interface Wiper {
        void wipe(long offset, long length) throws NativeIoException;
    }

    private record Retired(long offset, long length) {
    }

    private final long size;
    private final long quarantineLimit;
    private final Wiper wiper;
    private final IovaAllocator ranges;
    /** Placed and not yet retired: offset -> length. */
    private final Map<Long, Long> live = new HashMap<>();
    private final ArrayDeque<Retired> quarantine = new ArrayDeque<>();
    private long quarantinedBytes;
    /** Bytes whose wipe failed: they never return to the pool (they may still hold someone's pages). */
    private long lostBytes;

    /**
     * @param size            bytes in the space, a positive multiple of {@link #PAGE}
     * @param quarantineLimit retired bytes kept out of circulation before the oldest return to the pool
     * @param wiper           the remap step of a retire
     */
    SpaceRanges(long size, long quarantineLimit, Wiper wiper) {
        if (size <= 0 || size % PAGE != 0) {
            throw new IllegalArgumentException("space size must be a positive multiple of 4 KiB: " + size);
        }
        if (quarantineLimit < 0) {
            throw new IllegalArgumentException("quarantine limit must not be negative: " + quarantineLimit);
        }
        this.size = size;
        this.quarantineLimit = quarantineLimit;
        this.wiper = wiper;
        this.ranges = new IovaAllocator(List.of(new IovaRange(0, size - 1)), 0, size - 1);
    }

    /** The default quarantine limit for a space of {@code size} bytes: 1/8 of it, at most 1 GiB. */
    static long defaultQuarantineLimit(long size) {
        return Math.min(size / 8, 1L << 30);
    }

    long size() {
        return size;
    }

    /** Rounds a placement length up to whole pages, refusing non-positive lengths. */
    static long pages(long length) {
        if (length <= 0) {
            throw new IllegalArgumentException("placement length must be positive: " + length);
        }
        long r = (length + PAGE - 1) & -PAGE;
        if (r < length) {
            throw new IllegalArgumentException("placement length overflows when rounded to 4 KiB: " + length);
        }
        return r;
    }

    /**
     * Places {@code length} bytes (rounded up to whole pages) at an offset aligned to {@code alignment}
     * (at least a page). The range holds zeroes.
     *
     * @throws DmaException             when no free range fits, even after emptying the quarantine
     * @throws IllegalArgumentException for a non-positive length or an alignment that is not a power of two
     *                                  up to 1 GiB
     */
    synchronized long place(long length, long alignment) throws DmaException {
        long bytes = pages(length);
        if (alignment <= 0 || Long.bitCount(alignment) != 1 || alignment > MAX_ALIGNMENT) {
            throw new IllegalArgumentException("placement alignment must be a power of two up to 1 GiB: " + alignment);
        }
        long align = Math.max(alignment, PAGE);
        while (true) {
            try {
                long offset = ranges.allocate(bytes, align);
                live.put(offset, bytes);
                return offset;
            } catch (IovaExhaustedException e) {
                // Under pressure the quarantine gives way, oldest first, one range at a time.
                if (quarantine.isEmpty() || bytes > size) {
                    throw exhausted(bytes, align, e);
                }
                release(quarantine.removeFirst());
            }
        }
    }

    private DmaException exhausted(long bytes, long align, IovaExhaustedException cause) {
        return new DmaException("DMA address space exhausted: no room for 0x" + Long.toHexString(bytes)
                + " bytes aligned to 0x" + Long.toHexString(align) + " in the " + DmaSpace.describeSize(size)
                + " space (free 0x" + Long.toHexString(ranges.totalFree()) + " bytes, largest free block 0x"
                + Long.toHexString(ranges.largestFreeBlock()) + ", " + live.size() + " placements live"
                + (lostBytes > 0 ? ", 0x" + Long.toHexString(lostBytes) + " bytes lost to failed wipes" : "")
                + "); free DMA memory or start the JVM with a larger -D" + DmaSpace.PROPERTY
                + "=<n>[k|m|g|t]", cause);
    }

    /**
     * Retires a placement: wipes it (its old pages go, it reads zero, any access stays harmless) and
     * quarantines it. {@code length} is the one given to {@link #place} (rounded the same way).
     *
     * @throws IllegalArgumentException if {@code offset} is not a live placement of that length (nothing changes)
     */
    void retire(long offset, long length) {
        long bytes = pages(length);
        synchronized (this) {
            Long placed = live.get(offset);
            if (placed == null || placed != bytes) {
                throw new IllegalArgumentException("not a live placement: offset 0x" + Long.toHexString(offset)
                        + ", length 0x" + Long.toHexString(bytes)
                        + (placed == null ? "" : " (placed with length 0x" + Long.toHexString(placed) + ")"));
            }
            live.remove(offset);
        }
        // The range is ours alone between leaving live and entering the quarantine: wipe without the lock.
        if (!wipe(offset, bytes)) {
            return;
        }
        synchronized (this) {
            quarantine.addLast(new Retired(offset, bytes));
            quarantinedBytes += bytes;
            while (quarantinedBytes > quarantineLimit) {
                release(quarantine.removeFirst());
            }
        }
    }

    /** Moves a range from the quarantine to the free pool, wiped once more. Caller holds the lock. */
    private void release(Retired r) {
        quarantinedBytes -= r.length();
        if (wipe(r.offset(), r.length())) {
            ranges.free(r.offset(), r.length());
        }
    }

    /** Wipes a range; on failure it is lost for good (never placed again) and the failure is logged. */
    private boolean wipe(long offset, long bytes) {
        try {
            wiper.wipe(offset, bytes);
            return true;
        } catch (NativeIoException | RuntimeException e) {
            synchronized (this) {
                lostBytes += bytes;
            }
            System.getLogger(SpaceRanges.class.getName()).log(System.Logger.Level.ERROR,
                    "could not wipe DMA space range at offset 0x" + Long.toHexString(offset) + " (0x"
                            + Long.toHexString(bytes) + " bytes); it is withdrawn from use", e);
            return false;
        }
    }

    /** Bytes retired and waiting in quarantine. */
    synchronized long quarantinedBytes() {
        return quarantinedBytes;
    }

    /** Offsets in the quarantine, oldest first. */
    synchronized long[] quarantinedOffsets() {
        return quarantine.stream().mapToLong(Retired::offset).toArray();
    }

    /** Number of live placements. */
    synchronized int liveCount() {
        return live.size();
    }

    /** Free bytes (neither placed nor quarantined nor lost). */
    synchronized long freeBytes() {
        return ranges.totalFree();
    }

    /** Bytes withdrawn after a failed wipe. */
    synchronized long lostBytes() {
        return lostBytes;
    }
}
