package dev.jvirtio.dma;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Anonymous allocator, DmaMemory, DmaRegion, software IOMMU and DmaPool lifetimes. */
class DmaMemoryTest {

    @Test
    void anonymousMemoryIsPageAlignedZeroedAndClosedOnce() throws Exception {
        try (AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            DmaMemory m = alloc.allocate(100, 64);
            assertEquals(4096, m.byteSize(), "rounded up to a page");
            assertEquals(0, m.segment().address() % 4096);
            for (long i = 0; i < m.byteSize(); i += 8) {
                assertEquals(0, m.segment().get(ValueLayout.JAVA_LONG, i));
            }
            MemorySegment seg = m.segment();
            assertEquals(1, alloc.outstanding());
            m.close();
            m.close(); // idempotent
            assertEquals(0, alloc.outstanding());
            assertFalse(m.isAlive());
            assertThrows(IllegalStateException.class, m::segment);
            assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_LONG, 0), "freed memory is not touchable");
            DmaMemory big = alloc.allocate(1 << 20, 1 << 16);
            assertEquals(0, big.segment().address() % (1 << 16));
        }
    }

    @Test
    void closingTheAllocatorFreesEverythingAndRefusesMore() throws Exception {
        AnonymousDmaAllocator alloc = new AnonymousDmaAllocator();
        DmaMemory a = alloc.allocate(4096, 4096);
        DmaMemory b = alloc.allocate(8192, 4096);
        alloc.close();
        assertFalse(a.isAlive());
        assertFalse(b.isAlive());
        assertThrows(IllegalStateException.class, () -> alloc.allocate(4096, 4096));
        alloc.close();
    }

    @Test
    void regionSlicesAreBoundsCheckedAndShareTheLifetime() throws Exception {
        try (AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            DmaMemory m = alloc.allocate(8192, 4096);
            int[] released = new int[1];
            DmaRegion root = DmaRegion.owning(m.segment(), 0x100000, () -> released[0]++);
            DmaRegion s = root.slice(100, 50);
            assertEquals(0x100000 + 100, s.iova());
            assertEquals(0x100000 + 149, s.iova(49));
            assertEquals(0x100000 + 110, s.iova(10, 40));
            assertThrows(IndexOutOfBoundsException.class, () -> s.iova(50));
            assertThrows(IndexOutOfBoundsException.class, () -> s.iova(10, 41));
            assertThrows(IndexOutOfBoundsException.class, () -> s.iova(-1, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> root.slice(8000, 200));
            assertThrows(IllegalStateException.class, s::close, "slices cannot be closed");
            root.close();
            root.close();
            assertEquals(1, released[0], "released exactly once");
            assertFalse(s.isAlive());
            assertThrows(IllegalStateException.class, () -> s.iova(0));
            assertThrows(IllegalStateException.class, () -> s.iova(10, 40), "the hot-path range check too");
            assertThrows(IllegalStateException.class, () -> root.iova(0, 1));
            assertThrows(IllegalStateException.class, s::segment);
        }
    }

    @Test
    void aCloseOrderedBeforeTheCallIsSeenByTheRangeCheckOfAnotherThread() throws Exception {
        // iova(offset, length) reads the lifetime flag in plain mode; a close on another thread that
        // happens-before the call (here through Thread.join) must still make it throw.
        try (AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            DmaMemory m = alloc.allocate(4096, 4096);
            DmaRegion root = DmaRegion.owning(m.segment(), 0x200000, null);
            DmaRegion s = root.slice(0, 64);
            for (int i = 0; i < 20_000; i++) {
                assertEquals(0x200000 + (i & 31), s.iova(i & 31, 32)); // let the JIT compile the check
            }
            Thread closer = new Thread(root::close);
            closer.start();
            closer.join();
            assertThrows(IllegalStateException.class, () -> s.iova(0, 32));
        }
    }

    @Test
    @SuppressWarnings("try") // the IOMMU is closed explicitly mid-test to check the closed state
    void softwareIommuTranslatesAndFaults() throws Exception {
        try (AnonymousDmaAllocator alloc = new AnonymousDmaAllocator(); SoftwareIommu iommu = new SoftwareIommu()) {
            DmaMemory a = alloc.allocate(8192, 4096);
            DmaMemory ro = alloc.allocate(4096, 4096);
            iommu.map(a.segment(), 0x20000, DmaAccess.READ_WRITE);
            iommu.map(ro.segment(), 0x30000, DmaAccess.READ);
            a.segment().set(ValueLayout.JAVA_INT, 4100, 0xcafe);
            DeviceMemory.Translation t = new DeviceMemory.Translation();
            iommu.translate(0x20000 + 4100, 4, DmaAccess.READ, t);
            assertEquals(0xcafe, t.segment().get(ValueLayout.JAVA_INT, t.offset()));
            assertEquals(0xcafe, iommu.segment(0x21004, 4, DmaAccess.WRITE).get(ValueLayout.JAVA_INT, 0));
            assertFault(DmaFaultException.Reason.UNMAPPED, () -> iommu.translate(0x10000, 4, DmaAccess.READ, t));
            assertFault(DmaFaultException.Reason.UNMAPPED, () -> iommu.translate(0x22000, 1, DmaAccess.READ, t));
            assertFault(DmaFaultException.Reason.CROSSES_MAPPING_END, () -> iommu.translate(0x21ffe, 4, DmaAccess.READ, t));
            assertFault(DmaFaultException.Reason.ACCESS_DENIED, () -> iommu.translate(0x30000, 4, DmaAccess.WRITE, t));
            assertFault(DmaFaultException.Reason.INVALID_ADDRESS, () -> iommu.translate(-8, 4, DmaAccess.READ, t));
            assertFault(DmaFaultException.Reason.INVALID_ADDRESS,
                    () -> iommu.translate(Long.MAX_VALUE - 1, 4, DmaAccess.READ, t));
            assertThrows(IllegalArgumentException.class, () -> iommu.map(ro.segment(), 0x21000, DmaAccess.READ), "overlap");
            assertThrows(IllegalArgumentException.class, () -> iommu.map(ro.segment(), 0x40800, DmaAccess.READ), "misaligned");
            assertThrows(IllegalArgumentException.class, () -> iommu.unmap(0x20000, 4096), "partial unmap");
            assertTrue(iommu.isMapped(0x21fff));
            iommu.unmap(0x20000, 8192);
            assertFalse(iommu.isMapped(0x20000));
            assertFault(DmaFaultException.Reason.UNMAPPED, () -> iommu.translate(0x20000, 4, DmaAccess.READ, t));
            iommu.close();
            assertFault(DmaFaultException.Reason.IOMMU_CLOSED, () -> iommu.translate(0x30000, 4, DmaAccess.READ, t));
            assertThrows(IllegalStateException.class, () -> iommu.map(a.segment(), 0x50000, DmaAccess.READ));
        }
    }

    @Test
    void translationCacheAnswersOnlyWhatAFullLookupWould() throws Exception {
        try (AnonymousDmaAllocator alloc = new AnonymousDmaAllocator(); SoftwareIommu iommu = new SoftwareIommu()) {
            DmaMemory ro = alloc.allocate(8192, 4096);
            DmaMemory other = alloc.allocate(8192, 4096);
            iommu.map(ro.segment(), 0x20000, DmaAccess.READ);
            DeviceMemory.Translation t = new DeviceMemory.Translation();
            iommu.translate(0x20010, 16, DmaAccess.READ, t); // fills the cache with the read-only mapping
            for (long off : new long[] {0, 8, 4095, 8191}) {  // hits land on the right offsets
                iommu.translate(0x20000 + off, 1, DmaAccess.READ, t);
                assertEquals(off, t.offset());
                assertTrue(t.segment() == ro.segment());
            }
            iommu.translate(0x20000, 8192, DmaAccess.READ, t); // exactly the whole mapping
            iommu.translate(0x21fff, 0, DmaAccess.READ, t); // empty range at the last byte, as a full lookup allows
            assertEquals(8191, t.offset());
            // Each refusal right after a hit on the same mapping: the cache must not answer it.
            assertFault(DmaFaultException.Reason.ACCESS_DENIED, () -> iommu.translate(0x20010, 4, DmaAccess.WRITE, t));
            assertFault(DmaFaultException.Reason.ACCESS_DENIED, () -> iommu.translate(0x20010, 4, DmaAccess.READ_WRITE, t));
            assertFault(DmaFaultException.Reason.CROSSES_MAPPING_END, () -> iommu.translate(0x21ffc, 8, DmaAccess.READ, t));
            assertFault(DmaFaultException.Reason.CROSSES_MAPPING_END, () -> iommu.translate(0x20000, 8193, DmaAccess.READ, t));
            assertFault(DmaFaultException.Reason.UNMAPPED, () -> iommu.translate(0x1fff8, 4, DmaAccess.READ, t));
            assertFault(DmaFaultException.Reason.UNMAPPED, () -> iommu.translate(0x22000, 1, DmaAccess.READ, t));
            assertFault(DmaFaultException.Reason.INVALID_ADDRESS, () -> iommu.translate(0x20010, -1, DmaAccess.READ, t));
            assertFault(DmaFaultException.Reason.INVALID_ADDRESS,
                    () -> iommu.translate(0x20010, Long.MAX_VALUE, DmaAccess.READ, t));
            // A new mapping at the same IOVA after unmap: the stale entry must not be used.
            iommu.translate(0x20010, 4, DmaAccess.READ, t);
            iommu.unmap(0x20000, 8192);
            assertFault(DmaFaultException.Reason.UNMAPPED, () -> iommu.translate(0x20010, 4, DmaAccess.READ, t));
            iommu.map(other.segment(), 0x20000, DmaAccess.READ_WRITE);
            iommu.translate(0x20010, 4, DmaAccess.WRITE, t);
            assertTrue(t.segment() == other.segment(), "translated through the new mapping");
            assertEquals(0x10, t.offset());
            // Closing empties the table: a cached entry never outlives the IOMMU.
            iommu.close();
            assertFault(DmaFaultException.Reason.IOMMU_CLOSED, () -> iommu.translate(0x20010, 4, DmaAccess.WRITE, t));
        }
    }

    private static void assertFault(DmaFaultException.Reason reason, Runnable r) {
        DmaFaultException e = assertThrows(DmaFaultException.class, r::run);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @Test
    void poolRegionsAreMappedAndReleasedInOrderExactlyOnce() throws Exception {
        try (SoftwareIommu iommu = new SoftwareIommu()) {
            DmaPool pool = DmaPool.softwareIommu(iommu);
            DmaRegion r = pool.allocate(10_000, 4096);
            assertEquals(10_000, r.byteSize());
            assertEquals(0, r.iova() % 4096);
            assertTrue(r.iova() >= IovaAllocator.DEFAULT_FLOOR);
            assertEquals(1, iommu.mappingCount());
            r.segment().set(ValueLayout.JAVA_LONG, 8, 42L);
            assertEquals(42L, iommu.segment(r.iova(8), 8, DmaAccess.READ).get(ValueLayout.JAVA_LONG, 0),
                    "the device sees the CPU's bytes at the region's IOVA");
            DmaRegion r2 = pool.allocate(4096, 65536);
            assertEquals(0, r2.iova() % 65536);
            assertEquals(0, r2.segment().address() % 65536);
            assertEquals(2, pool.liveRegions());
            MemorySegment seg = r.segment();
            long iova = r.iova();
            r.close();
            assertEquals(1, iommu.mappingCount(), "unmapped");
            assertFalse(iommu.isMapped(iova));
            assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_LONG, 0), "memory freed");
            r.close();
            assertEquals(1, pool.liveRegions());
            DmaRegion r3 = pool.allocate(4096, 4096);
            assertEquals(iova, r3.iova(), "the freed IOVA is reused");
            pool.close();
            assertEquals(0, iommu.mappingCount());
            assertFalse(r2.isAlive());
            assertFalse(r3.isAlive());
            assertThrows(IllegalStateException.class, () -> pool.allocate(4096, 4096));
            pool.close();
        }
    }

    @Test
    @SuppressWarnings("try") // the IOMMU is closed explicitly to make every map fail
    void poolUndoesPartialAllocationWhenMappingFails() throws Exception {
        try (SoftwareIommu iommu = new SoftwareIommu(); AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            IovaAllocator iovas = IovaAllocator.forAddressBits(39);
            DmaPool pool = new DmaPool(alloc, iovas, iommu);
            iommu.close(); // every map now fails
            assertThrows(IllegalStateException.class, () -> pool.allocate(4096, 4096));
            assertEquals(0, alloc.outstanding(), "memory freed");
            assertEquals(0, iovas.allocationCount(), "IOVA returned");
            pool.close();
        }
    }

    /**
     * A mapper without an IOMMU: the IOVA must be what it says (here the CPU address plus a fixed offset, as a
     * physical address would be), the software IOMMU below only records what was mapped where.
     */
    private static final class DictatingMapper implements DmaMapper {
        final SoftwareIommu iommu = new SoftwareIommu();
        long offset = 0x4000_0000L;
        int asked;

        @Override
        public long pageSize() {
            return iommu.pageSize();
        }

        @Override
        public java.util.OptionalLong requiredIova(MemorySegment memory) throws DmaException {
            asked++;
            if (offset < 0) {
                throw new DmaException("not physically contiguous");
            }
            return java.util.OptionalLong.of(memory.address() + offset);
        }

        @Override
        public void map(MemorySegment memory, long iova, DmaAccess access) throws java.io.IOException {
            iommu.map(memory, iova, access);
        }

        @Override
        public void unmap(long iova, long length) throws java.io.IOException {
            iommu.unmap(iova, length);
        }

        @Override
        public void close() {
            iommu.close();
        }
    }

    @Test
    void aMapperThatDictatesTheIovaGetsItAndTheIovaAllocatorIsLeftAlone() throws Exception {
        try (DictatingMapper mapper = new DictatingMapper(); AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            IovaAllocator iovas = IovaAllocator.forAddressBits(39);
            try (DmaPool pool = new DmaPool(alloc, iovas, mapper)) {
                DmaRegion r = pool.allocate(8192, 4096);
                assertEquals(r.segment().address() + mapper.offset, r.iova(), "mapped where the mapper said");
                assertEquals(0, iovas.allocationCount(), "no IOVA taken from the allocator");
                assertTrue(mapper.iommu.isMapped(r.iova()));
                r.segment().set(ValueLayout.JAVA_LONG, 0, 7L);
                assertEquals(7L, mapper.iommu.segment(r.iova(), 8, DmaAccess.READ).get(ValueLayout.JAVA_LONG, 0));
                long iova = r.iova();
                r.close();
                assertFalse(mapper.iommu.isMapped(iova), "unmapped on close");
                assertEquals(0, iovas.allocationCount(), "nothing to give back to the allocator");

                mapper.offset = 0x4000_0800L; // a required IOVA that breaks the 4 KiB alignment asked for
                DmaException misaligned = assertThrows(DmaException.class, () -> pool.allocate(4096, 4096));
                assertTrue(misaligned.getMessage().contains("not aligned"), misaligned.getMessage());
                mapper.offset = -1; // the mapper cannot use this memory at all
                assertThrows(DmaException.class, () -> pool.allocate(4096, 4096));
                assertEquals(0, alloc.outstanding(), "refused allocations gave their memory back");
                assertEquals(0, mapper.iommu.mappingCount());
                assertEquals(0, pool.liveRegions());
            }
        }
    }

    @Test
    void poolExhaustionIsTypedAndFreesTheMemory() throws Exception {
        try (SoftwareIommu iommu = new SoftwareIommu(); AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            IovaAllocator iovas = new IovaAllocator(java.util.List.of(new IovaRange(0x10000, 0x1ffff)), 0x10000, 0x1ffff);
            try (DmaPool pool = new DmaPool(alloc, iovas, iommu)) {
                pool.allocate(0x10000, 4096);
                assertThrows(IovaExhaustedException.class, () -> pool.allocate(4096, 4096));
                assertEquals(1, alloc.outstanding());
            }
        }
    }

    @Test
    void bestAvailableSaysWhatItPicked() throws Exception {
        try (DmaAllocator a = DmaAllocator.bestAvailable()) {
            if (HugepageDmaAllocator.freePages(HugepageDmaAllocator.SIZE_2M) > 0) {
                assertTrue(a.description().contains("hugetlb"), a.description());
            } else {
                assertTrue(a.description().contains("anonymous"), a.description());
                assertEquals(4096, a.pageSize());
            }
        }
    }
}
