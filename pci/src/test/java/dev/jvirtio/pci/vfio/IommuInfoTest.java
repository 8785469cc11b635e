package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.IovaAllocator;
import dev.jvirtio.dma.IovaRange;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * type1 IOMMU info replies (struct vfio_iommu_type1_info: argsz, flags, u64 iova_pgsizes, cap_offset, pad =
 * 24 bytes) with IOVA-range and DMA-avail capabilities, and iommufd's range array.
 */
class IommuInfoTest {
    static final int PGSIZES = 1, CAPS = 2;
    static final int CAP_IOVA_RANGE = 1, CAP_MIGRATION = 2, CAP_DMA_AVAIL = 3;

    static Buf info(int size, int flags, long pgsizes, int capOffset) {
        return new Buf(size).u32(0, size).u32(4, flags).u64(8, pgsizes).u32(16, capOffset);
    }

    @Test
    void pageSizesAndVtdRangesWithTheMsiHole() throws VfioException {
        // What an Intel VT-d domain reports: 4K|2M|1G pages, and 48-bit space minus the MSI window
        // 0xfee00000-0xfeefffff; then a DMA-avail capability (65535 mappings left).
        Buf b = info(24 + 48 + 16, PGSIZES | CAPS, 0x40201000L, 24)
                .cap(24, CAP_IOVA_RANGE, 1, 72).u32(32, 2)
                .u64(40, 0).u64(48, 0xfedfffffL)
                .u64(56, 0xfef00000L).u64(64, 0xffffffffffffL)
                .cap(72, CAP_DMA_AVAIL, 1, 0).u32(80, 65535);
        IommuInfo info = IommuInfo.parse(b.segment());
        assertEquals(0x40201000L, info.pageSizes());
        assertEquals(4096, info.minPageSize());
        assertEquals(List.of(new IovaRange(0, 0xfedfffffL), new IovaRange(0xfef00000L, 0xffffffffffffL)),
                info.iovaRanges());
        assertEquals(65535, info.dmaAvail().orElseThrow());

        IovaAllocator iovas = info.newIovaAllocator();
        assertEquals(List.of(new IovaRange(IovaAllocator.DEFAULT_FLOOR, 0xfedfffffL),
                new IovaRange(0xfef00000L, 0xffffffffffffL)), iovas.managedRanges());
    }

    @Test
    void allocatorFromReportedRangesNeverHandsOutTheReservedWindow() throws Exception {
        Buf b = info(24 + 48, PGSIZES | CAPS, 0x1000, 24).cap(24, CAP_IOVA_RANGE, 1, 0).u32(32, 2)
                .u64(40, 0).u64(48, 0x3fffffL)          // [0, 4 MiB)
                .u64(56, 0x600000L).u64(64, 0x7fffffL);  // [6 MiB, 8 MiB)
        IovaAllocator iovas = IommuInfo.parse(b.segment()).newIovaAllocator();
        for (int i = 0; i < 10; i++) {
            long iova = iovas.allocate(0x80000, 0x80000);
            assertTrue(iova + 0x80000 <= 0x400000 || iova >= 0x600000,
                    "0x" + Long.toHexString(iova) + " overlaps the reserved [4 MiB, 6 MiB)");
        }
    }

    @Test
    void noCapabilitiesMeansFallbackAddressSpace() throws VfioException {
        IommuInfo info = IommuInfo.parse(info(24, PGSIZES, 0x1000, 0).segment());
        assertEquals(List.of(), info.iovaRanges());
        assertTrue(info.dmaAvail().isEmpty());
        IovaAllocator iovas = info.newIovaAllocator();
        assertEquals((1L << IommuInfo.FALLBACK_ADDRESS_BITS) - 1, iovas.managedRanges().getLast().last());
    }

    @Test
    void missingPageSizeFlagMeansUnknownPageSize() throws VfioException {
        IommuInfo info = IommuInfo.parse(info(24, 0, 0x40201000L, 0).segment());
        assertEquals(0, info.pageSizes(), "pgsizes is not valid without the flag");
        assertEquals(4096, info.minPageSize());
    }

    @Test
    void rangesReachingPast2To63AreClippedAndRangesAboveAreDropped() throws VfioException {
        Buf b = info(24 + 48, CAPS, 0, 24).cap(24, CAP_IOVA_RANGE, 1, 0).u32(32, 2)
                .u64(40, 0x100000L).u64(48, -1L)                  // [1 MiB, 2^64 - 1]
                .u64(56, 0x8000000000000000L).u64(64, -2L);       // entirely above 2^63
        IommuInfo info = IommuInfo.parse(b.segment());
        assertEquals(List.of(new IovaRange(0x100000L, Long.MAX_VALUE)), info.iovaRanges());
    }

    @Test
    void unknownCapabilityIsSkipped() throws VfioException {
        Buf b = info(24 + 16 + 16, CAPS, 0, 24).cap(24, CAP_MIGRATION, 1, 40).cap(40, CAP_DMA_AVAIL, 1, 0).u32(48, 7);
        assertEquals(7, IommuInfo.parse(b.segment()).dmaAvail().orElseThrow());
    }

    @Test
    void invertedRangeIsRejected() {
        Buf b = info(24 + 32, CAPS, 0, 24).cap(24, CAP_IOVA_RANGE, 1, 0).u32(32, 1).u64(40, 0x2000).u64(48, 0x1000);
        VfioException e = assertThrows(VfioException.class, () -> IommuInfo.parse(b.segment()));
        assertEquals(VfioException.Kind.BAD_KERNEL_REPLY, e.kind());
    }

    @Test
    void rangeCountLargerThanTheReplyIsRejected() {
        Buf b = info(24 + 32, CAPS, 0, 24).cap(24, CAP_IOVA_RANGE, 1, 0).u32(32, 2).u64(40, 0).u64(48, 0x1000);
        assertThrows(VfioException.class, () -> IommuInfo.parse(b.segment()));
    }

    @Test
    void iommufdRangeArrayAndAlignment() throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ranges = arena.allocate(32, 8);
            ranges.set(ValueLayout.JAVA_LONG, 0, 0L);
            ranges.set(ValueLayout.JAVA_LONG, 8, 0xfedfffffL);
            ranges.set(ValueLayout.JAVA_LONG, 16, 0xfef00000L);
            ranges.set(ValueLayout.JAVA_LONG, 24, (1L << 57) - 1);
            IommuInfo info = Iommufd.parseRanges(ranges, 2, 4096);
            assertEquals(4096, info.minPageSize());
            assertEquals(List.of(new IovaRange(0, 0xfedfffffL), new IovaRange(0xfef00000L, (1L << 57) - 1)),
                    info.iovaRanges());
            assertThrows(VfioException.class, () -> Iommufd.parseRanges(ranges, 2, 0x3000),
                    "alignment must be a power of two");
        }
    }
}
