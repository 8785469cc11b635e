package dev.jvirtio.dma;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Physical addresses of host memory from {@code /proc/self/pagemap}, for VFIO noiommu mode where the device
 * uses physical addresses directly.
 *
 * <p>Each virtual page has one little-endian 64-bit entry at offset {@code (vaddr / pageSize) * 8}: bit 63
 * present, bit 62 swapped, bits 0-54 the page frame number. Since Linux 4.2 the PFN reads as 0 unless the
 * reader has CAP_SYS_ADMIN; this class reports that as {@link PagemapException.Reason#NO_PERMISSION} rather
 * than returning a bogus address 0. Only map memory that is locked (hugepages from
 * {@link HugepageDmaAllocator} are), or the translation can go stale.
 *
 * <pre>{@code
 * try (PagemapReader pagemap = PagemapReader.open()) {
 *     long phys = pagemap.physicalAddress(memory.segment(), 0);
 * }
 * }</pre>
 */
public final class PagemapReader implements AutoCloseable {
    private static final long PRESENT = 1L << 63;
    private static final long SWAPPED = 1L << 62;
    private static final long PFN_MASK = (1L << 55) - 1;

    private final FileChannel channel;
    private final long pageSize;
    private final Path path;
    private final ByteBuffer entry = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    private PagemapReader(Path path, long pageSize) throws PagemapException {
        this.path = path;
        this.pageSize = pageSize;
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new PagemapException(PagemapException.Reason.IO_ERROR, "cannot open " + path + ": " + e, e);
        }
    }

    /** Opens this process's pagemap (4 KiB base pages). */
    public static PagemapReader open() throws PagemapException {
        return new PagemapReader(Path.of("/proc/self/pagemap"), 4096);
    }

    /** Opens a pagemap-format file: a saved or synthetic one in tests, or another process's map. */
    public static PagemapReader open(Path file, long pageSize) throws PagemapException {
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two: " + pageSize);
        }
        return new PagemapReader(file, pageSize);
    }

    /** Physical address of byte {@code offset} of {@code segment} (a native segment). */
    public long physicalAddress(MemorySegment segment, long offset) throws PagemapException {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("heap segments have no stable physical address");
        }
        if (offset < 0 || offset >= segment.byteSize()) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside segment of " + segment.byteSize());
        }
        return physicalAddressOf(segment.address() + offset);
    }

    /**
     * Whether every page of {@code segment} maps to consecutive physical pages (true for one hugepage; what a
     * device without an IOMMU needs for a buffer larger than a page).
     */
    public boolean isPhysicallyContiguous(MemorySegment segment) throws PagemapException {
        long first = physicalAddress(segment, 0);
        long base = segment.address();
        for (long off = pageSize - (base % pageSize); off < segment.byteSize(); off += pageSize) {
            if (physicalAddress(segment, off) != first + off) {
                return false;
            }
        }
        return true;
    }

    /** Translation of a raw virtual address; package-private so raw addresses stay out of the public API. */
    synchronized long physicalAddressOf(long virtualAddress) throws PagemapException {
        long vpn = Long.divideUnsigned(virtualAddress, pageSize);
        long e = readEntry(vpn);
        if ((e & PRESENT) == 0) {
            throw new PagemapException(PagemapException.Reason.NOT_PRESENT, (e & SWAPPED) != 0
                    ? "page is swapped out: lock DMA memory (mlock) before asking for its physical address"
                    : "page is not present: touch and lock the memory (MAP_POPULATE + mlock) first", null);
        }
        long pfn = e & PFN_MASK;
        if (pfn == 0) {
            throw new PagemapException(PagemapException.Reason.NO_PERMISSION,
                    "pagemap PFN reads as 0: physical addresses need CAP_SYS_ADMIN (run as root) - noiommu mode "
                            + "cannot work without them", null);
        }
        return pfn * pageSize + Long.remainderUnsigned(virtualAddress, pageSize);
    }

    private long readEntry(long vpn) throws PagemapException {
        entry.clear();
        try {
            long pos = vpn * 8;
            while (entry.hasRemaining()) {
                int n = channel.read(entry, pos + entry.position());
                if (n < 0) {
                    throw new PagemapException(PagemapException.Reason.IO_ERROR,
                            "short read of " + path + " at entry " + vpn, null);
                }
            }
        } catch (IOException e) {
            throw new PagemapException(PagemapException.Reason.IO_ERROR, "cannot read " + path + ": " + e, e);
        }
        return entry.getLong(0);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only channel: nothing was written that could be lost
        }
    }
}
