package dev.jvirtio.vmtests.sriov;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.config.SriovCapability;
import dev.jvirtio.pci.sriov.SriovControl;
import dev.jvirtio.pci.sysfs.SysfsException;
import dev.jvirtio.pci.sysfs.SysfsPci;
import dev.jvirtio.pci.sysfs.SysfsWriter;
import dev.jvirtio.pci.takeover.Takeover;
import dev.jvirtio.pci.vfio.VfioException;
import dev.jvirtio.pci.vfio.VfioOptions;
import dev.jvirtio.pci.vfio.VfioPciFunction;
import dev.jvirtio.vmtests.Guest;
import dev.jvirtio.vmtests.PciFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SR-IOV on a physical function nobody here wrote: QEMU's emulated NVMe controller ({@code 1b36:0010},
 * {@code sriov_max_vfs=2}, see {@code rig/modes/viommu.sh}). The project's SR-IOV layer is generic; this
 * checks it against a real kernel and a real (emulated) PF: the config-space parser, the PF takeover,
 * {@link SriovControl} through the kernel's {@code sriov_numvfs}, the VF number -> address mapping from the
 * capability's routing fields against the kernel's {@code virtfnN} links, and VFIO's VF token.
 *
 * <p>Expected values are what QEMU 7.2's nvme declares: TotalVFs = InitialVFs = {@code sriov_max_vfs} (2),
 * First VF Offset 1, VF Stride 1 ({@code NVME_VF_OFFSET}, {@code NVME_VF_STRIDE} in hw/nvme/ctrl.c), VF device
 * ID 0x0010 (the PF's own). Every test starts and ends with VFs disabled and vfio-pci's {@code enable_sriov} off.
 */
@Tag(Guest.TAG)
class NvmeSriovGuestTest {
    static final int QEMU_VENDOR = 0x1b36;
    static final int QEMU_NVME = 0x0010;
    static final int MAX_VFS = 2;
    static final Path SYS = Path.of("/sys");
    static final Path ENABLE_SRIOV = SYS.resolve("module/vfio_pci/parameters/enable_sriov");

    PciAddress pf;
    Path pfDir;
    SriovControl sriov;

    @BeforeEach
    void takeOverThePf() throws Exception {
        Guest.assumeGuest();
        pf = NvmePf.find();
        pfDir = SYS.resolve("bus/pci/devices").resolve(pf.toString());
        // Our takeover code binds it (the guest has no nvme driver, so it was unbound; refusals would be typed).
        Takeover.system().bind(pf, false);
        assertEquals("vfio-pci", PciFunction.of(pf.toString()).driverName(), pf + " after Takeover.bind");
        sriov = new SriovControl(SYS, SysfsWriter.direct());
        sriov.disable(pf);
        SysfsWriter.direct().write(ENABLE_SRIOV, "N");
    }

    @AfterEach
    void disableVfs() throws Exception {
        if (sriov != null) {
            sriov.disable(pf);
            SysfsWriter.direct().write(ENABLE_SRIOV, "N");
        }
    }

    private SriovCapability capability() throws Exception {
        return parse(Files.readAllBytes(pfDir.resolve("config")));
    }

    private static SriovCapability parse(byte[] config) throws Exception {
        ConfigSpace cs = ConfigSpace.parse(config);
        assertEquals(List.of(), cs.problems(), "the parser found problems in QEMU's nvme config space");
        return cs.sriov().orElseThrow(() -> new AssertionError("no SR-IOV capability parsed"));
    }

    private String attr(String name) throws IOException {
        return Files.readString(pfDir.resolve(name)).strip();
    }

    @Test
    void theParserReadsTheSriovCapabilityQemuDeclares() throws Exception {
        SriovCapability s = capability();
        assertEquals(MAX_VFS, s.totalVfs(), "TotalVFs = sriov_max_vfs");
        assertEquals(MAX_VFS, s.initialVfs(), "InitialVFs");
        assertEquals(1, s.firstVfOffset(), "First VF Offset (NVME_VF_OFFSET)");
        assertEquals(1, s.vfStride(), "VF Stride (NVME_VF_STRIDE)");
        assertEquals(QEMU_NVME, s.vfDeviceId(), "VF Device ID");
        assertEquals(0, s.numVfs(), "NumVFs before enabling");
        assertFalse(s.vfEnable(), "VF Enable before enabling");
        // The kernel read the same registers at enumeration: its sysfs attributes must agree with our parse.
        assertEquals(Integer.toString(s.totalVfs()), attr("sriov_totalvfs"));
        assertEquals(Integer.toString(s.firstVfOffset()), attr("sriov_offset"));
        assertEquals(Integer.toString(s.vfStride()), attr("sriov_stride"));
        assertEquals(s.vfDeviceId(), Integer.parseInt(attr("sriov_vf_device"), 16));
        assertEquals(s.totalVfs(), sriov.totalVfs(pf), "SriovControl.totalVfs");

        // The same capability through the VFIO config region of the PF (vfio-pci passes it through read-only).
        try (VfioPciFunction f = VfioPciFunction.open(pf, VfioOptions.defaults())) {
            assertEquals(QEMU_VENDOR, f.configRead(0, 2));
            assertEquals(QEMU_NVME, f.configRead(2, 2));
            SriovCapability viaVfio = parse(f.configSnapshot());
            assertEquals(List.of(s.totalVfs(), s.firstVfOffset(), s.vfStride(), s.vfDeviceId()),
                    List.of(viaVfio.totalVfs(), viaVfio.firstVfOffset(), viaVfio.vfStride(), viaVfio.vfDeviceId()));
        }
    }

    @Test
    void sriovControlEnablesVfsAndTheRoutingFieldsNameTheKernelsVirtfnLinks() throws Exception {
        // vfio-pci only creates VFs with its enable_sriov parameter on: SriovControl says so before writing.
        SysfsException off = assertThrows(SysfsException.class, () -> sriov.enable(pf, MAX_VFS));
        assertTrue(off.getMessage().contains("enable_sriov"), off.getMessage());
        assertEquals(0, sriov.numVfs(pf));

        SysfsWriter.direct().write(ENABLE_SRIOV, "Y");
        sriov.enable(pf, 1);
        assertEquals(1, sriov.numVfs(pf));
        // 1 -> 2: the kernel refuses to change a non-zero count (EBUSY); SriovControl goes through 0.
        sriov.enable(pf, MAX_VFS);
        assertEquals(MAX_VFS, sriov.numVfs(pf));

        // First VF Offset / VF Stride may depend on NumVFs: parse again now that the VFs exist.
        SriovCapability s = capability();
        assertEquals(MAX_VFS, s.numVfs(), "NumVFs");
        assertTrue(s.vfEnable(), "VF Enable");
        assertTrue(s.vfMemorySpaceEnable(), "VF Memory Space Enable");
        int pfGroup = PciFunction.of(pf.toString()).iommuGroup();
        List<PciAddress> computed = new ArrayList<>();
        for (int n = 1; n <= MAX_VFS; n++) {
            PciAddress vf = s.vfAddress(pf, n);
            computed.add(vf);
            // VF number n (1-based) is the kernel's virtfn(n-1) (0-based): read the link ourselves.
            Path link = pfDir.resolve("virtfn" + (n - 1));
            assertTrue(Files.isSymbolicLink(link), link + " missing");
            assertEquals(Files.readSymbolicLink(link).getFileName().toString(), vf.toString(),
                    "VF " + n + " from First VF Offset/VF Stride vs " + link);
            assertEquals(vf, sriov.vfAddress(pf, n), "SriovControl.vfAddress(" + n + ")");
            assertEquals(n, sriov.vfNumber(vf), "SriovControl.vfNumber(" + vf + ")");
            assertEquals(n, s.vfNumber(pf, vf), "SriovCapability.vfNumber(" + vf + ")");
            assertEquals(pf, sriov.physicalFunction(vf));
            PciFunction f = PciFunction.of(vf.toString());
            assertEquals(QEMU_VENDOR, f.vendorId(), vf + " vendor");
            assertEquals(s.vfDeviceId(), f.deviceId(), vf + " device");
            byte[] vfConfig = f.config(); // read by the kernel from QEMU's VF: it answers, as an NVMe controller
            assertArrayEquals(new byte[] {0x02, 0x08, 0x01}, new byte[] {vfConfig[9], vfConfig[10], vfConfig[11]},
                    vf + " class code bytes (prog-if, subclass, class)");
            // vfio-pci captures the VFs of a PF it owns (driver_override), so they come up on vfio-pci.
            assertEquals("vfio-pci", f.driverName(), vf + " driver");
            assertTrue(f.iommuGroup() >= 0 && f.iommuGroup() != pfGroup, vf + " group " + f.iommuGroup());
        }
        assertEquals(computed, sriov.vfs(pf));
        assertEquals(MAX_VFS, new SysfsPci(SYS).read(pf).sriov().orElseThrow().virtfns().size());
        assertThrows(IllegalArgumentException.class, () -> s.vfAddress(pf, MAX_VFS + 1));
        assertThrows(SysfsException.class, () -> sriov.vfAddress(pf, MAX_VFS + 1));
    }

    @Test
    void aVfOpensThroughVfioOnlyWithTheTokenSetOnThePf() throws Exception {
        UUID token = UUID.randomUUID();
        UUID wrong = new UUID(token.getMostSignificantBits(), ~token.getLeastSignificantBits());
        // The PF owner's order: open the PF, set the token, then create the VFs, and remove them before the
        // PF closes. vfio-pci resets a function when it is opened and when it is released, and a reset of
        // QEMU 7.2's nvme PF drops its VFs while the kernel keeps their devices (every config read of a VF
        // then returns all ones, and opening one stalls in power-state and FLR timeouts).
        try (VfioPciFunction pfn = VfioPciFunction.open(pf, VfioOptions.defaults())) {
            pfn.device().setVfToken(token); // VFIO_DEVICE_FEATURE(SET | PCI_VF_TOKEN) on the PF
            SysfsWriter.direct().write(ENABLE_SRIOV, "Y");
            sriov.enable(pf, MAX_VFS);
            PciAddress vf1 = capability().vfAddress(pf, 1);
            assertEquals(sriov.vfAddress(pf, 1), vf1, "VF 1 by routing fields and by virtfn0");

            VfioException bad = assertThrows(VfioException.class,
                    () -> VfioPciFunction.open(vf1, VfioOptions.defaults().withVfToken(wrong)).close());
            assertEquals(VfioException.Kind.VF_TOKEN_REJECTED, bad.kind(), bad.getMessage());
            assertTrue(bad.getMessage().contains(wrong.toString()), bad.getMessage());
            VfioException none = assertThrows(VfioException.class,
                    () -> VfioPciFunction.open(vf1, VfioOptions.defaults()).close());
            assertEquals(VfioException.Kind.VF_TOKEN_REJECTED, none.kind(), none.getMessage());
            assertTrue(none.getMessage().contains("no VF token was given"), none.getMessage());

            // The refused attempts left nothing behind: the right token opens it.
            try (VfioPciFunction vf = VfioPciFunction.open(vf1, VfioOptions.defaults().withVfToken(token))) {
                assertEquals(vf1, vf.address());
                // A VF's vendor/device registers read 0xffff (SR-IOV spec); vfio-pci fills in the real IDs.
                assertEquals(QEMU_VENDOR, vf.configRead(0, 2), "VF vendor through the VFIO config region");
                assertEquals(QEMU_NVME, vf.configRead(2, 2), "VF device through the VFIO config region");
                // The class code is the device's own: proof that the VF answers config reads at all.
                assertEquals(0x010802, vf.configRead(8, 4) >>> 8, "class: mass storage, NVM, NVMe");
                byte[] sysfsConfig = PciFunction.of(vf1.toString()).config();
                assertArrayEquals(new byte[] {sysfsConfig[9], sysfsConfig[10], sysfsConfig[11]},
                        new byte[] {(byte) vf.configRead(9, 1), (byte) vf.configRead(10, 1), (byte) vf.configRead(11, 1)},
                        "class code bytes: VFIO vs sysfs");
            }
            sriov.disable(pf);
        }
    }

    @Test
    void disablingRemovesTheVfs() throws Exception {
        SysfsWriter.direct().write(ENABLE_SRIOV, "Y");
        sriov.enable(pf, MAX_VFS);
        List<PciAddress> vfs = sriov.vfs(pf);
        assertEquals(MAX_VFS, vfs.size());
        for (PciAddress vf : vfs) {
            assertTrue(Files.isDirectory(SYS.resolve("bus/pci/devices").resolve(vf.toString())), vf + " exists");
        }

        sriov.disable(pf);
        assertEquals(0, sriov.numVfs(pf));
        assertEquals(List.of(), sriov.vfs(pf));
        for (int i = 0; i < MAX_VFS; i++) {
            assertFalse(Files.exists(pfDir.resolve("virtfn" + i), LinkOption.NOFOLLOW_LINKS), "virtfn" + i);
        }
        for (PciAddress vf : vfs) {
            assertFalse(Files.exists(SYS.resolve("bus/pci/devices").resolve(vf.toString())), vf + " still in sysfs");
        }
        SriovCapability s = capability();
        assertEquals(0, s.numVfs(), "NumVFs after disabling");
        assertFalse(s.vfEnable(), "VF Enable after disabling");
        SysfsException gone = assertThrows(SysfsException.class, () -> sriov.vfAddress(pf, 1));
        assertTrue(gone.getMessage().contains("not enabled"), gone.getMessage());
    }
}
