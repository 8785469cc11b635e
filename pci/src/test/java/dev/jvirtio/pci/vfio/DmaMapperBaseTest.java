package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaAccess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks and bookkeeping every VFIO mapper shares, with the kernel calls recorded instead of made. */
class DmaMapperBaseTest {
    static final long PAGE = 4096;

    /** Records calls; can be told to fail the next map. */
    static final class Recording extends DmaMapperBase {
        final List<String> calls = new ArrayList<>();
        boolean failNextMap;

        Recording() {
            super(PAGE, "recording mapper");
        }

        @Override
        void doMap(MemorySegment memory, long iova, DmaAccess access) throws IOException {
            if (failNextMap) {
                failNextMap = false;
                throw new IOException("refused by the fake IOMMU");
            }
            calls.add("map 0x" + Long.toHexString(iova) + " +0x" + Long.toHexString(memory.byteSize()) + " " + access);
        }

        @Override
        void doUnmap(long iova, long length) {
            calls.add("unmap 0x" + Long.toHexString(iova) + " +0x" + Long.toHexString(length));
        }
    }

    @Test
    void mapUnmapAndCloseReachTheKernelExactlyOnceEach() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(2 * PAGE, PAGE);
            MemorySegment b = arena.allocate(PAGE, PAGE);
            Recording m = new Recording();
            m.map(a, 0x10000, DmaAccess.READ_WRITE);
            m.map(b, 0x20000, DmaAccess.READ);
            assertEquals(2, m.mappingCount());
            assertTrue(m.isMapped(0x11fff));
            assertFalse(m.isMapped(0x12000));
            m.unmap(0x10000, 2 * PAGE);
            m.close();
            m.close();
            assertEquals(List.of("map 0x10000 +0x2000 READ_WRITE", "map 0x20000 +0x1000 READ",
                    "unmap 0x10000 +0x2000", "unmap 0x20000 +0x1000"), m.calls);
            assertTrue(m.isClosed());
            assertThrows(IllegalStateException.class, () -> m.map(b, 0x30000, DmaAccess.READ));
            assertThrows(IllegalStateException.class, () -> m.unmap(0x20000, PAGE));
        }
    }

    @Test
    void misalignedOrHeapOrOverlappingRequestsNeverReachTheKernel() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(PAGE, PAGE);
            MemorySegment two = arena.allocate(2 * PAGE, PAGE);
            Recording m = new Recording();
            assertThrows(IllegalArgumentException.class, () -> m.map(page, 0x10800, DmaAccess.READ), "iova");
            assertThrows(IllegalArgumentException.class, () -> m.map(page.asSlice(0, 100), 0x10000, DmaAccess.READ),
                    "length");
            assertThrows(IllegalArgumentException.class, () -> m.map(two.asSlice(8, PAGE), 0x10000, DmaAccess.READ),
                    "address");
            assertThrows(IllegalArgumentException.class,
                    () -> m.map(MemorySegment.ofArray(new byte[4096]), 0x10000, DmaAccess.READ), "heap");
            assertThrows(IllegalArgumentException.class, () -> m.map(page, -PAGE, DmaAccess.READ), "negative");
            assertThrows(IllegalArgumentException.class, () -> m.map(two, Long.MAX_VALUE & -PAGE, DmaAccess.READ),
                    "wraps");
            m.map(two, 0x10000, DmaAccess.WRITE);
            assertThrows(IllegalArgumentException.class, () -> m.map(page, 0x11000, DmaAccess.READ), "inside");
            assertThrows(IllegalArgumentException.class, () -> m.map(two, 0xf000, DmaAccess.READ), "tail overlap");
            m.map(page, 0xf000, DmaAccess.READ); // adjacent below: fine
            m.map(page, 0x12000, DmaAccess.READ); // adjacent above: fine
            assertEquals(3, m.calls.size(), m.calls.toString());
        }
    }

    @Test
    void unmapMustMatchAMappingExactly() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Recording m = new Recording();
            m.map(arena.allocate(2 * PAGE, PAGE), 0x10000, DmaAccess.READ);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.unmap(0x10000, PAGE));
            assertTrue(e.getMessage().contains("0x2000"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.unmap(0x11000, PAGE));
            assertThrows(IllegalArgumentException.class, () -> m.unmap(0x40000, PAGE));
            assertEquals(1, m.calls.size());
            assertEquals(1, m.mappingCount());
        }
    }

    @Test
    void aRefusedMapLeavesNoTrace() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(PAGE, PAGE);
            Recording m = new Recording();
            m.failNextMap = true;
            assertThrows(IOException.class, () -> m.map(page, 0x10000, DmaAccess.READ));
            assertEquals(0, m.mappingCount());
            m.map(page, 0x10000, DmaAccess.READ); // the same range is free again
            assertEquals(1, m.mappingCount());
        }
    }

    @Test
    void accessFlagsFollowTheUapiValues() {
        // VFIO_DMA_MAP_FLAG_READ = 1, _WRITE = 2; IOMMU_IOAS_MAP_WRITEABLE = 2, _READABLE = 4
        assertEquals(1, Type1DmaMapper.mapFlags(DmaAccess.READ));
        assertEquals(2, Type1DmaMapper.mapFlags(DmaAccess.WRITE));
        assertEquals(3, Type1DmaMapper.mapFlags(DmaAccess.READ_WRITE));
        assertEquals(4, Iommufd.mapFlags(DmaAccess.READ));
        assertEquals(2, Iommufd.mapFlags(DmaAccess.WRITE));
        assertEquals(6, Iommufd.mapFlags(DmaAccess.READ_WRITE));
    }
}
