package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Translates virtual addresses of this process to physical ones through {@code /proc/self/pagemap}, for
 * the no-IOMMU backend where a device DMAs to physical addresses.
 *
 * <p>Each virtual page has one 64-bit host-endian entry at file offset {@code (vaddr / pageSize) * 8}:
 * bit 63 says the page is present in RAM, bits 0-54 hold its page frame number. Since Linux 4.2 the frame
 * number reads as 0 without {@code CAP_SYS_ADMIN}, so this only works for root; that case is reported as
 * such rather than as address 0.
 *
 * <pre>{@code
 * PagemapReader pagemap = new PagemapReader();
 * long phys = pagemap.contiguousPhysicalAddress(hugepageSegment);   // refuses scattered memory
 * }</pre>
 */
public final class PagemapReader {
    /** The running process's page map. */
    public static final Path SELF = Path.of("/proc/self/pagemap");
    /** x86-64 base page size: pagemap has one entry per base page, hugepages included. */
    public static final long BASE_PAGE = 4096;

    static final long PRESENT = 1L << 63;
    static final long PFN_MASK = (1L << 55) - 1;

    private final Path file;
    private final long pageSize;

    /** Reads {@link #SELF} with 4 KiB pages. */
    public PagemapReader() {
        this(SELF, BASE_PAGE);
    }

    /** Reads {@code file} (a copy or fake, in tests) with {@code pageSize}-byte pages. */
    public PagemapReader(Path file, long pageSize) {
        this.file = Objects.requireNonNull(file, "file");
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two: " + pageSize);
        }
        this.pageSize = pageSize;
    }

    /** Physical address of the byte at {@code vaddr}. */
    public long physicalAddress(long vaddr) throws DmaException {
        return contiguousPhysicalAddress(vaddr, 1);
    }

    /** {@link #contiguousPhysicalAddress(long, long)} for a native segment. */
    public long contiguousPhysicalAddress(MemorySegment memory) throws DmaException {
        if (!memory.isNative()) {
            throw new IllegalArgumentException("a heap segment has no stable physical address");
        }
        return contiguousPhysicalAddress(memory.address(), memory.byteSize());
    }

    /**
     * Physical address of {@code vaddr}, after checking that every page of {@code [vaddr, vaddr + length)}
     * is present and that their frames are consecutive, so one device address range covers the buffer.
     *
     * @throws DmaException naming the first page that is absent or out of sequence, or saying that frame
     *                      numbers are hidden (not root)
     */
    public long contiguousPhysicalAddress(long vaddr, long length) throws DmaException {
        if (vaddr < 0 || length <= 0 || vaddr + length < vaddr) {
            throw new IllegalArgumentException("invalid range 0x" + Long.toHexString(vaddr) + " + " + length);
        }
        long firstPage = vaddr / pageSize;
        long lastPage = (vaddr + length - 1) / pageSize;
        long pages = lastPage - firstPage + 1;
        if (pages > (1 << 24)) {
            throw new IllegalArgumentException("range of " + pages + " pages is too large to check");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (pages * 8)).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = firstPage * 8;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos + buf.position());
                if (n < 0) {
                    throw new DmaException(file + " ends before the entry of page 0x"
                            + Long.toHexString((firstPage + buf.position() / 8) * pageSize));
                }
            }
        } catch (DmaException e) {
            throw e;
        } catch (IOException e) {
            throw new DmaException("cannot read " + file + ": " + e.getMessage()
                    + " (physical addresses need root)", e);
        }
        buf.flip();
        long firstPfn = -1;
        for (long i = 0; i < pages; i++) {
            long entry = buf.getLong();
            long va = (firstPage + i) * pageSize;
            if ((entry & PRESENT) == 0) {
                throw new DmaException("page at 0x" + Long.toHexString(va) + " is not present in RAM "
                        + "(touch and mlock DMA memory before asking for its physical address)");
            }
            long pfn = entry & PFN_MASK;
            if (pfn == 0) {
                throw new DmaException(file + " hides page frame numbers: physical addresses need root "
                        + "(CAP_SYS_ADMIN)");
            }
            if (i == 0) {
                firstPfn = pfn;
            } else if (pfn != firstPfn + i) {
                throw new DmaException("buffer at 0x" + Long.toHexString(vaddr) + " (" + length
                        + " bytes) is not physically contiguous: page " + i + " at 0x" + Long.toHexString(va)
                        + " is frame 0x" + Long.toHexString(pfn) + ", expected 0x" + Long.toHexString(firstPfn + i)
                        + "; without an IOMMU the device needs one contiguous block (use hugepages)");
            }
        }
        return firstPfn * pageSize + (vaddr - firstPage * pageSize);
    }
}
