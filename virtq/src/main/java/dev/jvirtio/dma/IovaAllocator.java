package dev.jvirtio.dma;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Allocator of I/O virtual address space for one IOMMU domain (a VFIO container, an iommufd IOAS, or
 * the software IOMMU).
 *
 * <p>The usable space is the intersection of the ranges the IOMMU reports, {@code [floor, ceiling]}
 * (the floor defaults to {@value #DEFAULT_FLOOR_HEX}, so IOVA 0 and the first pages, which real devices and
 * firmware treat specially, are never handed out; the ceiling is the device's addressing limit). Requests
 * are first-fit with power-of-two alignment; freed ranges coalesce with free neighbours so space is reused
 * without fragmentation creep. Misuse of {@link #free} (double free, interior or foreign address, size
 * mismatch) throws {@link IllegalIovaFreeException} and changes nothing.
 *
 * <pre>{@code
 * IovaAllocator iovas = IovaAllocator.forAddressBits(39);   // [0x10000, 2^39 - 1]
 * long iova = iovas.allocate(2 << 20, 2 << 20);
 * ...
 * iovas.free(iova, 2 << 20);
 * }</pre>
 *
 * <p>Thread-safe (control path; methods are synchronized).
 */
public final class IovaAllocator {
    /** Lowest IOVA handed out unless the caller chooses otherwise. */
    public static final long DEFAULT_FLOOR = 0x10000;
    private static final String DEFAULT_FLOOR_HEX = "0x10000";

    /** Free blocks: first address -> last address (inclusive). */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    /** Live allocations: first address -> size. */
    private final TreeMap<Long, Long> allocated = new TreeMap<>();
    private final List<IovaRange> managed;

    /**
     * Creates an allocator over {@code ranges} clipped to {@code [floor, ceiling]}.
     *
     * @param ranges  usable IOVA windows as the IOMMU reports them (may overlap or be unsorted)
     * @param floor   lowest address to hand out (use {@link #DEFAULT_FLOOR})
     * @param ceiling highest address (inclusive) the device can use
     * @throws IllegalArgumentException if nothing is usable
     */
    public IovaAllocator(List<IovaRange> ranges, long floor, long ceiling) {
        if (floor < 0 || ceiling < floor) {
            throw new IllegalArgumentException("invalid floor/ceiling 0x" + Long.toHexString(floor) + "/0x"
                    + Long.toHexString(ceiling));
        }
        List<IovaRange> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Long.compare(a.first(), b.first()));
        List<IovaRange> clipped = new ArrayList<>();
        for (IovaRange r : sorted) {
            long first = Math.max(r.first(), floor);
            long last = Math.min(r.last(), ceiling);
            if (first > last) {
                continue;
            }
            if (!clipped.isEmpty() && clipped.getLast().last() >= first - 1) {
                IovaRange prev = clipped.removeLast();
                clipped.add(new IovaRange(prev.first(), Math.max(prev.last(), last)));
            } else {
                clipped.add(new IovaRange(first, last));
            }
        }
        if (clipped.isEmpty()) {
            throw new IllegalArgumentException("no usable IOVA space in " + ranges + " within [0x"
                    + Long.toHexString(floor) + ", 0x" + Long.toHexString(ceiling) + "]");
        }
        for (IovaRange r : clipped) {
            free.put(r.first(), r.last());
        }
        this.managed = List.copyOf(clipped);
    }

    /** Allocator over {@code [DEFAULT_FLOOR, 2^addressBits - 1]}, e.g. 39 for a typical Intel VT-d domain. */
    public static IovaAllocator forAddressBits(int addressBits) {
        if (addressBits < 17 || addressBits > 63) {
            throw new IllegalArgumentException("address bits must be in 17..63: " + addressBits);
        }
        long ceiling = addressBits == 63 ? Long.MAX_VALUE : (1L << addressBits) - 1;
        return new IovaAllocator(List.of(new IovaRange(0, ceiling)), DEFAULT_FLOOR, ceiling);
    }

    /** The usable ranges after clipping to floor and ceiling. */
    public List<IovaRange> managedRanges() {
        return managed;
    }

    /**
     * Allocates {@code size} bytes of IOVA space at an address aligned to {@code alignment}.
     *
     * @throws IovaExhaustedException if no free block fits
     */
    public synchronized long allocate(long size, long alignment) throws IovaExhaustedException {
        DmaAllocator.checkRequest(size, alignment);
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            long first = e.getKey();
            long last = e.getValue();
            long start = (first + alignment - 1) & -alignment;
            if (start < first) {
                continue; // alignment overflowed past the top of the address space
            }
            long end = start + size - 1;
            if (end < start || end > last) {
                continue;
            }
            free.remove(first);
            if (start > first) {
                free.put(first, start - 1);
            }
            if (end < last) {
                free.put(end + 1, last);
            }
            allocated.put(start, size);
            return start;
        }
        throw new IovaExhaustedException(size, alignment, largestFreeBlock(), totalFree());
    }

    /**
     * Returns {@code [iova, iova + size)} to the free space, merging it with adjacent free blocks.
     *
     * @throws IllegalIovaFreeException if {@code iova} is not the start of a live allocation of {@code size}
     */
    public synchronized void free(long iova, long size) {
        Long allocatedSize = allocated.get(iova);
        if (allocatedSize == null) {
            throw new IllegalIovaFreeException(classify(iova), iova, "not the start of a live allocation");
        }
        if (allocatedSize != size) {
            throw new IllegalIovaFreeException(IllegalIovaFreeException.Kind.SIZE_MISMATCH, iova,
                    "allocated 0x" + Long.toHexString(allocatedSize) + " bytes, freeing 0x" + Long.toHexString(size));
        }
        allocated.remove(iova);
        long first = iova;
        long last = iova + size - 1;
        Map.Entry<Long, Long> below = free.floorEntry(iova);
        if (below != null && below.getValue() == first - 1) {
            first = below.getKey();
            free.remove(below.getKey());
        }
        Long aboveLast = last == Long.MAX_VALUE ? null : free.remove(last + 1);
        if (aboveLast != null) {
            last = aboveLast;
        }
        free.put(first, last);
    }

    private IllegalIovaFreeException.Kind classify(long iova) {
        Map.Entry<Long, Long> a = allocated.floorEntry(iova);
        if (a != null && iova - a.getKey() < a.getValue()) {
            return IllegalIovaFreeException.Kind.INTERIOR_ADDRESS;
        }
        Map.Entry<Long, Long> f = free.floorEntry(iova);
        if (f != null && iova <= f.getValue()) {
            return IllegalIovaFreeException.Kind.DOUBLE_FREE;
        }
        return IllegalIovaFreeException.Kind.FOREIGN;
    }

    /** Size of the largest free block in bytes. */
    public synchronized long largestFreeBlock() {
        long best = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            best = Math.max(best, blockSize(e.getKey(), e.getValue()));
        }
        return best;
    }

    /** Total free bytes (saturating). */
    public synchronized long totalFree() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            sum += blockSize(e.getKey(), e.getValue());
            if (sum < 0) {
                return Long.MAX_VALUE;
            }
        }
        return sum;
    }

    /** Number of disjoint free blocks (1 after everything has been freed: coalescing is complete). */
    public synchronized int freeBlockCount() {
        return free.size();
    }

    /** Number of live allocations. */
    public synchronized int allocationCount() {
        return allocated.size();
    }

    private static long blockSize(long first, long last) {
        long s = last - first + 1;
        return s <= 0 ? Long.MAX_VALUE : s;
    }
}
