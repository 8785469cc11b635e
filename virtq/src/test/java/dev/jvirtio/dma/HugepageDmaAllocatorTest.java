package dev.jvirtio.dma;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * On machines without free hugepages this checks the typed error; where they exist, a real allocation (the
 * vm-tests guest, which reserves hugepages, runs the same success path: HugepageGuestTest).
 */
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
                assertSuccessPath(alloc, Math.min(free, 2));
            }
        }
    }

    /**
     * The success path: the pages are faulted in at allocation (the process's HugetlbPages grows by the
     * size, and shrinks back at close), aligned, zeroed, usable to the last byte, and unmapped at close.
     * (VmLck is not the measure: Linux does not count hugetlb mappings as locked, see the allocator.)
     */
    static void assertSuccessPath(HugepageDmaAllocator alloc, long pages) throws Exception {
        long page = alloc.pageSize();
        long bytes = pages * page;
        long before = procStatusKib("HugetlbPages");
        DmaMemory m = alloc.allocate(bytes - page + 1, 4096); // rounds up to exactly `pages` pages
        assertEquals(bytes, m.byteSize());
        assertEquals(0, m.segment().address() % page, "hugepage-aligned");
        assertEquals(1, alloc.outstanding());
        assertTrue(procStatusKib("HugetlbPages") >= before + bytes / 1024,
                "MAP_POPULATE faulted every page in: HugetlbPages " + before + " kB -> "
                        + procStatusKib("HugetlbPages") + " kB");
        assertZeroed(m.segment());
        m.segment().set(ValueLayout.JAVA_LONG, 0, 0x1122334455667788L);
        m.segment().set(ValueLayout.JAVA_LONG, bytes - 8, 7L);
        assertEquals(0x1122334455667788L, m.segment().get(ValueLayout.JAVA_LONG, 0));
        assertEquals(7L, m.segment().get(ValueLayout.JAVA_LONG, bytes - 8));
        java.lang.foreign.MemorySegment seg = m.segment();
        m.close();
        assertEquals(before, procStatusKib("HugetlbPages"), "munmap gave the pages back");
        assertEquals(0, alloc.outstanding());
        assertThrows(IllegalStateException.class, m::segment);
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_LONG, 0), "no access after close");
    }

    /** Every byte of {@code s} is zero (compared in bulk against fresh zeroed memory). */
    static void assertZeroed(java.lang.foreign.MemorySegment s) {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment zeros = a.allocate(s.byteSize(), 8);
            assertEquals(-1, s.mismatch(zeros), "memory is zeroed");
        }
    }

    /** A {@code kB} field of /proc/self/status, e.g. "HugetlbPages" or "VmLck". */
    static long procStatusKib(String field) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
            }
        }
        throw new AssertionError("no " + field + " in /proc/self/status");
    }

    @Test
    void procStatusFieldsTheSuccessPathReadsExist() throws Exception {
        // The success path runs only where hugepages are free; make sure its probe works everywhere.
        assertTrue(procStatusKib("HugetlbPages") >= 0);
        assertTrue(procStatusKib("VmLck") >= 0);
        assertThrows(AssertionError.class, () -> procStatusKib("NoSuchField"));
    }

    @Test
    void theZeroCheckSeesASingleNonZeroByte() {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment s = a.allocate(1 << 16, 8);
            assertZeroed(s);
            s.set(ValueLayout.JAVA_BYTE, (1 << 16) - 1, (byte) 1);
            assertThrows(AssertionError.class, () -> assertZeroed(s));
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
