package dev.jvirtio.dma;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** On machines without free hugepages this checks the typed error; where they exist, a real allocation. */
class HugepageDmaAllocatorTest {

    @Test
    void allocatesOrExplainsHowToReserveHugepages() throws Exception {
        long free = HugepageDmaAllocator.freePages(HugepageDmaAllocator.SIZE_2M);
        try (HugepageDmaAllocator alloc = HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_2M)) {
            assertEquals(2L << 20, alloc.pageSize());
            if (free == 0) {
                HugepagesUnavailableException e = assertThrows(HugepagesUnavailableException.class,
                        () -> alloc.allocate(4096, 4096));
                assertEquals(1, e.neededPages());
                assertEquals(0, e.freePages());
                assertTrue(e.getMessage().contains("echo N > /proc/sys/vm/nr_hugepages"), e.getMessage());
                assertTrue(e.getMessage().contains("hugepages=N"), e.getMessage());
                assertEquals(0, alloc.outstanding());
            } else {
                DmaMemory m = alloc.allocate(4096, 4096);
                assertEquals(2L << 20, m.byteSize());
                assertEquals(0, m.segment().address() % (2L << 20));
                m.segment().set(ValueLayout.JAVA_LONG, (2L << 20) - 8, 7L);
                assertEquals(7L, m.segment().get(ValueLayout.JAVA_LONG, (2L << 20) - 8));
                m.close();
                assertThrows(IllegalStateException.class, m::segment);
            }
        }
    }

    @Test
    void theSystemCallPathAlsoFailsTyped() throws Exception {
        // Skip the sysfs pre-check: memfd/ftruncate/mmap(MAP_POPULATE) must fail with the same typed error.
        if (HugepageDmaAllocator.freePages(HugepageDmaAllocator.SIZE_2M) > 0) {
            return; // covered by the allocation test above
        }
        try (HugepageDmaAllocator alloc = HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_2M)) {
            HugepagesUnavailableException e = assertThrows(HugepagesUnavailableException.class,
                    () -> alloc.map(2L << 20));
            assertNotNull(e.getCause(), "carries the native error");
            assertTrue(e.getMessage().contains("nr_hugepages"), e.getMessage());
        }
    }

    @Test
    void oneGigabytePagesAreRefusedClearlyWhenUnsupported() {
        if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/sys/kernel/mm/hugepages/hugepages-1048576kB"))) {
            return;
        }
        HugepagesUnavailableException e = assertThrows(HugepagesUnavailableException.class,
                () -> HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_1G));
        assertTrue(e.getMessage().contains("1 GiB"), e.getMessage());
    }

    @Test
    void rejectsOtherPageSizes() {
        assertThrows(IllegalArgumentException.class, () -> HugepageDmaAllocator.create(4096));
    }
}
