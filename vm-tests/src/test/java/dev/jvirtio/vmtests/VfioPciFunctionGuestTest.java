package dev.jvirtio.vmtests;

import dev.jvirtio.dma.AnonymousDmaAllocator;
import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.dma.IovaRange;
import dev.jvirtio.pci.MmioRegion;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.config.MsixCapability;
import dev.jvirtio.pci.config.VirtioCapability;
import dev.jvirtio.pci.config.VirtioCfgType;
import dev.jvirtio.pci.vfio.EventFdInterrupt;
import dev.jvirtio.pci.vfio.MsixInterrupts;
import dev.jvirtio.pci.vfio.RegionInfo;
import dev.jvirtio.pci.vfio.Type1DmaMapper;
import dev.jvirtio.pci.vfio.VfioBackend;
import dev.jvirtio.pci.vfio.VfioException;
import dev.jvirtio.pci.vfio.VfioOptions;
import dev.jvirtio.pci.vfio.VfioPciFunction;
import dev.jvirtio.pci.virtio.CommonCfgLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Guest only: {@link VfioPciFunction} against QEMU's virtio-blk function bound to vfio-pci (vm-tests/run.sh).
 * Opens it through the type1 container, reads config space, maps BAR 4 and reads the virtio common
 * configuration's device_feature, maps DMA memory through {@link Type1DmaMapper}, wires MSI-X to eventfds,
 * and checks that everything is released (the function can be opened again, stale regions throw).
 *
 * <p>Self-contained on purpose (it only reads the rig's environment variables), so it compiles with or
 * without the rig's helper classes. On the host it skips itself: nothing here may touch a host device.
 */
@Tag("guest")
class VfioPciFunctionGuestTest {
    /** VIRTIO_F_VERSION_1 and VIRTIO_F_ACCESS_PLATFORM (the rig runs with iommu_platform=on). */
    static final int VERSION_1 = 32;
    static final int ACCESS_PLATFORM = 33;

    static PciAddress blk;

    @BeforeAll
    static void onlyInGuest() {
        assumeTrue("1".equals(System.getenv("VMRIG_GUEST")), "not in the vm-tests guest: run vm-tests/run.sh");
        String bdf = System.getenv("VMRIG_BLK_BDF");
        assumeTrue(bdf != null && !bdf.isBlank(), "VMRIG_BLK_BDF is not set");
        blk = PciAddress.parse(bdf.strip());
    }

    static boolean viommu() {
        return !"noiommu".equals(System.getenv("VMRIG_MODE"));
    }

    @Test
    @SuppressWarnings("try") // closes the function inside its try block on purpose, to test use after close
    void configSpaceBar4AndDeviceFeatures() throws Exception {
        assumeTrue(viommu(), "type1 needs the vIOMMU mode");
        try (VfioPciFunction f = VfioPciFunction.open(blk, VfioOptions.defaults())) {
            assertEquals(VfioBackend.TYPE1, f.backend(), "Debian's guest kernel has no iommufd: type1 expected");
            assertTrue(f.deviceInfo().isPci());
            assertEquals(0x1af4, f.configRead(0, 2), "vendor");
            assertEquals(0x1042, f.configRead(2, 2), "device: modern virtio-blk");
            assertEquals(0x1042_1af4, f.configRead(0, 4), "dword 0: device ID in the high half");

            byte[] snapshot = f.configSnapshot();
            assertEquals(f.configSize(), snapshot.length);
            ConfigSpace cs = ConfigSpace.parse(snapshot);
            assertTrue(cs.problems().isEmpty(), cs.problems().toString());
            VirtioCapability common = cs.firstVirtio(VirtioCfgType.COMMON).orElseThrow();
            assertEquals(4, common.bar(), "QEMU puts the virtio structures in BAR 4");

            RegionInfo bar4Info = f.device().regionInfo(4);
            assertTrue(bar4Info.mmappable(), "BAR 4 should be mmappable: " + bar4Info);
            MmioRegion bar4 = f.bar(4);
            assertEquals(bar4Info.size(), bar4.size());
            MmioRegion cfg = bar4.window(common.barOffset(), common.length());
            cfg.write32(CommonCfgLayout.DEVICE_FEATURE_SELECT, 0);
            long lo = Integer.toUnsignedLong(cfg.read32(CommonCfgLayout.DEVICE_FEATURE));
            cfg.write32(CommonCfgLayout.DEVICE_FEATURE_SELECT, 1);
            long hi = Integer.toUnsignedLong(cfg.read32(CommonCfgLayout.DEVICE_FEATURE));
            long features = hi << 32 | lo;
            System.out.printf("virtio-blk %s device_feature=0x%016x%n", blk, features);
            assertTrue((features & (1L << VERSION_1)) != 0, "VERSION_1 missing: 0x" + Long.toHexString(features));
            assertTrue((features & (1L << ACCESS_PLATFORM)) != 0, "ACCESS_PLATFORM missing with iommu_platform=on");
            assertTrue(cfg.read16(CommonCfgLayout.NUM_QUEUES) >= 1, "num_queues");
            assertTrue(f.bar(4) == bar4, "a BAR is mapped once and cached");

            // A config write that changes nothing visible: the MSI-X control word is emulated by vfio-pci.
            MsixCapability msix = cs.msix().orElseThrow();
            int ctl = f.configRead(msix.offset() + 2, 2);
            f.configWrite(msix.offset() + 2, 2, ctl);
            assertEquals(ctl, f.configRead(msix.offset() + 2, 2));

            f.close();
            assertThrows(IllegalStateException.class, () -> bar4.read32(0), "BAR mapping is gone after close");
            assertThrows(IllegalStateException.class, () -> f.configRead(0, 2));
        }
    }

    @Test
    void dmaMappingThroughType1() throws IOException {
        assumeTrue(viommu(), "type1 needs the vIOMMU mode");
        try (VfioPciFunction f = VfioPciFunction.open(blk, VfioOptions.defaults());
             AnonymousDmaAllocator memory = new AnonymousDmaAllocator()) {
            assertTrue((f.iommuInfo().pageSizes() & 4096) != 0, "4 KiB pages: " + f.iommuInfo());
            assertTrue(!f.iommuInfo().iovaRanges().isEmpty(), "the kernel reports IOVA ranges");
            Type1DmaMapper mapper = (Type1DmaMapper) f.dmaMapper();
            try (DmaPool pool = new DmaPool(memory, f.iommuInfo().newIovaAllocator(), mapper)) {
                DmaRegion r = pool.allocate(2 << 20, 2 << 20);
                assertEquals(1, mapper.mappingCount());
                assertTrue(mapper.isMapped(r.iova()));
                boolean inside = false;
                for (IovaRange range : f.iommuInfo().iovaRanges()) {
                    inside |= r.iova() >= range.first() && r.iova() + (2 << 20) - 1 <= range.last();
                }
                assertTrue(inside, "IOVA 0x" + Long.toHexString(r.iova()) + " outside " + f.iommuInfo().iovaRanges());
                r.segment().set(ValueLayout.JAVA_LONG, 0, 0x1234_5678_9abc_def0L);
                r.close();
                assertEquals(0, mapper.mappingCount(), "closing the region unmapped it");
                pool.allocate(4096, 4096);
                assertEquals(1, mapper.mappingCount());
            }
            assertEquals(0, mapper.mappingCount(), "closing the pool unmapped everything");
        }
    }

    @Test
    void msixVectorsWireToEventfdsAndStayQuietWithoutQueues() throws Exception {
        assumeTrue(viommu(), "type1 needs the vIOMMU mode");
        try (VfioPciFunction f = VfioPciFunction.open(blk, VfioOptions.defaults())) {
            MsixInterrupts msix = f.enableMsix(2);
            assertEquals(2, msix.count());
            EventFdInterrupt v1 = msix.vector(1);
            assertEquals(0, v1.poll(), "no queue is live, so nothing fires");
            assertEquals(0, v1.await(5, TimeUnit.MILLISECONDS));
            v1.signal(1); // the eventfd is ours too: a signal arrives as an interrupt would
            assertEquals(1, v1.await(1, TimeUnit.SECONDS));
            MsixInterrupts again = f.enableMsix(1); // re-enabling replaces the earlier set
            assertThrows(IllegalStateException.class, () -> msix.vector(0));
            assertEquals(1, again.count());
        }
    }

    @Test
    void reopeningWorksBecauseEverythingWasReleased() throws IOException {
        assumeTrue(viommu(), "type1 needs the vIOMMU mode");
        for (int i = 0; i < 3; i++) {
            try (VfioPciFunction f = VfioPciFunction.open(blk, VfioOptions.defaults().withResetOnOpen(true))) {
                assertEquals(0x1af4, f.configRead(0, 2));
                f.bar(4).read32(0);
                f.enableMsix(1);
            }
        }
    }

    @Test
    void typedErrorsForWrongBackendsAndForeignFunctions() throws IOException {
        VfioException noiommu = assertThrows(VfioException.class,
                () -> VfioPciFunction.open(blk, VfioOptions.defaults().withBackend(VfioBackend.NOIOMMU)));
        assertEquals(VfioException.Kind.UNSUPPORTED, noiommu.kind(), noiommu.getMessage());
        if (!Files.exists(Path.of("/dev/iommu"))) {
            VfioException iommufd = assertThrows(VfioException.class,
                    () -> VfioPciFunction.open(blk, VfioOptions.defaults().withBackend(VfioBackend.IOMMUFD)));
            assertEquals(VfioException.Kind.UNSUPPORTED, iommufd.kind(), iommufd.getMessage());
        }
        // The 9p transports stay on virtio-pci: opening one must be refused before any VFIO call.
        try (var fns = Files.list(Path.of("/sys/bus/pci/devices"))) {
            for (Path p : fns.toList()) {
                Path driver = p.resolve("driver");
                if (Files.isSymbolicLink(driver)
                        && Files.readSymbolicLink(driver).getFileName().toString().equals("virtio-pci")) {
                    VfioException e = assertThrows(VfioException.class, () -> VfioPciFunction.open(
                            PciAddress.parse(p.getFileName().toString()), VfioOptions.defaults()));
                    assertEquals(VfioException.Kind.NOT_BOUND_TO_VFIO, e.kind());
                    return;
                }
            }
        }
    }
}
