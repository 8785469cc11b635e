package dev.jvirtio.dma;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * An in-process IOMMU: the driver side maps host memory at IOVAs through {@link DmaMapper}; the device
 * side (software device model, tests, benchmarks) resolves IOVAs through {@link DeviceMemory}.
 *
 * <p>Like a real IOMMU it refuses what it has not been told: an unmapped IOVA, an access running past a
 * mapping, or a write to a read-only mapping raise {@link DmaFaultException}. Mappings are page-granular
 * ({@link #pageSize()}) and may not overlap.
 *
 * <p>Threading: map/unmap are synchronized (control path) and publish an immutable, sorted snapshot
 * through a volatile field; {@link #translate} reads the snapshot without locks and allocates nothing, so a
 * device thread may translate while the driver thread maps.
 *
 * <pre>{@code
 * SoftwareIommu iommu = new SoftwareIommu();
 * DmaPool pool = DmaPool.softwareIommu(iommu);
 * DmaRegion r = pool.allocate(4096, 4096);
 * MemorySegment seenByDevice = iommu.segment(r.iova(), 4096, DmaAccess.READ);
 * }</pre>
 */
public final class SoftwareIommu implements DmaMapper, DeviceMemory {
    /** Immutable sorted mapping table. */
    private static final class Table {
        final long[] first;
        final long[] last;
        final MemorySegment[] memory;
        final DmaAccess[] access;

        Table(long[] first, long[] last, MemorySegment[] memory, DmaAccess[] access) {
            this.first = first;
            this.last = last;
            this.memory = memory;
            this.access = access;
        }
    }

    private static final Table EMPTY = new Table(new long[0], new long[0], new MemorySegment[0], new DmaAccess[0]);

    private final long pageSize;
    private volatile Table table = EMPTY;
    private volatile boolean closed;

    /** A software IOMMU with 4 KiB pages. */
    public SoftwareIommu() {
        this(4096);
    }

    /** A software IOMMU with the given power-of-two page size. */
    public SoftwareIommu(long pageSize) {
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two: " + pageSize);
        }
        this.pageSize = pageSize;
    }

    @Override
    public long pageSize() {
        return pageSize;
    }

    @Override
    public synchronized void map(MemorySegment memory, long iova, DmaAccess access) {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(access, "access");
        if (closed) {
            throw new IllegalStateException("IOMMU is closed");
        }
        long len = memory.byteSize();
        if (len <= 0 || iova < 0 || (iova & (pageSize - 1)) != 0 || (len & (pageSize - 1)) != 0) {
            throw new IllegalArgumentException("mapping must be page-aligned and non-empty: iova 0x"
                    + Long.toHexString(iova) + ", length 0x" + Long.toHexString(len) + ", page 0x"
                    + Long.toHexString(pageSize));
        }
        long last = iova + len - 1;
        if (last < iova) {
            throw new IllegalArgumentException("mapping wraps the address space");
        }
        Table t = table;
        int pos = insertionPoint(t, iova);
        if (pos > 0 && t.last[pos - 1] >= iova || pos < t.first.length && t.first[pos] <= last) {
            throw new IllegalArgumentException("mapping at 0x" + Long.toHexString(iova) + " overlaps an existing one");
        }
        int n = t.first.length;
        long[] f = new long[n + 1];
        long[] l = new long[n + 1];
        MemorySegment[] m = new MemorySegment[n + 1];
        DmaAccess[] a = new DmaAccess[n + 1];
        copyWithGap(t, f, l, m, a, pos);
        f[pos] = iova;
        l[pos] = last;
        m[pos] = memory;
        a[pos] = access;
        table = new Table(f, l, m, a);
    }

    @Override
    public synchronized void unmap(long iova, long length) {
        Table t = table;
        int idx = Arrays.binarySearch(t.first, iova);
        if (idx < 0 || t.last[idx] - t.first[idx] + 1 != length) {
            throw new IllegalArgumentException("no mapping of 0x" + Long.toHexString(length) + " bytes at IOVA 0x"
                    + Long.toHexString(iova));
        }
        int n = t.first.length;
        long[] f = new long[n - 1];
        long[] l = new long[n - 1];
        MemorySegment[] m = new MemorySegment[n - 1];
        DmaAccess[] a = new DmaAccess[n - 1];
        System.arraycopy(t.first, 0, f, 0, idx);
        System.arraycopy(t.last, 0, l, 0, idx);
        System.arraycopy(t.memory, 0, m, 0, idx);
        System.arraycopy(t.access, 0, a, 0, idx);
        System.arraycopy(t.first, idx + 1, f, idx, n - idx - 1);
        System.arraycopy(t.last, idx + 1, l, idx, n - idx - 1);
        System.arraycopy(t.memory, idx + 1, m, idx, n - idx - 1);
        System.arraycopy(t.access, idx + 1, a, idx, n - idx - 1);
        table = new Table(f, l, m, a);
    }

    /** Number of live mappings. */
    public int mappingCount() {
        return table.first.length;
    }

    /** Whether some mapping covers {@code iova}. */
    public boolean isMapped(long iova) {
        Table t = table;
        int i = insertionPoint(t, iova + 1) - 1;
        return i >= 0 && iova >= t.first[i] && iova <= t.last[i];
    }

    @Override
    public void translate(long iova, long length, DmaAccess access, Translation out) {
        Table t = table;
        // IOTLB hit: the holder's cached mapping comes from the current snapshot (map, unmap and close
        // publish a new one, so a stale entry never matches; EMPTY is never cached), the whole range lies
        // inside it and the access is permitted: exactly what the full lookup below would conclude.
        if (out.cachedTable == t) {
            long room = out.cachedLast - iova;
            if (iova >= out.cachedFirst && room >= 0 && length >= 0 && length - 1 <= room
                    && out.cachedAccess.permits(access)) {
                out.setOffset(iova - out.cachedFirst);
                return;
            }
        }
        translateMiss(t, iova, length, access, out);
    }

    /** The full lookup: binary search of the snapshot, then range and access checks. */
    private void translateMiss(Table t, long iova, long length, DmaAccess access, Translation out) {
        boolean isClosed = closed;
        if (isClosed || iova < 0 || length < 0 || iova + length < iova) {
            throw refusal(isClosed ? DmaFaultException.Reason.IOMMU_CLOSED : DmaFaultException.Reason.INVALID_ADDRESS,
                    iova, length, access);
        }
        // Binary search for the last mapping whose first address is <= iova.
        long[] first = t.first;
        int lo = 0;
        int hi = first.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (first[mid] <= iova) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0 || iova > t.last[found]) {
            throw refusal(DmaFaultException.Reason.UNMAPPED, iova, length, access);
        }
        if (length > 0 && iova + length - 1 > t.last[found]) {
            throw refusal(DmaFaultException.Reason.CROSSES_MAPPING_END, iova, length, access);
        }
        if (!t.access[found].permits(access)) {
            throw refusal(DmaFaultException.Reason.ACCESS_DENIED, iova, length, access);
        }
        out.setCached(t.memory[found], iova - first[found], t, first[found], t.last[found], t.access[found]);
    }

    /** Builds the fault outside {@link #translate}, which device hot paths want inlined. */
    private static DmaFaultException refusal(DmaFaultException.Reason reason, long iova, long length, DmaAccess access) {
        return new DmaFaultException(reason, iova, length, access);
    }

    /** Removes every mapping; afterwards every translation faults with {@code IOMMU_CLOSED}. */
    @Override
    public synchronized void close() {
        closed = true;
        table = EMPTY;
    }

    private static int insertionPoint(Table t, long iova) {
        int idx = Arrays.binarySearch(t.first, iova);
        return idx >= 0 ? idx : -idx - 1;
    }

    private static void copyWithGap(Table t, long[] f, long[] l, MemorySegment[] m, DmaAccess[] a, int pos) {
        int n = t.first.length;
        System.arraycopy(t.first, 0, f, 0, pos);
        System.arraycopy(t.last, 0, l, 0, pos);
        System.arraycopy(t.memory, 0, m, 0, pos);
        System.arraycopy(t.access, 0, a, 0, pos);
        System.arraycopy(t.first, pos, f, pos + 1, n - pos);
        System.arraycopy(t.last, pos, l, pos + 1, n - pos);
        System.arraycopy(t.memory, pos, m, pos + 1, n - pos);
        System.arraycopy(t.access, pos, a, pos + 1, n - pos);
    }
}
