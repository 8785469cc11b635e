package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.DmaException;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link dev.jvirtio.dma.DmaMapper} for the no-IOMMU backend: there is no translation, so the IOVA of a
 * buffer is its physical address. {@link #iovaFor(MemorySegment)} finds that address (and refuses buffers
 * that are not physically contiguous); {@link #map} locks the memory and checks that the IOVA given is
 * exactly that address. Nothing is programmed into any IOMMU and nothing protects the rest of RAM.
 *
 * <pre>{@code
 * NoIommuDmaMapper m = (NoIommuDmaMapper) function.dmaMapper();
 * long iova = m.iovaFor(hugepage);      // the physical address
 * m.map(hugepage, iova, DmaAccess.READ_WRITE);
 * }</pre>
 *
 * <p>The first instance logs a loud warning that the device is not isolated.
 */
public final class NoIommuDmaMapper extends DmaMapperBase {
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final PagemapReader pagemap;

    /** A mapper using {@code pagemap} for translations. */
    public NoIommuDmaMapper(PagemapReader pagemap) {
        super(PagemapReader.BASE_PAGE, "no-IOMMU DMA mapper");
        this.pagemap = java.util.Objects.requireNonNull(pagemap, "pagemap");
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
     * @throws DmaException if the memory is not physically contiguous or physical addresses are hidden
     */
    public long iovaFor(MemorySegment memory) throws DmaException {
        lock(memory);
        return pagemap.contiguousPhysicalAddress(memory);
    }

    private static void lock(MemorySegment memory) throws DmaException {
        try {
            // mlock faults every page in and keeps it resident, so its frame stays what pagemap reports.
            Syscalls.mlock(memory);
        } catch (NativeIoException e) {
            throw new DmaException("cannot lock DMA memory (RLIMIT_MEMLOCK?): " + e.getMessage(), e);
        }
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
}
