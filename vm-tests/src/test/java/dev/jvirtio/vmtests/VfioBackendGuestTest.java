package dev.jvirtio.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.dma.HugepageDmaAllocator;
import dev.jvirtio.dma.IovaAllocator;
import dev.jvirtio.dma.IovaRange;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.vfio.IommufdDmaMapper;
import dev.jvirtio.pci.vfio.NoIommuDmaMapper;
import dev.jvirtio.pci.vfio.Type1DmaMapper;
import dev.jvirtio.pci.vfio.VfioBackend;
import dev.jvirtio.pci.vfio.VfioException;
import dev.jvirtio.pci.vfio.VfioOptions;
import dev.jvirtio.pci.vfio.VfioPciFunction;
import dev.jvirtio.vmtests.Guest.Mode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Guest: which VFIO backend is in use, per rig mode. {@link VfioBackend#AUTO} must choose iommufd where the
 * kernel has it (mode iommufd), type1 otherwise (viommu), and refuse a function that only has a no-IOMMU group
 * (noiommu). Forcing each backend either opens the function through exactly that backend or fails with a
 * typed {@link VfioException} whose kind says why, and DMA addresses follow the backend: an IOVA inside the
 * IOMMU's windows, or, without an IOMMU, the buffer's physical address (read here from /proc/self/pagemap
 * independently of the library).
 */
@Tag(Guest.TAG)
class VfioBackendGuestTest {
    /** pagemap: one 64-bit entry per 4 KiB page; bit 63 present, bits 0-54 the page frame number. */
    private static final long PAGE = 4096;
    private static final long PFN_MASK = (1L << 55) - 1;

    @BeforeEach
    void onlyInGuest() {
        Guest.assumeGuest();
    }

    private static PciAddress blk() {
        return PciAddress.parse(Guest.blkBdf());
    }

    /** The kernel interfaces each mode must (and must not) offer for the blk function. */
    @Test
    void theModesVfioNodesArePresent() throws IOException {
        Mode mode = Guest.mode();
        PciFunction f = PciFunction.of(Guest.blkBdf());
        Path vfioDev = Path.of("/sys/bus/pci/devices", f.bdf(), "vfio-dev");
        switch (mode) {
            // 6.1 already lists the function under sysfs vfio-dev/, but has no device cdev: /dev/vfio/devices is absent.
            case VIOMMU -> {
                assertTrue(Files.exists(Path.of("/dev/vfio/" + f.iommuGroup())), "type1 group node");
                assertFalse(Files.exists(Path.of("/dev/iommu")), "Debian's stable kernel has no iommufd");
                assertFalse(Files.exists(Path.of("/dev/vfio/devices")), "Debian's stable kernel has no vfio cdev");
            }
            case NOIOMMU -> {
                assertTrue(Files.exists(Path.of("/dev/vfio/noiommu-" + f.iommuGroup())), "no-IOMMU group node");
                assertFalse(Files.exists(Path.of("/dev/vfio/" + f.iommuGroup())), "no real IOMMU group");
                assertFalse(Files.exists(Path.of("/dev/iommu")));
                assertFalse(Files.exists(Path.of("/dev/vfio/devices")), "no vfio cdev");
            }
            case IOMMUFD -> {
                assertTrue(Files.exists(Path.of("/dev/iommu")), "/dev/iommu (iommufd loaded)");
                List<String> cdevs;
                try (Stream<Path> s = Files.list(vfioDev)) {
                    cdevs = s.map(p -> p.getFileName().toString()).toList();
                }
                assertEquals(1, cdevs.size(), "one vfio cdev for " + f.bdf() + ": " + cdevs);
                assertTrue(cdevs.get(0).matches("vfio\\d+"), cdevs.get(0));
                assertTrue(Files.exists(Path.of("/dev/vfio/devices", cdevs.get(0))), "/dev/vfio/devices/" + cdevs.get(0));
                assertTrue(Files.exists(Path.of("/dev/vfio/" + f.iommuGroup())), "the legacy group node stays");
            }
            default -> throw new AssertionError(mode);
        }
    }

    @Test
    void autoChoosesTheModesBackendOrRefusesWithoutAnIommu() throws IOException {
        Mode mode = Guest.mode();
        if (mode.autoBackend().isPresent()) {
            try (VfioPciFunction f = VfioPciFunction.open(blk(), VfioOptions.defaults())) {
                assertEquals(mode.autoBackend().get(), f.backend(), "AUTO in mode " + mode.rigName());
                assertEquals(0x1af4, f.configRead(0, 2));
                assertTrue(f.toString().contains(f.backend().name()), f.toString());
            }
        } else {
            VfioException e = assertThrows(VfioException.class,
                    () -> VfioPciFunction.open(blk(), VfioOptions.defaults()).close());
            assertEquals(VfioException.Kind.NOIOMMU_NOT_REQUESTED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("VfioBackend.NOIOMMU"), "says how to consent: " + e.getMessage());
            assertEquals(blk(), e.address());
        }
    }

    /** Which forced backends each mode offers, and the error kind for the others. */
    private static VfioException.Kind refusal(Mode mode, VfioBackend forced) {
        return switch (mode) {
            case VIOMMU -> forced == VfioBackend.TYPE1 ? null : VfioException.Kind.UNSUPPORTED;
            case IOMMUFD -> forced == VfioBackend.NOIOMMU ? VfioException.Kind.UNSUPPORTED : null;
            // The group is a no-IOMMU group: type1 would hand out unchecked DMA, so it insists on consent.
            case NOIOMMU -> forced == VfioBackend.NOIOMMU ? null
                    : forced == VfioBackend.TYPE1 ? VfioException.Kind.NOIOMMU_NOT_REQUESTED : VfioException.Kind.UNSUPPORTED;
        };
    }

    @ParameterizedTest(name = "forcing {0}")
    @EnumSource(value = VfioBackend.class, names = {"TYPE1", "IOMMUFD", "NOIOMMU"})
    void aForcedBackendIsUsedOrRefusedWithATypedError(VfioBackend forced) throws IOException {
        Mode mode = Guest.mode();
        VfioException.Kind refusal = refusal(mode, forced);
        VfioOptions options = VfioOptions.defaults().withBackend(forced);
        if (refusal == null) {
            try (VfioPciFunction f = VfioPciFunction.open(blk(), options)) {
                assertEquals(forced, f.backend(), "mode " + mode.rigName());
                assertEquals(0x1042_1af4, f.configRead(0, 4));
                assertNotEquals(0, f.bar(4).size());
            }
        } else {
            VfioException e = assertThrows(VfioException.class, () -> VfioPciFunction.open(blk(), options).close());
            System.out.println("forcing " + forced + " in mode " + mode.rigName() + ": " + e.getMessage());
            assertEquals(refusal, e.kind(), e.getMessage());
            assertEquals(blk(), e.address());
        }
        // Whatever happened, nothing stayed open: the mode's own backend still gets the function.
        try (VfioPciFunction f = VfioPciFunction.open(blk(), Guest.vfioOptions())) {
            assertEquals(mode.backend(), f.backend());
        }
    }

    @Test
    void dmaAddressesFollowTheBackend() throws IOException {
        Mode mode = Guest.mode();
        try (VfioPciFunction f = VfioPciFunction.open(blk(), Guest.vfioOptions());
             HugepageDmaAllocator memory = HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_2M)) {
            assertEquals(mode.backend(), f.backend());
            switch (mode.backend()) {
                case TYPE1 -> assertInstanceOf(Type1DmaMapper.class, f.dmaMapper());
                case IOMMUFD -> assertInstanceOf(IommufdDmaMapper.class, f.dmaMapper());
                case NOIOMMU -> assertInstanceOf(NoIommuDmaMapper.class, f.dmaMapper());
                default -> throw new AssertionError(f.backend());
            }
            IovaAllocator iovas;
            if (mode.iommu()) {
                assertTrue((f.iommuInfo().pageSizes() & PAGE) != 0, "4 KiB IOMMU pages: " + f.iommuInfo());
                assertFalse(f.iommuInfo().iovaRanges().isEmpty(), "the kernel reports IOVA windows");
                iovas = f.iommuInfo().newIovaAllocator();
            } else {
                IllegalStateException e = assertThrows(IllegalStateException.class, f::iommuInfo);
                assertTrue(e.getMessage().contains("physical address"), e.getMessage());
                iovas = IovaAllocator.forAddressBits(52);
            }
            try (DmaPool pool = new DmaPool(memory, iovas, f.dmaMapper())) {
                DmaRegion a = pool.allocate(HugepageDmaAllocator.SIZE_2M, HugepageDmaAllocator.SIZE_2M);
                DmaRegion b = pool.allocate(PAGE, PAGE);
                for (DmaRegion r : List.of(a, b)) {
                    if (mode.iommu()) {
                        assertTrue(inside(r, f.iommuInfo().iovaRanges()), "IOVA 0x" + Long.toHexString(r.iova())
                                + " outside " + f.iommuInfo().iovaRanges());
                    } else {
                        assertEquals(physicalAddress(r.segment()), r.iova(),
                                "without an IOMMU the IOVA is the physical address");
                        assertEquals(0, iovas.allocationCount(), "the physical address, not an allocated IOVA");
                    }
                }
                assertNotEquals(a.iova(), b.iova());
                if (mode.iommu()) {
                    assertEquals(2, iovas.allocationCount(), "both IOVAs came from the IOMMU's windows");
                }
            }
        }
    }

    private static boolean inside(DmaRegion r, List<IovaRange> ranges) {
        for (IovaRange range : ranges) {
            if (r.iova() >= range.first() && r.iova() + r.byteSize() - 1 <= range.last()) {
                return true;
            }
        }
        return false;
    }

    /** The physical address of {@code memory}'s first byte, from /proc/self/pagemap (root sees the frames). */
    static long physicalAddress(MemorySegment memory) throws IOException {
        long va = memory.address();
        ByteBuffer entry = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        try (FileChannel pagemap = FileChannel.open(Path.of("/proc/self/pagemap"), StandardOpenOption.READ)) {
            int n = pagemap.read(entry, va / PAGE * 8);
            assertEquals(8, n, "short pagemap read");
        }
        long e = entry.getLong(0);
        assertTrue(e < 0, "page not present (bit 63): 0x" + Long.toHexString(e));
        long pfn = e & PFN_MASK;
        assertNotEquals(0, pfn, "pagemap hides frame numbers (not root?)");
        return pfn * PAGE + (va & (PAGE - 1));
    }
}
