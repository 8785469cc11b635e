package dev.jvirtio.dma;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The alignment contract of {@link DmaAllocator}: up to maxAlignment() honoured, above it refused by name. */
class DmaAllocatorAlignmentTest {

    private static void assertRefusal(IllegalArgumentException e, long asked, long max, String description) {
        String msg = e.getMessage();
        assertTrue(msg.contains("0x" + Long.toHexString(asked)), msg);
        assertTrue(msg.contains("0x" + Long.toHexString(max)), msg);
        assertTrue(msg.contains(description), msg);
        assertTrue(msg.contains("maxAlignment()"), msg);
    }

    @Test
    void anonymousMemoryHonoursLargeAlignmentsUpToOneGibibyteAndRefusesMore() throws Exception {
        try (AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            assertEquals(1L << 30, alloc.maxAlignment());
            for (long align : new long[] {1, 64, 4096, 1 << 16, 2L << 20, 1L << 30}) {
                DmaMemory m = alloc.allocate(4096, align);
                assertEquals(0, m.segment().address() % Math.max(align, 4096), "alignment " + align);
                m.close();
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> alloc.allocate(4096, 2L << 30));
            assertRefusal(e, 2L << 30, 1L << 30, alloc.description());
            assertThrows(IllegalArgumentException.class, () -> alloc.allocate(4096, 3 * 4096), "not a power of two");
            assertEquals(0, alloc.outstanding(), "refusals allocate nothing");
        }
    }

    @Test
    void hugepagesAreAlignedToTheirPageSizeAndRefuseMore() throws Exception {
        try (HugepageDmaAllocator alloc = HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_2M)) {
            assertEquals(2L << 20, alloc.maxAlignment());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> alloc.allocate(4096, 4L << 20));
            assertRefusal(e, 4L << 20, 2L << 20, alloc.description());
            // Up to the page size the request is accepted: it either gets memory or, without free
            // hugepages, the typed shortage, never the alignment refusal.
            for (long align : new long[] {4096, 2L << 20}) {
                try {
                    DmaMemory m = alloc.allocate(4096, align);
                    assertEquals(0, m.segment().address() % (2L << 20));
                    m.close();
                } catch (HugepagesUnavailableException shortage) {
                    assertEquals(1, shortage.neededPages());
                }
            }
            assertEquals(0, alloc.outstanding());
        }
    }

    @Test
    void everyAllocatorRefusesTwiceItsMaximumAndAPoolPassesTheRefusalOn() throws Exception {
        List<DmaAllocator> all = List.of(new AnonymousDmaAllocator(),
                HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_2M));
        for (DmaAllocator alloc : all) {
            try (alloc; SoftwareIommu iommu = new SoftwareIommu()) {
                long max = alloc.maxAlignment();
                assertTrue(max >= alloc.pageSize() && Long.bitCount(max) == 1, alloc.description());
                assertRefusal(assertThrows(IllegalArgumentException.class, () -> alloc.allocate(4096, max << 1)),
                        max << 1, max, alloc.description());
                IovaAllocator iovas = IovaAllocator.forAddressBits(39);
                try (DmaPool pool = new DmaPool(alloc, iovas, iommu)) {
                    assertRefusal(assertThrows(IllegalArgumentException.class, () -> pool.allocate(4096, max << 1)),
                            max << 1, max, alloc.description());
                    assertEquals(0, iovas.allocationCount());
                    assertEquals(0, iommu.mappingCount());
                }
            }
        }
    }
}
