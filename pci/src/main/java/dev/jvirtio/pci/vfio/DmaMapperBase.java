package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.DmaMapper;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Bookkeeping shared by the VFIO mappers: argument checks, the table of live mappings (so unmap takes
 * exactly what map was given and close removes everything), and the closed state. Subclasses only issue
 * the kernel calls.
 *
 * <p>Control path, thread-safe: map, unmap and close are synchronized. The table holds each mapped
 * segment, so memory from an automatic arena cannot be collected while the device may still reach it.
 */
abstract class DmaMapperBase implements DmaMapper {
    private static final System.Logger LOG = System.getLogger(DmaMapperBase.class.getName());

    /** One live mapping. */
    private record Mapping(long length, MemorySegment memory, DmaAccess access) {
    }

    private final long pageSize;
    private final String what;
    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
    private boolean closed;

    DmaMapperBase(long pageSize, String what) {
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two: " + pageSize);
        }
        this.pageSize = pageSize;
        this.what = what;
    }

    @Override
    public final long pageSize() {
        return pageSize;
    }

    /** Performs the mapping in the kernel. Arguments are already checked. */
    abstract void doMap(MemorySegment memory, long iova, DmaAccess access) throws IOException;

    /** Removes a mapping in the kernel; {@code iova, length} is exactly one earlier {@link #doMap}. */
    abstract void doUnmap(long iova, long length) throws IOException;

    /** Releases what the subclass owns, once, after every mapping is gone. */
    void afterClose() {
    }

    @Override
    public final synchronized void map(MemorySegment memory, long iova, DmaAccess access) throws IOException {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(access, "access");
        checkOpen();
        if (!memory.isNative()) {
            throw new IllegalArgumentException("DMA memory must be native, not a heap segment");
        }
        long len = memory.byteSize();
        long mask = pageSize - 1;
        if (len <= 0 || (len & mask) != 0 || (memory.address() & mask) != 0) {
            throw new IllegalArgumentException("DMA memory must be non-empty and aligned to whole pages of 0x"
                    + Long.toHexString(pageSize) + ": address 0x" + Long.toHexString(memory.address())
                    + ", length 0x" + Long.toHexString(len));
        }
        if (iova < 0 || (iova & mask) != 0) {
            throw new IllegalArgumentException("IOVA 0x" + Long.toHexString(iova) + " is not aligned to 0x"
                    + Long.toHexString(pageSize));
        }
        long last = iova + len - 1;
        if (last < iova) {
            throw new IllegalArgumentException("mapping at IOVA 0x" + Long.toHexString(iova) + " wraps");
        }
        Map.Entry<Long, Mapping> below = mappings.floorEntry(last);
        if (below != null && below.getKey() + below.getValue().length() - 1 >= iova) {
            throw new IllegalArgumentException("IOVA range [0x" + Long.toHexString(iova) + ", 0x"
                    + Long.toHexString(last) + "] overlaps the mapping at 0x" + Long.toHexString(below.getKey()));
        }
        doMap(memory, iova, access);
        mappings.put(iova, new Mapping(len, memory, access));
    }

    @Override
    public final synchronized void unmap(long iova, long length) throws IOException {
        checkOpen();
        Mapping m = mappings.get(iova);
        if (m == null || m.length() != length) {
            throw new IllegalArgumentException("no mapping of 0x" + Long.toHexString(length) + " bytes at IOVA 0x"
                    + Long.toHexString(iova) + (m == null ? "" : " (the mapping there has 0x"
                    + Long.toHexString(m.length()) + " bytes)"));
        }
        doUnmap(iova, length);
        mappings.remove(iova);
    }

    /** Number of live mappings. */
    public final synchronized int mappingCount() {
        return mappings.size();
    }

    /** Whether {@code iova} lies in a live mapping. */
    public final synchronized boolean isMapped(long iova) {
        Map.Entry<Long, Mapping> e = mappings.floorEntry(iova);
        return e != null && iova - e.getKey() < e.getValue().length();
    }

    /** Whether the mapper has been closed. */
    public final synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Removes every mapping (a failure is logged and the rest still go: the owner is tearing down, and the
     * kernel drops what is left when the container or IOAS goes), then refuses further use; idempotent.
     */
    @Override
    public final void close() {
        List<Map.Entry<Long, Mapping>> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(mappings.entrySet());
            for (Map.Entry<Long, Mapping> e : all) {
                try {
                    doUnmap(e.getKey(), e.getValue().length());
                } catch (IOException | RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, what + ": unmapping IOVA 0x" + Long.toHexString(e.getKey())
                            + " at close failed: " + ex.getMessage());
                }
            }
            mappings.clear();
        }
        afterClose();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
    }

    @Override
    public String toString() {
        return what + "[page 0x" + Long.toHexString(pageSize) + ", " + mappingCount() + " mappings]";
    }
}
