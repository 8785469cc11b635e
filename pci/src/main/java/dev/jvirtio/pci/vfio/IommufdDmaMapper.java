package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaAccess;

import java.lang.foreign.MemorySegment;

/**
 * {@link dev.jvirtio.dma.DmaMapper} over an iommufd IOAS: {@code IOMMU_IOAS_MAP} with a fixed IOVA and
 * {@code IOMMU_IOAS_UNMAP}. Obtained from {@link Iommufd#dmaMapper()} and owned by it.
 *
 * <pre>{@code
 * DmaPool pool = new DmaPool(allocator, iommufd.iommuInfo().newIovaAllocator(), iommufd.dmaMapper());
 * }</pre>
 */
public final class IommufdDmaMapper extends DmaMapperBase {
    private final Iommufd iommufd;

    IommufdDmaMapper(Iommufd iommufd, long pageSize, String path) {
        super(pageSize, "iommufd DMA mapper of " + path);
        this.iommufd = iommufd;
    }

    @Override
    void doMap(MemorySegment memory, long iova, DmaAccess access) throws VfioException {
        iommufd.map(memory, iova, access);
    }

    @Override
    void doUnmap(long iova, long length) throws VfioException {
        iommufd.unmap(iova, length);
    }
}
