package dev.jvirtio.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.dma.DmaMemory;
import dev.jvirtio.dma.HugepageDmaAllocator;
import dev.jvirtio.dma.HugepagesUnavailableException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Guest: the {@link HugepageDmaAllocator} success path, which the host (no hugepages) cannot reach. The test
 * reserves extra 2 MiB pages at run time through {@code /proc/sys/vm/nr_hugepages}, as a user would, takes
 * exactly those, and gives the pool back its original size afterwards (the rig's other tests count on it).
 */
@Tag(Guest.TAG)
class HugepageGuestTest {
    private static final Path NR_HUGEPAGES = Path.of("/proc/sys/vm/nr_hugepages");
    private static final long PAGE_2M = HugepageDmaAllocator.SIZE_2M;
    /** Pages the test adds to the pool and then allocates in one block. */
    private static final long EXTRA = 4;

    @BeforeEach
    void onlyInGuest() {
        Guest.assumeGuest();
    }

    @Test
    void pagesReservedAtRunTimeAreFaultedInZeroedUsableAndGivenBack() throws Exception {
        // Read through sysfs: /proc/sys files answer only a read at offset 0, and Files.readString reads the
        // first byte on its own (the file reports size 0), so it would see "6" of "64".
        long reserved0 = HugepageDmaAllocator.reservedPages(PAGE_2M);
        assertTrue(reserved0 > 0, "the rig boots with hugepages=N");
        long free0 = HugepageDmaAllocator.freePages(PAGE_2M);
        Files.writeString(NR_HUGEPAGES, (reserved0 + EXTRA) + "\n");
        try {
            assertEquals(reserved0 + EXTRA, HugepageDmaAllocator.reservedPages(PAGE_2M), "nr_hugepages took");
            assertEquals(free0 + EXTRA, HugepageDmaAllocator.freePages(PAGE_2M), "the new pages are free");
            try (HugepageDmaAllocator alloc = HugepageDmaAllocator.create(PAGE_2M)) {
                allocateCheckAndFree(alloc, free0 + EXTRA);
            }
            assertEquals(free0 + EXTRA, HugepageDmaAllocator.freePages(PAGE_2M), "all pages free again");
        } finally {
            Files.writeString(NR_HUGEPAGES, reserved0 + "\n");
        }
        assertEquals(reserved0, HugepageDmaAllocator.reservedPages(PAGE_2M), "pool restored");
        assertEquals(free0, HugepageDmaAllocator.freePages(PAGE_2M));
    }

    private static void allocateCheckAndFree(HugepageDmaAllocator alloc, long freeBefore) throws IOException {
        long bytes = EXTRA * PAGE_2M;
        long hugetlb0 = procStatusKib("HugetlbPages");
        long vmLck0 = procStatusKib("VmLck");
        DmaMemory m = alloc.allocate(bytes - PAGE_2M + 1, 4096); // rounds up to exactly EXTRA pages
        long hugetlb1 = procStatusKib("HugetlbPages");
        long vmLck1 = procStatusKib("VmLck");
        System.out.println("HugepageGuestTest: HugetlbPages " + hugetlb0 + " -> " + hugetlb1 + " kB, VmLck "
                + vmLck0 + " -> " + vmLck1 + " kB, free 2 MiB pages " + freeBefore + " -> "
                + HugepageDmaAllocator.freePages(PAGE_2M));
        assertEquals(bytes, m.byteSize());
        assertEquals(0, m.segment().address() % PAGE_2M, "2 MiB-aligned");
        assertEquals(1, alloc.outstanding());
        // MAP_POPULATE: the pages are faulted in now, taken from the pool, not merely reserved.
        assertTrue(hugetlb1 >= hugetlb0 + bytes / 1024, "HugetlbPages " + hugetlb0 + " -> " + hugetlb1 + " kB");
        assertEquals(freeBefore - EXTRA, HugepageDmaAllocator.freePages(PAGE_2M), "free_hugepages");
        // The mlock went through, and, as Linux (mm/mlock.c) has it, hugetlb mappings are not counted as
        // locked: if a kernel ever does count them, the allocator's javadoc and virtq/README.md need updating.
        assertEquals(vmLck0, vmLck1, "VmLck does not count hugetlb memory");

        MemorySegment seg = m.segment();
        try (Arena a = Arena.ofConfined()) {
            assertEquals(-1, seg.mismatch(a.allocate(bytes, 8)), "fresh hugepages are zeroed");
        }
        for (long page = 0; page < EXTRA; page++) {
            long first = page * PAGE_2M;
            long last = first + PAGE_2M - 8;
            seg.set(ValueLayout.JAVA_LONG, first, 0x6a76697274696f00L | page);
            seg.set(ValueLayout.JAVA_LONG, last, ~page);
        }
        for (long page = 0; page < EXTRA; page++) {
            assertEquals(0x6a76697274696f00L | page, seg.get(ValueLayout.JAVA_LONG, page * PAGE_2M));
            assertEquals(~page, seg.get(ValueLayout.JAVA_LONG, (page + 1) * PAGE_2M - 8));
        }

        m.close();
        assertEquals(hugetlb0, procStatusKib("HugetlbPages"), "munmap gave the pages back");
        assertEquals(vmLck0, procStatusKib("VmLck"));
        assertEquals(freeBefore, HugepageDmaAllocator.freePages(PAGE_2M));
        assertEquals(0, alloc.outstanding());
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_LONG, 0), "no access after close");
    }

    @Test
    void oneGibibytePagesEitherWorkOrAreRefusedWithTheTypedMessage() throws Exception {
        HugepageDmaAllocator alloc;
        try {
            alloc = HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_1G);
        } catch (HugepagesUnavailableException e) { // the kernel offers no 1 GiB pool at all
            System.out.println("HugepageGuestTest: " + e.getMessage());
            assertTrue(e.getMessage().contains("1 GiB hugepages are not supported here"), e.getMessage());
            assertTrue(e.getMessage().contains("hugepagesz=1G"), e.getMessage());
            return;
        }
        try (alloc) {
            long free = HugepageDmaAllocator.freePages(HugepageDmaAllocator.SIZE_1G);
            if (free == 0) {
                HugepagesUnavailableException e = assertThrows(HugepagesUnavailableException.class,
                        () -> alloc.allocate(4096, 4096));
                System.out.println("HugepageGuestTest: " + e.getMessage());
                assertEquals(HugepageDmaAllocator.SIZE_1G, e.pageSize());
                assertEquals(1, e.neededPages());
                assertEquals(0, e.freePages());
                assertTrue(e.getMessage().contains("not enough free 1 GiB hugepages: need 1, free 0"), e.getMessage());
                assertTrue(e.getMessage().contains("hugepagesz=1G hugepages=N"), e.getMessage());
                assertEquals(0, alloc.outstanding());
            } else {
                long hugetlb0 = procStatusKib("HugetlbPages");
                DmaMemory m = alloc.allocate(4096, 4096);
                assertEquals(HugepageDmaAllocator.SIZE_1G, m.byteSize());
                assertEquals(0, m.segment().address() % HugepageDmaAllocator.SIZE_1G);
                assertTrue(procStatusKib("HugetlbPages") >= hugetlb0 + (HugepageDmaAllocator.SIZE_1G >> 10));
                m.segment().set(ValueLayout.JAVA_LONG, HugepageDmaAllocator.SIZE_1G - 8, 42L);
                assertEquals(42L, m.segment().get(ValueLayout.JAVA_LONG, HugepageDmaAllocator.SIZE_1G - 8));
                m.close();
                assertEquals(hugetlb0, procStatusKib("HugetlbPages"));
            }
        }
    }

    /** A {@code kB} field of /proc/self/status ("HugetlbPages", "VmLck"). */
    private static long procStatusKib(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
            }
        }
        throw new AssertionError("no " + field + " in /proc/self/status");
    }
}
