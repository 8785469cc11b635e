package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.DmaException;
import dev.jvirtio.dma.PagemapReader;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link dev.jvirtio.dma.DmaMapper} for the no-IOMMU backend: there is no translation, so the IOVA of a
 * buffer is its physical address. {@link #iovaFor(MemorySegment)} finds that address through
 * {@code /proc/self/pagemap} and refuses buffers that are not physically contiguous (every page's frame
 * must follow the previous one); {@link #map} locks the memory and checks that the IOVA given is exactly
 * that address. Nothing is programmed into any IOMMU and nothing protects the rest of RAM. It reports that
 * address as {@link #requiredIova}, so a {@link dev.jvirtio.dma.DmaPool} over it works unchanged.
 *
 * <pre>{@code
 * NoIommuDmaMapper m = (NoIommuDmaMapper) function.dmaMapper();
 * long iova = m.iovaFor(hugepage);      // the physical address
 * m.map(hugepage, iova, DmaAccess.READ_WRITE);
 * }</pre>
 *
 * <p>Owns its {@link PagemapReader}. The first instance in a process logs a loud warning that the device
 * is not isolated.
 */
public final class NoIommuDmaMapper extends DmaMapperBase {
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    /** pagemap has one entry per 4 KiB base page, hugepages included. */
    static final long BASE_PAGE = 4096;

    private final PagemapReader pagemap;

    /** A mapper translating through {@code pagemap}, which it closes when it closes. */
    public NoIommuDmaMapper(PagemapReader pagemap) {
        super(BASE_PAGE, "no-IOMMU DMA mapper");
        this.pagemap = Objects.requireNonNull(pagemap, "pagemap");
        warnOnce();
    }

    /** Logs the no-isolation warning the first time any no-IOMMU mapper is made; returns whether it did. */
    static boolean warnOnce() {
        if (WARNED.compareAndSet(false, true)) {
            System.getLogger(NoIommuDmaMapper.class.getName()).log(System.Logger.Level.WARNING,
                    "VFIO NO-IOMMU MODE: THERE IS NO DMA ISOLATION. The device can read and write ALL physical "
                            + "memory of this machine; a bug or a malicious device can corrupt the kernel. "
                            + "Use only on disposable test systems.");
            return true;
        }
        return false;
    }

    /**
     * Locks {@code memory} into RAM and returns its physical address, the IOVA to give the device.
     *
     * @throws DmaException if the memory is not physically contiguous or physical addresses are hidden (not root)
     */
    public long iovaFor(MemorySegment memory) throws DmaException {
        if (!memory.isNative() || memory.byteSize() <= 0) {
            throw new IllegalArgumentException("DMA memory must be a non-empty native segment");
        }
        try {
            // mlock faults every page in and keeps it resident, so its frame stays what pagemap reports.
            Syscalls.mlock(memory);
        } catch (NativeIoException e) {
            throw new DmaException("cannot lock DMA memory (RLIMIT_MEMLOCK?): " + e.getMessage(), e);
        }
        return contiguousPhysicalAddress(pagemap, memory);
    }

    /**
     * Always the physical address ({@link #iovaFor}): a {@link dev.jvirtio.dma.DmaPool} over this mapper maps each
     * region there instead of at an IOVA of its own choosing.
     */
    @Override
    public OptionalLong requiredIova(MemorySegment memory) throws DmaException {
        return OptionalLong.of(iovaFor(memory));
    }

    /**
     * Physical address of {@code memory}'s first byte, after checking that every base page of it lies at
     * the frame after the previous page's: without an IOMMU one device address range must cover the buffer.
     *
     * @throws DmaException naming the first page out of sequence, or passing on the pagemap's reason
     */
    static long contiguousPhysicalAddress(PagemapReader pagemap, MemorySegment memory) throws DmaException {
        long first = pagemap.physicalAddress(memory, 0);
        long base = memory.address();
        for (long off = BASE_PAGE - (base & (BASE_PAGE - 1)); off < memory.byteSize(); off += BASE_PAGE) {
            long phys = pagemap.physicalAddress(memory, off);
            if (phys != first + off) {
                throw new DmaException("buffer of " + memory.byteSize() + " bytes is not physically contiguous: "
                        + "the page at offset 0x" + Long.toHexString(off) + " is at physical 0x"
                        + Long.toHexString(phys) + ", expected 0x" + Long.toHexString(first + off)
                        + "; without an IOMMU the device needs one contiguous block (use a hugepage)");
            }
        }
        return first;
    }

    @Override
    void doMap(MemorySegment memory, long iova, DmaAccess access) throws DmaException {
        long phys = iovaFor(memory);
        if (phys != iova) {
            throw new IllegalArgumentException("without an IOMMU the IOVA must be the physical address 0x"
                    + Long.toHexString(phys) + " (from iovaFor), not 0x" + Long.toHexString(iova));
        }
    }

    @Override
    void doUnmap(long iova, long length) {
        // Nothing was programmed; the memory stays locked until its owner unmaps it.
    }

    @Override
    void afterClose() {
        pagemap.close();
    }
}
