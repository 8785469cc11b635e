package dev.jvirtio.vmtests;

import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.HugepageDmaAllocator;
import dev.jvirtio.dma.IovaAllocator;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.vfio.VfioPciFunction;
import java.io.IOException;

/**
 * Guest only: one function taken over through VFIO plus DMA memory for it (2 MiB hugepages, mapped through the
 * function's IOMMU), closed in the only safe order: pool (unmaps), allocator, then the function.
 * Drivers built on it ({@code UserspaceBlk}, {@code UserspaceNetTx}) must be closed first; they reset the
 * device, so no DMA can reach memory that is going away.
 *
 * @param function the VFIO function
 * @param memory   hugepage memory
 * @param pool     DMA regions mapped for {@code function}
 */
public record VfioSession(VfioPciFunction function, HugepageDmaAllocator memory, DmaPool pool)
        implements AutoCloseable {

    /**
     * Opens {@code bdf} (which the rig bound to vfio-pci) the way the rig's mode calls for ({@link Guest#vfioOptions()})
     * and gives it a hugepage pool. Fails the test when the function did not end up on the mode's backend.
     */
    public static VfioSession open(String bdf) throws IOException {
        VfioPciFunction f = VfioPciFunction.open(PciAddress.parse(bdf), Guest.vfioOptions());
        HugepageDmaAllocator memory = null;
        try {
            Guest.Mode mode = Guest.mode();
            if (f.backend() != mode.backend()) {
                throw new AssertionError(bdf + " opened through " + f.backend() + ", but mode " + mode.rigName()
                        + " must use " + mode.backend());
            }
            memory = HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_2M);
            // Without an IOMMU the mapper dictates every IOVA (the physical address), so the pool's IOVA
            // allocator is never asked; any will do.
            IovaAllocator iovas = mode.iommu() ? f.iommuInfo().newIovaAllocator() : IovaAllocator.forAddressBits(52);
            return new VfioSession(f, memory, new DmaPool(memory, iovas, f.dmaMapper()));
        } catch (IOException | RuntimeException | AssertionError e) {
            if (memory != null) {
                memory.close();
            }
            f.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            try {
                memory.close();
            } finally {
                function.close();
            }
        }
    }
}
