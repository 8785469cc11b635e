package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvirtio.dma.AnonymousDmaAllocator;
import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.IovaAllocator;
import dev.jvirtio.dma.IovaExhaustedException;
import dev.jvirtio.dma.IovaRange;
import dev.jvirtio.dma.SoftwareIommu;
import dev.jvirtio.virtq.packed.PackedVirtqueue;
import dev.jvirtio.virtq.split.SplitVirtqueue;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A queue whose allocation fails half-way (the rings fit, the indirect tables do not) gives back what it
 * already took: nothing stays allocated in the pool or mapped in the IOMMU.
 */
class QueueAllocationTest {
    /** One page of IOVA space: enough for the rings of a small queue, not for its indirect tables too. */
    private static DmaPool onePagePool(AnonymousDmaAllocator memory, SoftwareIommu iommu) {
        return new DmaPool(memory, new IovaAllocator(List.of(new IovaRange(0x10000, 0x10fff)), 0, 1L << 39), iommu);
    }

    private static final VirtqueueConfig INDIRECT =
            VirtqueueConfig.of(0, 8).withFeatures(RingFeatures.INDIRECT_DESC).withIndirect(8);

    @Test
    void splitQueueReleasesItsRingWhenTheIndirectTablesDoNotFit() throws Exception {
        try (AnonymousDmaAllocator memory = new AnonymousDmaAllocator(); SoftwareIommu iommu = new SoftwareIommu();
             DmaPool pool = onePagePool(memory, iommu)) {
            assertThrows(IovaExhaustedException.class, () -> SplitVirtqueue.allocate(INDIRECT, pool));
            assertEquals(0, pool.liveRegions());
            assertEquals(0, iommu.mappingCount());
            // The space is free again: the same queue without indirect tables fits.
            try (SplitVirtqueue q = SplitVirtqueue.allocate(VirtqueueConfig.of(0, 8), pool)) {
                assertEquals(8, q.freeDescriptors());
            }
        }
    }

    @Test
    void packedQueueReleasesItsRingWhenTheIndirectTablesDoNotFit() throws Exception {
        try (AnonymousDmaAllocator memory = new AnonymousDmaAllocator(); SoftwareIommu iommu = new SoftwareIommu();
             DmaPool pool = onePagePool(memory, iommu)) {
            assertThrows(IovaExhaustedException.class, () -> PackedVirtqueue.allocate(INDIRECT, pool));
            assertEquals(0, pool.liveRegions());
            assertEquals(0, iommu.mappingCount());
            try (PackedVirtqueue q = PackedVirtqueue.allocate(VirtqueueConfig.of(0, 8), pool)) {
                assertEquals(8, q.freeDescriptors());
            }
        }
    }
}
