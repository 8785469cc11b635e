package dev.jvirtio.vmtests;

import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.HugepageDmaAllocator;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.vfio.VfioOptions;
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

    /** Opens {@code bdf} (which the rig bound to vfio-pci) with the default backend and a hugepage pool. */
    public static VfioSession open(String bdf) throws IOException {
        VfioPciFunction f = VfioPciFunction.open(PciAddress.parse(bdf), VfioOptions.defaults());
        HugepageDmaAllocator memory = null;
        try {
            memory = HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_2M);
            return new VfioSession(f, memory, new DmaPool(memory, f.iommuInfo().newIovaAllocator(), f.dmaMapper()));
        } catch (IOException | RuntimeException e) {
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
