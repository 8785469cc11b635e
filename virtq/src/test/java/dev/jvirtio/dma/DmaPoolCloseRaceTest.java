package dev.jvirtio.dma;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * B6: a pool (or allocator) closed while an allocation is half done must not end up with memory that
 * nobody releases. The close is made to land exactly in the window, from inside the mapper or the
 * backing, so the interleaving is deterministic.
 */
class DmaPoolCloseRaceTest {

    /** A software IOMMU that runs an action inside {@link #map}, before the mapping exists. */
    private static final class InterruptingMapper implements DmaMapper {
        final SoftwareIommu iommu = new SoftwareIommu();
        Runnable duringMap;
        boolean failUnmap;

        @Override
        public long pageSize() {
            return iommu.pageSize();
        }

        @Override
        public void map(MemorySegment memory, long iova, DmaAccess access) throws IOException {
            Runnable r = duringMap;
            duringMap = null;
            if (r != null) {
                r.run();
            }
            iommu.map(memory, iova, access);
        }

        @Override
        public void unmap(long iova, long length) throws IOException {
            if (failUnmap) {
                throw new IOException("unmap refused");
            }
            iommu.unmap(iova, length);
        }

        @Override
        public void close() {
            iommu.close();
        }
    }

    @Test
    void aPoolClosedWhileMappingReleasesTheNewRegionAndRefusesIt() throws Exception {
        try (InterruptingMapper mapper = new InterruptingMapper(); AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            IovaAllocator iovas = IovaAllocator.forAddressBits(39);
            DmaPool pool = new DmaPool(alloc, iovas, mapper);
            DmaRegion before = pool.allocate(4096, 4096);
            mapper.duringMap = pool::close; // close() snapshots live here, before the new region is in it

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.allocate(8192, 4096));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertEquals(0, e.getSuppressed().length, "the release went through");
            assertEquals(0, mapper.iommu.mappingCount(), "neither region stays mapped");
            assertEquals(0, iovas.allocationCount(), "both IOVAs returned");
            assertEquals(0, alloc.outstanding(), "both blocks freed");
            assertEquals(0, pool.liveRegions());
            assertFalse(before.isAlive());
            assertThrows(IllegalStateException.class, () -> pool.allocate(4096, 4096));
        }
    }

    @Test
    void aPoolThatOwnsItsAllocatorAndIsClosedWhileMappingLeavesNothingMapped() throws Exception {
        try (InterruptingMapper mapper = new InterruptingMapper()) {
            // softwareIommu() pools own their allocator; reach the same shape through the public constructor
            // plus closing the allocator, as the owning close does.
            AnonymousDmaAllocator alloc = new AnonymousDmaAllocator();
            IovaAllocator iovas = IovaAllocator.forAddressBits(39);
            DmaPool pool = new DmaPool(alloc, iovas, mapper);
            mapper.duringMap = () -> {
                pool.close();
                alloc.close();
            };
            assertThrows(IllegalStateException.class, () -> pool.allocate(4096, 4096));
            assertEquals(0, mapper.iommu.mappingCount());
            assertEquals(0, iovas.allocationCount());
            assertEquals(0, alloc.outstanding());
        }
    }

    @Test
    void aFailedUnmapOfTheRefusedRegionIsReportedNotSwallowed() throws Exception {
        try (InterruptingMapper mapper = new InterruptingMapper(); AnonymousDmaAllocator alloc = new AnonymousDmaAllocator()) {
            IovaAllocator iovas = IovaAllocator.forAddressBits(39);
            DmaPool pool = new DmaPool(alloc, iovas, mapper);
            mapper.duringMap = () -> {
                pool.close();
                mapper.failUnmap = true;
            };
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.allocate(4096, 4096));
            assertEquals(1, e.getSuppressed().length, "the unmap failure rides along");
            assertInstanceOf(java.io.UncheckedIOException.class, e.getSuppressed()[0]);
            // The device might still reach it, so memory and IOVA are deliberately kept (the pool's rule).
            assertEquals(1, mapper.iommu.mappingCount());
            assertEquals(1, iovas.allocationCount());
            assertEquals(1, alloc.outstanding());
            assertEquals(0, pool.liveRegions());
        }
    }

    @Test
    void aHugepageAllocatorClosedWhileMappingFreesTheNewMemoryAndRefusesIt() throws Exception {
        AtomicReference<MemorySegment> made = new AtomicReference<>();
        AtomicReference<HugepageDmaAllocator> self = new AtomicReference<>();
        // The backing stands in for memfd/mmap (this machine may have no hugepages) and closes the
        // allocator in the window between mapping and registering.
        HugepageDmaAllocator alloc = new HugepageDmaAllocator(HugepageDmaAllocator.SIZE_2M, 0, (bytes, arena) -> {
            self.get().close();
            MemorySegment seg = arena.allocate(bytes, 4096);
            made.set(seg);
            return seg;
        });
        self.set(alloc);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> alloc.map(2L << 20));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertEquals(0, alloc.outstanding(), "not registered with a closed allocator");
        assertFalse(made.get().scope().isAlive(), "the memory it mapped was freed");
        assertThrows(IllegalStateException.class, () -> alloc.allocate(4096, 4096));
    }

    @Test
    void aHugepageBackingThatFailsFreesItsArena() throws Exception {
        AtomicReference<MemorySegment> made = new AtomicReference<>();
        HugepageDmaAllocator alloc = new HugepageDmaAllocator(HugepageDmaAllocator.SIZE_2M, 0, (bytes, arena) -> {
            made.set(arena.allocate(bytes, 4096));
            throw new DmaException("mlock refused");
        });
        DmaException e = assertThrows(DmaException.class, () -> alloc.map(2L << 20));
        assertEquals("mlock refused", e.getMessage());
        assertFalse(made.get().scope().isAlive());
        assertEquals(0, alloc.outstanding());
        alloc.close();
    }
}
