package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.ffm.Ioctl;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;
import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.ffm.gen.kabi_vfio_iommu_type1_dma_map;
import dev.jvirtio.ffm.gen.kabi_vfio_iommu_type1_dma_unmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link dev.jvirtio.dma.DmaMapper} over a type1 VFIO container: {@code VFIO_IOMMU_MAP_DMA} pins the pages
 * and maps them at the IOVA, {@code VFIO_IOMMU_UNMAP_DMA} removes exactly one earlier mapping.
 *
 * <p>Obtained from {@link VfioContainer#dmaMapper()} (or {@link VfioPciFunction#dmaMapper()}) and owned by
 * the container. Pinning counts against {@code RLIMIT_MEMLOCK} for non-root users; ENOMEM from the kernel
 * usually means that limit.
 *
 * <pre>{@code
 * DmaPool pool = new DmaPool(allocator, container.iommuInfo().newIovaAllocator(), container.dmaMapper());
 * }</pre>
 */
public final class Type1DmaMapper extends DmaMapperBase {
    private final VfioContainer container;

    Type1DmaMapper(VfioContainer container, long pageSize) {
        super(pageSize, "type1 DMA mapper of " + container.path());
        this.container = container;
    }

    /** VFIO's flags for a device access mode. */
    static int mapFlags(DmaAccess access) {
        return switch (access) {
            case READ -> Kabi.KABI_VFIO_DMA_MAP_FLAG_READ();
            case WRITE -> Kabi.KABI_VFIO_DMA_MAP_FLAG_WRITE();
            case READ_WRITE -> Kabi.KABI_VFIO_DMA_MAP_FLAG_READ() | Kabi.KABI_VFIO_DMA_MAP_FLAG_WRITE();
        };
    }

    @Override
    void doMap(MemorySegment memory, long iova, DmaAccess access) throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(kabi_vfio_iommu_type1_dma_map.layout());
            kabi_vfio_iommu_type1_dma_map.argsz(req, (int) kabi_vfio_iommu_type1_dma_map.layout().byteSize());
            kabi_vfio_iommu_type1_dma_map.flags(req, mapFlags(access));
            kabi_vfio_iommu_type1_dma_map.vaddr(req, memory.address());
            kabi_vfio_iommu_type1_dma_map.iova(req, iova);
            kabi_vfio_iommu_type1_dma_map.size(req, memory.byteSize());
            Syscalls.ioctl(container.fd(), Ioctl.VFIO_IOMMU_MAP_DMA, req, "VFIO_IOMMU_MAP_DMA",
                    container.path() + " iova 0x" + Long.toHexString(iova) + " size 0x"
                            + Long.toHexString(memory.byteSize()));
        } catch (NativeIoException e) {
            throw Native.failed(e, null, "DMA map (ENOMEM usually means RLIMIT_MEMLOCK is too low)");
        }
    }

    @Override
    void doUnmap(long iova, long length) throws VfioException {
        long unmapped;
        try (Arena arena = Arena.ofConfined()) {
            // The struct ends in a flexible dirty-bitmap array we do not use; pass the fixed part only.
            long size = kabi_vfio_iommu_type1_dma_unmap.layout().byteSize();
            MemorySegment req = arena.allocate(size, 8);
            req.set(ValueLayout.JAVA_INT, kabi_vfio_iommu_type1_dma_unmap.argsz$offset(), (int) size);
            req.set(ValueLayout.JAVA_LONG, kabi_vfio_iommu_type1_dma_unmap.iova$offset(), iova);
            req.set(ValueLayout.JAVA_LONG, kabi_vfio_iommu_type1_dma_unmap.size$offset(), length);
            Syscalls.ioctl(container.fd(), Ioctl.VFIO_IOMMU_UNMAP_DMA, req, "VFIO_IOMMU_UNMAP_DMA",
                    container.path() + " iova 0x" + Long.toHexString(iova));
            unmapped = req.get(ValueLayout.JAVA_LONG, kabi_vfio_iommu_type1_dma_unmap.size$offset());
        } catch (NativeIoException e) {
            throw Native.failed(e, null, "DMA unmap");
        }
        if (unmapped != length) {
            throw new VfioException(VfioException.Kind.BAD_KERNEL_REPLY, null, "VFIO_IOMMU_UNMAP_DMA at IOVA 0x"
                    + Long.toHexString(iova) + " removed 0x" + Long.toHexString(unmapped) + " bytes, expected 0x"
                    + Long.toHexString(length));
        }
    }
}
