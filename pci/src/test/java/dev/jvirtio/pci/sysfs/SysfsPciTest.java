package dev.jvirtio.pci.sysfs;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.VirtioDeviceType;
import dev.jvirtio.pci.VirtioIdentity;
import dev.jvirtio.pci.config.VirtioCfgType;
import dev.jvirtio.pci.testing.SysfsFixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads a sysfs tree rebuilt from the real snapshots, plus synthetic additions for SR-IOV and error paths. */
class SysfsPciTest {

    @TempDir
    Path tmp;

    private SysfsPci fixture() {
        return new SysfsPci(SysfsFixtureTree.build(tmp));
    }

    private static PciAddress bdf(String s) {
        return PciAddress.parse(s);
    }

    @Test
    void listsAllFunctionsSorted() throws Exception {
        SysfsPci sysfs = fixture();
        assertEquals(SysfsFixtureTree.FUNCTIONS, sysfs.addresses().stream().map(PciAddress::toString).toList());
    }

    @Test
    void readsTheBlockFunction() throws Exception {
        PciFunctionInfo f = fixture().read(bdf("0000:00:02.0"));
        assertEquals(bdf("0000:00:02.0"), f.address());
        assertEquals(0x1af4, f.vendorId());
        assertEquals(0x1042, f.deviceId());
        assertEquals(0x018000, f.classCode());
        assertEquals(0x1af4, f.subsystemVendorId());
        assertEquals(0x1042, f.subsystemDeviceId());
        assertEquals(0x01, f.revision());
        assertEquals(Optional.of("virtio-pci"), f.driver());
        assertEquals(OptionalInt.empty(), f.iommuGroup());
        assertEquals(OptionalInt.empty(), f.numaNode());
        assertEquals(Optional.empty(), f.sriov());
        assertEquals(Optional.empty(), f.physfn());
        assertEquals(7, f.resources().size());
        PciResource bar0 = f.resources().get(0);
        assertEquals(new PciResource(0, 0x4000080000L, 0x40000fffffL, 0x140204L), bar0);
        assertEquals(0x80000, bar0.size());
        assertTrue(bar0.isMemory());
        assertTrue(bar0.is64Bit());
        assertFalse(bar0.isPrefetchable());
        assertFalse(bar0.isIo());
        assertEquals("mem", bar0.typeName());
        for (PciResource r : f.resources().subList(1, 7)) {
            assertFalse(r.isPresent(), "resource " + r.index());
            assertEquals(0, r.size());
        }
        assertArrayEquals(SysfsFixtureTree.resource("0000:00:02.0", "config"), f.config());
        assertEquals(new VirtioIdentity(2, VirtioDeviceType.BLOCK, false), f.virtio().orElseThrow());
        assertEquals(0x38, f.parseConfig().firstVirtio(VirtioCfgType.COMMON).orElseThrow().length());
    }

    @ParameterizedTest
    @CsvSource({
        "0000:00:01.0, BALLOON, 5",
        "0000:00:02.0, BLOCK,   2",
        "0000:00:03.0, NET,     1",
        "0000:00:04.0, VSOCK,   19",
        "0000:00:05.0, ENTROPY, 4",
    })
    void everyVirtioFunctionHasItsType(String bdf, VirtioDeviceType type, int id) throws Exception {
        PciFunctionInfo f = fixture().read(bdf(bdf));
        assertEquals(type, f.virtio().orElseThrow().type());
        assertEquals(id, f.virtio().orElseThrow().deviceId());
        assertEquals(Optional.of("virtio-pci"), f.driver());
    }

    @Test
    void hostBridgeIsNotVirtioAndUnbound() throws Exception {
        PciFunctionInfo f = fixture().read(bdf("0000:00:00.0"));
        assertEquals(0x8086, f.vendorId());
        assertEquals(0x0d57, f.deviceId());
        assertEquals(0x060000, f.classCode());
        assertTrue(f.virtio().isEmpty());
        assertEquals(Optional.empty(), f.driver());
        assertEquals(4096, f.config().length);
    }

    @Test
    void scanReadsEverything() throws Exception {
        List<PciFunctionInfo> all = fixture().scan();
        assertEquals(6, all.size());
        assertEquals(List.of("-", "balloon", "block", "network", "vsock", "entropy"), all.stream()
                .map(f -> f.virtio().map(VirtioIdentity::typeName).orElse("-")).toList());
    }

    @Test
    void driverNameFileIsReadWhenThereIsNoLink() throws Exception {
        SysfsPci sysfs = new SysfsPci(SysfsFixtureTree.build(tmp, true));
        Path dir = sysfs.functionDirectory(bdf("0000:00:02.0"));
        assertFalse(Files.exists(dir.resolve("driver")));
        assertEquals(Optional.of("virtio-pci"), sysfs.read(bdf("0000:00:02.0")).driver());
        Files.writeString(dir.resolve("driver_name"), "\n");
        assertEquals(Optional.empty(), sysfs.read(bdf("0000:00:02.0")).driver());
    }

    @Test
    void driverLinkWinsOverDriverNameFile() throws Exception {
        SysfsPci sysfs = fixture();
        Path dir = sysfs.functionDirectory(bdf("0000:00:02.0"));
        Files.writeString(dir.resolve("driver_name"), "stale-name\n");
        assertEquals(Optional.of("virtio-pci"), sysfs.read(bdf("0000:00:02.0")).driver());
    }

    @Test
    void iommuGroupAndNumaNode() throws Exception {
        SysfsPci sysfs = fixture();
        Path dir = sysfs.functionDirectory(bdf("0000:00:03.0"));
        Path groups = Files.createDirectories(tmp.resolve("kernel/iommu_groups/7"));
        Files.createSymbolicLink(dir.resolve("iommu_group"), dir.relativize(groups));
        Files.writeString(dir.resolve("numa_node"), "1\n");
        PciFunctionInfo f = sysfs.read(bdf("0000:00:03.0"));
        assertEquals(OptionalInt.of(7), f.iommuGroup());
        assertEquals(OptionalInt.of(1), f.numaNode());
        Files.writeString(dir.resolve("numa_node"), "-1\n");
        assertEquals(OptionalInt.empty(), sysfs.read(bdf("0000:00:03.0")).numaNode());
    }

    @Test
    void sriovLinksAreOrderedByVfNumber() throws Exception {
        SysfsPci sysfs = fixture();
        Path pf = sysfs.functionDirectory(bdf("0000:00:03.0"));
        Files.writeString(pf.resolve("sriov_totalvfs"), "16\n");
        Files.writeString(pf.resolve("sriov_numvfs"), "3\n");
        // virtfn10 must sort after virtfn2: numeric, not lexical, order
        Files.createSymbolicLink(pf.resolve("virtfn0"), Path.of("../0000:00:03.1"));
        Files.createSymbolicLink(pf.resolve("virtfn10"), Path.of("../0000:00:04.3"));
        Files.createSymbolicLink(pf.resolve("virtfn2"), Path.of("../0000:00:03.3"));
        Path vf = Files.createDirectories(sysfs.devicesDirectory().resolve("0000:00:03.1"));
        for (String file : SysfsFixtureTree.FILES) {
            Files.write(vf.resolve(file), SysfsFixtureTree.resource("0000:00:03.0", file));
        }
        Files.createSymbolicLink(vf.resolve("physfn"), Path.of("../0000:00:03.0"));

        SriovState s = sysfs.read(bdf("0000:00:03.0")).sriov().orElseThrow();
        assertEquals(16, s.totalVfs());
        assertEquals(3, s.numVfs());
        assertEquals(List.of(bdf("0000:00:03.1"), bdf("0000:00:03.3"), bdf("0000:00:04.3")), s.virtfns());
        assertEquals(Optional.of(bdf("0000:00:03.0")), sysfs.read(bdf("0000:00:03.1")).physfn());
        assertEquals(Optional.empty(), sysfs.read(bdf("0000:00:03.1")).sriov());
    }

    @Test
    void unknownFunctionIsTyped() {
        NoSuchPciFunctionException e = assertThrows(NoSuchPciFunctionException.class,
                () -> fixture().read(bdf("0000:00:09.0")));
        assertEquals(bdf("0000:00:09.0"), e.address());
        assertTrue(e.getMessage().endsWith("bus/pci/devices/0000:00:09.0: no PCI function 0000:00:09.0"),
                e.getMessage());
    }

    @Test
    void missingMandatoryFileIsNamed() throws Exception {
        SysfsPci sysfs = fixture();
        Path vendor = sysfs.functionDirectory(bdf("0000:00:02.0")).resolve("vendor");
        Files.delete(vendor);
        SysfsException e = assertThrows(SysfsException.class, () -> sysfs.read(bdf("0000:00:02.0")));
        assertEquals(vendor, e.file());
        assertEquals(vendor + ": missing", e.getMessage());
        assertFalse(e instanceof NoSuchPciFunctionException);
    }

    @Test
    void malformedContentIsNamed() throws Exception {
        SysfsPci sysfs = fixture();
        Path dir = sysfs.functionDirectory(bdf("0000:00:02.0"));
        Files.writeString(dir.resolve("device"), "zz\n");
        SysfsException e = assertThrows(SysfsException.class, () -> sysfs.read(bdf("0000:00:02.0")));
        assertEquals(dir.resolve("device") + ": malformed content 'zz' (expected a 0x-prefixed hex number)",
                e.getMessage());

        Files.writeString(dir.resolve("device"), "0x12345\n");
        assertEquals(dir.resolve("device") + ": value 0x12345 exceeds 0xffff",
                assertThrows(SysfsException.class, () -> sysfs.read(bdf("0000:00:02.0"))).getMessage());

        Files.writeString(dir.resolve("device"), "0x1042\n");
        Files.writeString(dir.resolve("resource"), "0x0 0x0\n");
        assertTrue(assertThrows(SysfsException.class, () -> sysfs.read(bdf("0000:00:02.0"))).getMessage()
                .endsWith("resource: line 1 '0x0 0x0' does not have the 3 fields start, end, flags"));

        Files.write(dir.resolve("resource"), SysfsFixtureTree.resource("0000:00:02.0", "resource"));
        Files.writeString(dir.resolve("numa_node"), "x\n");
        assertTrue(assertThrows(SysfsException.class, () -> sysfs.read(bdf("0000:00:02.0"))).getMessage()
                .endsWith("numa_node: malformed content 'x' (expected a decimal number)"));

        Files.writeString(dir.resolve("numa_node"), "0\n");
        Files.createSymbolicLink(dir.resolve("physfn"), Path.of("../not-a-bdf"));
        assertTrue(assertThrows(SysfsException.class, () -> sysfs.read(bdf("0000:00:02.0"))).getMessage()
                .endsWith("physfn: link target 'not-a-bdf' is not a PCI address"));
    }

    @Test
    void missingBusIsTyped() {
        SysfsException e = assertThrows(SysfsException.class, () -> new SysfsPci(tmp).addresses());
        assertEquals(tmp.resolve("bus/pci/devices") + ": not a directory: no PCI bus in this sysfs tree",
                e.getMessage());
    }

    @Test
    void entriesThatAreNotAddressesAreSkipped() throws Exception {
        SysfsPci sysfs = fixture();
        Files.createDirectories(sysfs.devicesDirectory().resolve("README"));
        assertEquals(6, sysfs.addresses().size());
    }

    @Test
    void infoEqualityComparesConfigBytes() throws Exception {
        SysfsPci sysfs = fixture();
        PciFunctionInfo a = sysfs.read(bdf("0000:00:02.0"));
        PciFunctionInfo b = sysfs.read(bdf("0000:00:02.0"));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        byte[] c = a.config();
        c[0] = 0;
        assertEquals(a, b, "config() must return a copy");
        assertTrue(a.toString().contains("0000:00:02.0 1af4:1042"), a.toString());
    }
}
