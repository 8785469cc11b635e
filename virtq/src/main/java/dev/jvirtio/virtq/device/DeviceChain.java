package dev.jvirtio.virtq.device;

import dev.jvirtio.dma.DeviceMemory;
import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.DmaFaultException;
import java.lang.foreign.MemorySegment;

/**
 * One available chain as the device sees it: its id (split head index or packed buffer id) and its
 * buffers, each already translated through the IOMMU. Device queues reuse a single instance, so the view is
 * valid only until the next {@code pop()}; copy what you need (the id and lengths are plain ints).
 *
 * <p>Readable buffers come first (indices {@code 0 .. readableCount()-1}), then the writable ones.
 * {@link #readFromReadable} and {@link #writeToWritable} treat each group as one contiguous byte stream
 * (gather / scatter) and allocate nothing.
 */
public final class DeviceChain {
    /** Per buffer i: {@code [3i]} IOVA, {@code [3i+1]} offset in its mapping's segment, {@code [3i+2]} length. */
    private final long[] bufs;
    private final MemorySegment[] segments;
    private final int capacity;
    private final DeviceMemory.Translation translation = new DeviceMemory.Translation();
    private int id;
    private int count;
    private int readableCount;
    private long readableBytes;
    private long writableBytes;

    DeviceChain(int capacity) {
        this.capacity = capacity;
        bufs = new long[3 * capacity];
        segments = new MemorySegment[capacity];
    }

    void reset() {
        count = 0;
        readableCount = 0;
        readableBytes = 0;
        writableBytes = 0;
        id = -1;
    }

    void id(int id) {
        this.id = id;
    }

    /**
     * Appends a buffer after the protocol checks; translates it (DMA faults become
     * {@link DriverFaultException} UNMAPPED_BUFFER).
     */
    void add(DeviceMemory memory, long iova, int length, boolean writable, long where) {
        long len = length & 0xffff_ffffL;
        if (count == capacity || (!writable && readableCount != count)
                || readableBytes + writableBytes + len > 0xffff_ffffL) {
            throw badBuffer(writable, where);
        }
        store(memory, iova, len, writable);
    }

    /**
     * Makes this a one-buffer chain with id {@code id}, whatever it held before (no {@link #reset} needed):
     * the chain-shape checks of {@link #add} cannot fail for a lone buffer (capacity >= 1, nothing precedes
     * it, a 32-bit length is below 2^32), so only the translation remains. The device queues' common case;
     * every field is set outright, so the path does no read-modify-write of the chain's counters.
     * If the translation is refused the chain is left {@link #reset}.
     */
    void single(DeviceMemory memory, int id, long iova, int length, boolean writable) {
        final long len = length & 0xffff_ffffL;
        MemorySegment seg = null;
        long off = 0;
        if (len > 0) {
            try {
                memory.translate(iova, len, writable ? DmaAccess.WRITE : DmaAccess.READ, translation);
            } catch (DmaFaultException e) {
                reset();
                throw unmapped(iova, e);
            }
            seg = translation.segment();
            off = translation.offset();
        }
        final long[] b = bufs;
        b[0] = iova;
        b[1] = off;
        b[2] = len;
        // Usually the same mapping as the last chain: skip the reference store (and its GC barriers).
        final MemorySegment[] s = segments;
        if (s[0] != seg) {
            s[0] = seg;
        }
        this.id = id;
        count = 1;
        if (writable) {
            readableCount = 0;
            readableBytes = 0;
            writableBytes = len;
        } else {
            readableCount = 1;
            readableBytes = len;
            writableBytes = 0;
        }
    }

    private void store(DeviceMemory memory, long iova, long len, boolean writable) {
        final int i = count;
        MemorySegment seg = null;
        long off = 0;
        if (len > 0) {
            try {
                memory.translate(iova, len, writable ? DmaAccess.WRITE : DmaAccess.READ, translation);
            } catch (DmaFaultException e) {
                throw unmapped(iova, e);
            }
            seg = translation.segment();
            off = translation.offset();
        }
        bufs[3 * i] = iova;
        bufs[3 * i + 1] = off;
        bufs[3 * i + 2] = len;
        // Usually the same mapping as the last chain in this slot: skip the reference store (and its GC barriers).
        if (segments[i] != seg) {
            segments[i] = seg;
        }
        count = i + 1;
        if (writable) {
            writableBytes += len;
        } else {
            readableCount++;
            readableBytes += len;
        }
    }

    private static DriverFaultException unmapped(long iova, DmaFaultException e) {
        return new DriverFaultException(DriverFaultException.Violation.UNMAPPED_BUFFER, iova,
                "buffer IOVA refused by the IOMMU", e);
    }

    /** The fault for a buffer that breaks the chain rules (kept out of {@link #add} so that it inlines). */
    private DriverFaultException badBuffer(boolean writable, long where) {
        if (count == capacity) {
            return new DriverFaultException(DriverFaultException.Violation.DESCRIPTOR_LOOP, where,
                    "chain longer than " + capacity + " buffers", null);
        }
        if (!writable && readableCount != count) {
            return new DriverFaultException(DriverFaultException.Violation.READABLE_AFTER_WRITABLE, where,
                    "device-readable buffer after a device-writable one", null);
        }
        return new DriverFaultException(DriverFaultException.Violation.CHAIN_TOO_LARGE, where,
                "chain of 2^32 bytes or more", null);
    }

    /** Split head index or packed buffer id: what {@code push} takes. */
    public int id() {
        return id;
    }

    /** Number of buffers (after expanding an indirect table). */
    public int count() {
        return count;
    }

    /** Number of device-readable buffers. */
    public int readableCount() {
        return readableCount;
    }

    /** Device address of buffer {@code i}. */
    public long iova(int i) {
        check(i);
        return bufs[3 * i];
    }

    /** Length of buffer {@code i} in bytes (unsigned 32-bit). */
    public long length(int i) {
        check(i);
        return bufs[3 * i + 2];
    }

    /** Whether buffer {@code i} is device-writable. */
    public boolean isWritable(int i) {
        check(i);
        return i >= readableCount;
    }

    /** Total device-readable bytes. */
    public long readableLength() {
        return readableBytes;
    }

    /** Total device-writable bytes: the most a used length may report. */
    public long writableLength() {
        return writableBytes;
    }

    /** A slice of buffer {@code i} (allocates; for tests and slow paths). */
    public MemorySegment buffer(int i) {
        check(i);
        if (segments[i] == null) {
            return MemorySegment.NULL;
        }
        return segments[i].asSlice(bufs[3 * i + 1], bufs[3 * i + 2]);
    }

    /**
     * Copies up to {@code length} bytes starting at byte {@code offset} of the readable stream into
     * {@code dst} at {@code dstOffset}; returns the number of bytes copied (less at the end of the stream).
     */
    public long readFromReadable(long offset, MemorySegment dst, long dstOffset, long length) {
        return transfer(0, readableCount, offset, dst, dstOffset, length, false);
    }

    /**
     * Copies up to {@code length} bytes of {@code src} from {@code srcOffset} into the writable stream at
     * byte {@code offset}; returns the number of bytes copied (less at the end of the stream).
     */
    public long writeToWritable(long offset, MemorySegment src, long srcOffset, long length) {
        return transfer(readableCount, count, offset, src, srcOffset, length, true);
    }

    private long transfer(int from, int to, long offset, MemorySegment other, long otherOffset, long length,
                          boolean toDevice) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length");
        }
        long done = 0;
        long skip = offset;
        for (int i = from; i < to && done < length; i++) {
            long len = bufs[3 * i + 2];
            if (skip >= len) {
                skip -= len;
                continue;
            }
            long n = Math.min(len - skip, length - done);
            if (toDevice) {
                MemorySegment.copy(other, otherOffset + done, segments[i], bufs[3 * i + 1] + skip, n);
            } else {
                MemorySegment.copy(segments[i], bufs[3 * i + 1] + skip, other, otherOffset + done, n);
            }
            done += n;
            skip = 0;
        }
        return done;
    }

    private void check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("buffer " + i + " of " + count);
        }
    }
}
