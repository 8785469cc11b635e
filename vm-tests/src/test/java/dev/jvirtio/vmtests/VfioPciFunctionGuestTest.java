package dev.jvirtio.vmtests;

import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.dma.IovaRange;
import dev.jvirtio.pci.MmioRegion;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.config.MsixCapability;
import dev.jvirtio.pci.config.VirtioCapability;
import dev.jvirtio.pci.config.VirtioCfgType;
import dev.jvirtio.pci.vfio.EventFdInterrupt;
import dev.jvirtio.pci.vfio.IommufdDmaMapper;
import dev.jvirtio.pci.vfio.MsixInterrupts;
import dev.jvirtio.pci.vfio.NoIommuDmaMapper;
import dev.jvirtio.pci.vfio.RegionInfo;
import dev.jvirtio.pci.vfio.Type1DmaMapper;
import dev.jvirtio.pci.vfio.VfioBackend;
import dev.jvirtio.pci.vfio.VfioException;
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

/**
 * Guest only: {@link VfioPciFunction} against QEMU's virtio-blk function bound to vfio-pci (vm-tests/run.sh),
 * opened through the backend of the rig's mode ({@link Guest#vfioOptions()}: type1, iommufd or no-IOMMU).
 * Reads config space, maps BAR 4 and reads the virtio common configuration's device_feature, maps DMA memory
 * through the backend's mapper, wires MSI-X to eventfds, and checks that everything is released (the function
 * can be opened again, stale regions throw). {@code VfioBackendGuestTest} covers the backend choice itself.
 * On the host it skips itself: nothing here may touch a host device.
 */
@Tag(Guest.TAG)
class VfioPciFunctionGuestTest {
    /** VIRTIO_F_VERSION_1 and VIRTIO_F_ACCESS_PLATFORM (offered with iommu_platform=on, the IOMMU modes). */
    static final int VERSION_1 = 32;
    static final int ACCESS_PLATFORM = 33;

    static PciAddress blk;

    @BeforeAll
    static void onlyInGuest() {
        Guest.assumeGuest();
        blk = PciAddress.parse(Guest.blkBdf());
    }

    static VfioPciFunction open() throws IOException {
        return VfioPciFunction.open(blk, Guest.vfioOptions());
    }

    @Test
    @SuppressWarnings("try") // closes the function inside its try block on purpose, to test use after close
    void configSpaceBar4AndDeviceFeatures() throws Exception {
        try (VfioPciFunction f = open()) {
            assertEquals(Guest.mode().backend(), f.backend(), "backend in mode " + Guest.mode().rigName());
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
            assertEquals(Guest.mode().iommu(), (features & (1L << ACCESS_PLATFORM)) != 0,
                    "ACCESS_PLATFORM is offered exactly when the device sits behind the IOMMU (iommu_platform=on): 0x"
                    + Long.toHexString(features));
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
    void dmaMappingThroughTheModesBackend() throws IOException {
        try (VfioSession s = VfioSession.open(Guest.blkBdf())) {
            VfioPciFunction f = s.function();
            Guest.Mode mode = Guest.mode();
            // mappingCount/isMapped live on each concrete mapper (their shared base is not public).
            java.util.function.IntSupplier count;
            java.util.function.LongPredicate mapped;
            switch (f.dmaMapper()) {
                case Type1DmaMapper m when mode.backend() == VfioBackend.TYPE1 -> {
                    count = m::mappingCount;
                    mapped = m::isMapped;
                }
                case IommufdDmaMapper m when mode.backend() == VfioBackend.IOMMUFD -> {
                    count = m::mappingCount;
                    mapped = m::isMapped;
                }
                case NoIommuDmaMapper m when mode.backend() == VfioBackend.NOIOMMU -> {
                    count = m::mappingCount;
                    mapped = m::isMapped;
                }
                default -> throw new AssertionError(f.dmaMapper() + " in mode " + mode.rigName());
            }
            DmaRegion r = s.pool().allocate(2 << 20, 2 << 20);
            assertEquals(1, count.getAsInt());
            assertTrue(mapped.test(r.iova()));
            if (mode.iommu()) {
                boolean inside = false;
                for (IovaRange range : f.iommuInfo().iovaRanges()) {
                    inside |= r.iova() >= range.first() && r.iova() + (2 << 20) - 1 <= range.last();
                }
                assertTrue(inside, "IOVA 0x" + Long.toHexString(r.iova()) + " outside " + f.iommuInfo().iovaRanges());
            } else {
                assertEquals(VfioBackendGuestTest.physicalAddress(r.segment()), r.iova(), "IOVA = physical address");
            }
            r.segment().set(ValueLayout.JAVA_LONG, 0, 0x1234_5678_9abc_def0L);
            r.close();
            assertEquals(0, count.getAsInt(), "closing the region unmapped it");
            s.pool().allocate(4096, 4096);
            assertEquals(1, count.getAsInt());
            s.pool().close();
            assertEquals(0, count.getAsInt(), "closing the pool unmapped everything");
        }
    }

    @Test
    void msixVectorsWireToEventfdsAndStayQuietWithoutQueues() throws Exception {
        try (VfioPciFunction f = open()) {
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
        for (int i = 0; i < 3; i++) {
            try (VfioPciFunction f = VfioPciFunction.open(blk, Guest.vfioOptions().withResetOnOpen(true))) {
                assertEquals(0x1af4, f.configRead(0, 2));
                f.bar(4).read32(0);
                f.enableMsix(1);
            }
        }
    }

    /** Wrong backends: {@code VfioBackendGuestTest}, per mode. Here: a function vfio-pci does not own. */
    @Test
    void aFunctionOnAnotherDriverIsRefusedBeforeAnyVfioCall() throws IOException {
        // The 9p transports stay on virtio-pci: opening one must be refused before any VFIO call.
        try (var fns = Files.list(Path.of("/sys/bus/pci/devices"))) {
            for (Path p : fns.toList()) {
                Path driver = p.resolve("driver");
                if (Files.isSymbolicLink(driver)
                        && Files.readSymbolicLink(driver).getFileName().toString().equals("virtio-pci")) {
                    VfioException e = assertThrows(VfioException.class, () -> VfioPciFunction.open(
                            PciAddress.parse(p.getFileName().toString()), Guest.vfioOptions()));
                    assertEquals(VfioException.Kind.NOT_BOUND_TO_VFIO, e.kind());
                    return;
                }
            }
        }
        throw new AssertionError("no function on virtio-pci: the rig's 9p transports should be there");
    }
}
