package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.Errno;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.testing.SysfsFixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jvirtio.pci.vfio.FakeVfioTree.bdf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks before any VFIO call, and the backend choice, on temporary sysfs and /dev trees. */
class VfioLocatorTest {
    static final String BLK = "0000:01:00.0";

    @TempDir
    Path tmp;

    static VfioException fails(PciAddress a, VfioOptions o) {
        return assertThrows(VfioException.class, () -> VfioLocator.plan(a, o));
    }

    @Test
    void unknownFunction() {
        FakeVfioTree t = new FakeVfioTree(tmp);
        VfioException e = fails(bdf(BLK), t.options(VfioBackend.AUTO));
        assertEquals(VfioException.Kind.NO_SUCH_FUNCTION, e.kind());
        assertTrue(e.getMessage().startsWith(BLK + ": no such PCI function"), e.getMessage());
    }

    @Test
    void functionBoundToAKernelDriverIsRefusedWithTheDriverNamed() {
        // The real snapshot of this machine: 0000:00:02.0 is the virtio-blk function, bound to virtio-pci.
        SysfsFixtureTree.build(tmp.resolve("sys"));
        VfioOptions o = VfioOptions.defaults().withSysfsRoot(tmp.resolve("sys")).withDevRoot(tmp.resolve("dev"));
        VfioException e = fails(bdf("0000:00:02.0"), o);
        assertEquals(VfioException.Kind.NOT_BOUND_TO_VFIO, e.kind());
        assertTrue(e.getMessage().contains("bound to driver virtio-pci, not vfio-pci"), e.getMessage());
        assertTrue(e.getMessage().contains("driver_override"), "says how to bind: " + e.getMessage());
        assertEquals(bdf("0000:00:02.0"), e.address());
    }

    @Test
    void unboundFunctionIsRefused() {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, null, 3);
        VfioException e = fails(bdf(BLK), t.options(VfioBackend.AUTO));
        assertEquals(VfioException.Kind.NOT_BOUND_TO_VFIO, e.kind());
        assertTrue(e.getMessage().contains("bound to no driver"), e.getMessage());
    }

    @Test
    void functionWithoutIommuGroupGetsIommuAdvice() {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", -1);
        VfioException e = fails(bdf(BLK), t.options(VfioBackend.AUTO));
        assertEquals(VfioException.Kind.NO_IOMMU_GROUP, e.kind());
        assertTrue(e.getMessage().contains("intel_iommu=on"), e.getMessage());
        assertTrue(e.getMessage().contains("noiommu") || e.getMessage().contains("NOIOMMU"), e.getMessage());
    }

    @Test
    void missingDevVfioSaysToLoadTheModule() {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 7);
        VfioException e = fails(bdf(BLK), t.options(VfioBackend.AUTO));
        assertEquals(VfioException.Kind.VFIO_UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("modprobe vfio-pci"), e.getMessage());
    }

    @Test
    void missingGroupNode() {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 7).node("vfio/vfio");
        VfioException e = fails(bdf(BLK), t.options(VfioBackend.AUTO));
        assertEquals(VfioException.Kind.VFIO_UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains(t.dev.resolve("vfio/7").toString()), e.getMessage());
    }

    @Test
    void autoPicksType1WithoutCdev() throws VfioException {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 7).node("vfio/vfio").node("vfio/7");
        VfioLocator.Plan p = VfioLocator.plan(bdf(BLK), t.options(VfioBackend.AUTO));
        assertEquals(VfioBackend.TYPE1, p.backend());
        assertEquals(7, p.group());
        assertEquals(t.dev.resolve("vfio/7"), p.groupNode());
        assertEquals(t.dev.resolve("vfio/vfio"), p.containerNode());
    }

    @Test
    void autoPrefersIommufdWhenCdevAndDevIommuExist() throws VfioException {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 7).addCdev(BLK, 2)
                .node("vfio/vfio").node("vfio/7").node("vfio/devices/vfio2").node("iommu");
        VfioLocator.Plan p = VfioLocator.plan(bdf(BLK), t.options(VfioBackend.AUTO));
        assertEquals(VfioBackend.IOMMUFD, p.backend());
        assertEquals(t.dev.resolve("vfio/devices/vfio2"), p.cdevNode());
        assertEquals(t.dev.resolve("iommu"), p.iommuNode());
        // ... and TYPE1 can still be forced
        assertEquals(VfioBackend.TYPE1, VfioLocator.plan(bdf(BLK), t.options(VfioBackend.TYPE1)).backend());
    }

    @Test
    void autoFallsBackToType1WhenDevIommuIsMissing() throws VfioException {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 7).addCdev(BLK, 0)
                .node("vfio/vfio").node("vfio/7").node("vfio/devices/vfio0");
        assertEquals(VfioBackend.TYPE1, VfioLocator.plan(bdf(BLK), t.options(VfioBackend.AUTO)).backend());
        VfioException e = fails(bdf(BLK), t.options(VfioBackend.IOMMUFD));
        assertEquals(VfioException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("modprobe iommufd"), e.getMessage());
    }

    @Test
    void forcedIommufdWithoutCdevExplainsTheKernelRequirement() {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 7).node("vfio/vfio").node("vfio/7")
                .node("iommu");
        VfioException e = fails(bdf(BLK), t.options(VfioBackend.IOMMUFD));
        assertEquals(VfioException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("CONFIG_VFIO_DEVICE_CDEV"), e.getMessage());
    }

    @Test
    void noiommuGroupIsNeverChosenSilently() {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 0).node("vfio/vfio").node("vfio/noiommu-0");
        for (VfioBackend b : new VfioBackend[] {VfioBackend.AUTO, VfioBackend.TYPE1}) {
            VfioException e = fails(bdf(BLK), t.options(b));
            assertEquals(VfioException.Kind.NOIOMMU_NOT_REQUESTED, e.kind(), b.name());
            assertTrue(e.getMessage().contains("VfioBackend.NOIOMMU"), e.getMessage());
        }
    }

    @Test
    void noiommuWhenAskedFor() throws VfioException {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 0).node("vfio/vfio").node("vfio/noiommu-0");
        VfioLocator.Plan p = VfioLocator.plan(bdf(BLK), t.options(VfioBackend.NOIOMMU));
        assertEquals(VfioBackend.NOIOMMU, p.backend());
        assertEquals(t.dev.resolve("vfio/noiommu-0"), p.groupNode());
    }

    @Test
    void noiommuAskedForOnANormalGroupIsRefused() {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 7).node("vfio/vfio").node("vfio/7");
        VfioException e = fails(bdf(BLK), t.options(VfioBackend.NOIOMMU));
        assertEquals(VfioException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("normal IOMMU group"), e.getMessage());
    }

    @Test
    void vendorVariantsOfVfioPciCount() {
        assertTrue(VfioLocator.isVfioDriver("vfio-pci"));
        assertTrue(VfioLocator.isVfioDriver("mlx5_vfio_pci"));
        assertTrue(!VfioLocator.isVfioDriver("virtio-pci"));
    }

    @Test
    void permissionErrorsExplainRootAndGroupAccess() {
        for (int errno : new int[] {Errno.EACCES, Errno.EPERM}) {
            VfioException e = Native.translateOpen(new NativeIoException("open", errno, "/dev/vfio/7"),
                    Path.of("/dev/vfio/7"), "VFIO group", bdf(BLK));
            assertEquals(VfioException.Kind.PERMISSION_DENIED, e.kind());
            assertTrue(e.getMessage().contains("run as root"), e.getMessage());
            assertTrue(e.getMessage().contains("RLIMIT_MEMLOCK") || e.getMessage().contains("ulimit -l"));
            assertTrue(e.getCause() instanceof NativeIoException);
        }
        assertEquals(VfioException.Kind.BUSY, Native.translateOpen(new NativeIoException("open", Errno.EBUSY, "x"),
                Path.of("/dev/vfio/7"), "VFIO group", null).kind());
        assertEquals(VfioException.Kind.VFIO_UNAVAILABLE, Native.translateOpen(
                new NativeIoException("open", Errno.ENOENT, "x"), Path.of("/dev/vfio/7"), "VFIO group", null).kind());
    }

    @Test
    void eaccesWhenGettingADeviceIsAVfTokenRefusal() {
        java.util.UUID token = java.util.UUID.fromString("2ab74924-c335-45f4-9b16-8569e5b08258");
        NativeIoException eacces = new NativeIoException("ioctl", Errno.EACCES, "VFIO_GROUP_GET_DEVICE_FD");
        VfioException wrong = VfioGroup.openFailure(eacces, bdf("0000:04:00.1"), token, "opening the device");
        assertEquals(VfioException.Kind.VF_TOKEN_REJECTED, wrong.kind());
        assertTrue(wrong.getMessage().startsWith("0000:04:00.1: opening the device was refused (EACCES)"),
                wrong.getMessage());
        assertTrue(wrong.getMessage().contains("2ab74924-c335-45f4-9b16-8569e5b08258 is not the one"), wrong.getMessage());
        assertTrue(wrong.getCause() == eacces);
        VfioException none = VfioGroup.openFailure(eacces, bdf("0000:04:00.1"), null, "opening the device");
        assertEquals(VfioException.Kind.VF_TOKEN_REJECTED, none.kind());
        assertTrue(none.getMessage().contains("no VF token was given"), none.getMessage());
        assertTrue(none.getMessage().contains("VfioOptions.withVfToken"), none.getMessage());
        // Anything else keeps its old meaning.
        VfioException inval = VfioGroup.openFailure(new NativeIoException("ioctl", Errno.EINVAL, "x"),
                bdf("0000:04:00.1"), token, "opening the device");
        assertEquals(VfioException.Kind.FAILED, inval.kind());
        assertTrue(inval.getMessage().contains("no container with an IOMMU set yet"), inval.getMessage());
        assertEquals(VfioException.Kind.BUSY, VfioGroup.openFailure(new NativeIoException("ioctl", Errno.EBUSY, "x"),
                bdf("0000:04:00.1"), null, "opening the device").kind());
    }

    @Test
    void groupNotViableMessageNamesTheOtherFunctionsAndTheirDrivers() {
        FakeVfioTree t = new FakeVfioTree(tmp)
                .addFunction(BLK, "vfio-pci", 5)
                .addFunction("0000:01:00.1", "snd_hda_intel", 5)
                .addFunction("0000:01:00.2", null, 5)
                .addFunction("0000:00:1c.0", "pcieport", 5);
        String m = IommuGroupMembers.notViableMessage(t.sys, 5, bdf(BLK));
        assertTrue(m.startsWith("IOMMU group 5 is not viable"), m);
        assertTrue(m.contains("bound elsewhere: 0000:01:00.1 (driver snd_hda_intel)"), m);
        assertTrue(m.contains("0000:00:1c.0 (driver pcieport)"), m);
        assertTrue(m.contains("0000:01:00.2 (no driver)"), m);
        assertTrue(!m.contains(BLK + " ("), "the function itself is not listed: " + m);
    }

    @Test
    void openingFilesThatAreNoVfioNodesFailsCleanlyAndLeaksNoFd() throws IOException {
        // Plain files stand in for the nodes: open succeeds, the first VFIO ioctl gets ENOTTY.
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 7).node("vfio/vfio").node("vfio/7");
        long before = openFds();
        for (int i = 0; i < 20; i++) {
            VfioException e = assertThrows(VfioException.class,
                    () -> VfioPciFunction.open(bdf(BLK), t.options(VfioBackend.AUTO)));
            assertEquals(VfioException.Kind.UNSUPPORTED, e.kind());
            assertTrue(e.getMessage().contains("is not a VFIO container"), e.getMessage());
            assertEquals(Errno.ENOTTY, ((NativeIoException) e.getCause()).errno());
        }
        assertTrue(openFds() <= before + 2, "fds leaked: " + before + " -> " + openFds());
    }

    @Test
    void iommufdPathOnPlainFilesFailsCleanly() throws IOException {
        FakeVfioTree t = new FakeVfioTree(tmp).addFunction(BLK, "vfio-pci", 7).addCdev(BLK, 0)
                .node("vfio/devices/vfio0").node("iommu");
        long before = openFds();
        for (int i = 0; i < 20; i++) {
            VfioException e = assertThrows(VfioException.class,
                    () -> VfioPciFunction.open(bdf(BLK), t.options(VfioBackend.AUTO)));
            assertEquals(VfioException.Kind.FAILED, e.kind());
            assertTrue(e.getMessage().contains("IOMMU_IOAS_ALLOC") || e.getMessage().contains("iommufd"), e.getMessage());
        }
        assertTrue(openFds() <= before + 2, "fds leaked: " + before + " -> " + openFds());
    }

    private static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
