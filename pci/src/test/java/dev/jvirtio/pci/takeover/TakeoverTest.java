package dev.jvirtio.pci.takeover;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.sysfs.NoSuchPciFunctionException;
import dev.jvirtio.pci.sysfs.SysfsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The takeover safety checks and write sequences, on snapshot trees only. Nothing here reads or writes the
 * live /sys or /proc: this machine's own functions carry its disk and network.
 */
class TakeoverTest {
    static final String BLK = "0000:00:02.0";
    static final String NET = "0000:00:03.0";
    static final String SPARE = "0000:00:04.0";
    static final PciAddress BLK_A = PciAddress.parse(BLK);
    static final PciAddress NET_A = PciAddress.parse(NET);
    static final PciAddress SPARE_A = PciAddress.parse(SPARE);

    /** mountinfo lines as this machine has them: the root file system shows up as /dev/root. */
    static final String MOUNTINFO = """
            21 26 0:20 / /proc rw,relatime - proc proc rw
            26 1 254:0 / / rw,relatime - ext4 /dev/root rw,discard
            30 26 0:26 / /dev/shm rw,relatime shared:3 - tmpfs tmpfs rw
            """;
    static final String ROUTE_ETH0_DEFAULT = """
            Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
            eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
            eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
            """;

    @TempDir
    Path tmp;

    /** This machine's shape: disk on BLK, NIC on NET, an idle spare in its own group. */
    HostSnapshot host() {
        return new HostSnapshot(tmp)
                .function(BLK, "virtio-pci", 1).disk(BLK, "vda", "254:0")
                .function(NET, "virtio-pci", 2).nic(NET, "eth0")
                .function(SPARE, "virtio-pci", 3).disk(SPARE, "vdb", "254:16")
                .proc("mountinfo", MOUNTINFO).proc("route", ROUTE_ETH0_DEFAULT);
    }

    @Test
    void rootDiskIsFoundByDeviceNumberEvenWhenMountedAsDevRoot() throws IOException {
        HostSnapshot h = host();
        List<TakeoverHazard> found = new Takeover(h.paths(), h.new FakeKernel("virtio-pci")).hazards(BLK_A);
        assertEquals(1, found.size(), found.toString());
        assertEquals(TakeoverHazard.Kind.MOUNTED_FILESYSTEM, found.get(0).kind());
        assertTrue(found.get(0).detail().contains("vda of 0000:00:02.0 is mounted on / (from /dev/root)"),
                found.get(0).detail());
    }

    @Test
    void partitionMountedByNameInProcMountsFormat() throws IOException {
        HostSnapshot h = host().partition(SPARE, "vdb", "vdb1", "254:17")
                .proc("mounts", "/dev/vdb1 /srv\\040data ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n");
        Takeover.Paths p = new Takeover.Paths(h.sys, h.proc.resolve("mounts"), h.proc.resolve("swaps"),
                h.proc.resolve("route"), h.proc.resolve("ipv6_route"));
        List<TakeoverHazard> found = new Takeover(p, h.new FakeKernel("virtio-pci")).hazards(SPARE_A);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).detail().contains("vdb1 of 0000:00:04.0 is mounted on /srv data"),
                found.get(0).detail());
    }

    @Test
    void deviceMapperStackedOnTheDiskCounts() throws IOException {
        HostSnapshot h = host().partition(SPARE, "vdb", "vdb1", "254:17").dm("dm-0", "vg-data", "253:0", "vdb1")
                .proc("mountinfo", MOUNTINFO + "40 26 253:0 / /data rw - xfs /dev/mapper/vg-data rw\n");
        List<TakeoverHazard> found = new Takeover(h.paths(), h.new FakeKernel("virtio-pci")).hazards(SPARE_A);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).detail().contains("dm-0 (/dev/mapper/vg-data)"), found.get(0).detail());
        assertTrue(found.get(0).detail().contains("/data"), found.get(0).detail());
    }

    @Test
    void swapOnThePartitionCounts() throws IOException {
        HostSnapshot h = host().partition(SPARE, "vdb", "vdb2", "254:18")
                .proc("swaps", "Filename\tType\tSize\tUsed\tPriority\n/dev/vdb2  partition\t1048572\t0\t-2\n");
        List<TakeoverHazard> found = new Takeover(h.paths(), h.new FakeKernel("virtio-pci")).hazards(SPARE_A);
        assertEquals(List.of(TakeoverHazard.Kind.ACTIVE_SWAP), found.stream().map(TakeoverHazard::kind).toList());
    }

    @Test
    void defaultRouteInterfaceIsFound() throws IOException {
        HostSnapshot h = host();
        List<TakeoverHazard> found = new Takeover(h.paths(), h.new FakeKernel("virtio-pci")).hazards(NET_A);
        assertEquals(1, found.size(), found.toString());
        assertEquals(TakeoverHazard.Kind.DEFAULT_ROUTE, found.get(0).kind());
        assertTrue(found.get(0).detail().contains("eth0 of 0000:00:03.0 carries the IPv4 default route"));
    }

    @Test
    void ipv6DefaultRouteCountsButTheUnreachableLoopbackDefaultDoesNot() throws IOException {
        String v6 = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                + "fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n"
                + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                + "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
        HostSnapshot h = host().proc("route", ROUTE_ETH0_DEFAULT.lines().findFirst().orElseThrow() + "\n")
                .proc("ipv6_route", v6);
        List<TakeoverHazard> found = new Takeover(h.paths(), h.new FakeKernel("virtio-pci")).hazards(NET_A);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).detail().contains("IPv6 default route"), found.get(0).detail());
        assertEquals(List.of("eth0"), HostTables.ipv6DefaultRouteInterfaces(h.proc.resolve("ipv6_route")));
    }

    @Test
    void defaultRouteOnABridgeOverTheNicCounts() throws IOException {
        HostSnapshot h = host().upper("eth0", "br0").proc("route",
                "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n"
                        + "br0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
        List<TakeoverHazard> found = new Takeover(h.paths(), h.new FakeKernel("virtio-pci")).hazards(NET_A);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).detail().contains("br0 of 0000:00:03.0"), found.get(0).detail());
    }

    @Test
    void nonDefaultRoutesAndDownRoutesDoNotCount() throws IOException {
        HostSnapshot h = host().proc("route",
                "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n"
                        + "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
                        + "eth0\t00000000\t010200C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n");
        assertEquals(List.of(), new Takeover(h.paths(), h.new FakeKernel("virtio-pci")).hazards(NET_A));
    }

    @Test
    void sharedIommuGroupWithAKernelDriverCountsButBridgesDoNot() throws IOException {
        HostSnapshot h = host().function("0000:00:05.0", "e1000e", 3).function("0000:00:1c.0", "pcieport", 3)
                .function("0000:00:06.0", null, 3);
        List<TakeoverHazard> found = new Takeover(h.paths(), h.new FakeKernel("virtio-pci")).hazards(SPARE_A);
        assertEquals(1, found.size(), found.toString());
        assertEquals(TakeoverHazard.Kind.IOMMU_GROUP_SHARED, found.get(0).kind());
        assertTrue(found.get(0).detail().contains("0000:00:05.0, bound to e1000e"), found.get(0).detail());
    }

    @Test
    void refusalListsEveryHazardAndWritesNothing() throws IOException {
        HostSnapshot h = host();
        HostSnapshot.FakeKernel k = h.new FakeKernel("virtio-pci");
        Takeover t = new Takeover(h.paths(), k);
        TakeoverRefusedException e = assertThrows(TakeoverRefusedException.class, () -> t.bind(BLK_A, false));
        assertEquals(BLK_A, e.address());
        assertEquals(1, e.hazards().size());
        assertTrue(e.getMessage().contains("mounted on /"), e.getMessage());
        assertTrue(e.getMessage().contains("force=true"), e.getMessage());
        assertEquals(List.of(), k.log, "a refusal must not touch sysfs");
        assertEquals(Optional.of("virtio-pci"), t.driver(BLK_A));
        assertThrows(TakeoverRefusedException.class, () -> t.bind(NET_A, false));
        assertEquals(List.of(), k.log);
    }

    @Test
    void safeFunctionIsBoundThroughOverrideUnbindAndProbe() throws IOException {
        HostSnapshot h = host();
        HostSnapshot.FakeKernel k = h.new FakeKernel("virtio-pci");
        Takeover t = new Takeover(h.paths(), k);
        assertEquals(Optional.of("virtio-pci"), t.bind(SPARE_A, false));
        assertEquals(List.of(
                "bus/pci/devices/0000:00:04.0/driver_override <- vfio-pci",
                "bus/pci/devices/0000:00:04.0/driver/unbind <- 0000:00:04.0",
                "bus/pci/drivers_probe <- 0000:00:04.0"), k.log);
        assertEquals(Optional.of("vfio-pci"), t.driver(SPARE_A));

        k.log.clear();
        assertEquals(Optional.of("vfio-pci"), t.bind(SPARE_A, false), "already bound: nothing to do");
        assertEquals(List.of(), k.log);

        t.unbind(SPARE_A);
        assertEquals(List.of(
                "bus/pci/devices/0000:00:04.0/driver/unbind <- 0000:00:04.0",
                "bus/pci/devices/0000:00:04.0/driver_override <- ",
                "bus/pci/drivers_probe <- 0000:00:04.0"), k.log);
        assertEquals(Optional.of("virtio-pci"), t.driver(SPARE_A), "the kernel driver took it back");
    }

    @Test
    void forceOverridesTheRefusal() throws IOException {
        HostSnapshot h = host();
        HostSnapshot.FakeKernel k = h.new FakeKernel("virtio-pci");
        Takeover t = new Takeover(h.paths(), k);
        assertEquals(Optional.of("virtio-pci"), t.bind(BLK_A, true));
        assertEquals(3, k.log.size(), k.log.toString());
        assertEquals(Optional.of("vfio-pci"), t.driver(BLK_A));
    }

    @Test
    void unboundFunctionSkipsTheUnbindStep() throws IOException {
        HostSnapshot h = host().function("0000:00:07.0", null, 7);
        HostSnapshot.FakeKernel k = h.new FakeKernel("virtio-pci");
        assertEquals(Optional.empty(), new Takeover(h.paths(), k).bind(PciAddress.parse("0000:00:07.0"), false));
        assertEquals(2, k.log.size(), k.log.toString());
    }

    @Test
    void vfioPciNotLoadedIsReportedBeforeAnyWrite() throws IOException {
        HostSnapshot h = host();
        Files.delete(h.sys.resolve("bus/pci/drivers/vfio-pci"));
        HostSnapshot.FakeKernel k = h.new FakeKernel("virtio-pci");
        SysfsException e = assertThrows(SysfsException.class, () -> new Takeover(h.paths(), k).bind(SPARE_A, false));
        assertTrue(e.getMessage().contains("modprobe vfio-pci"), e.getMessage());
        assertEquals(List.of(), k.log);
    }

    @Test
    void probeThatBindsNothingIsAnError() throws IOException {
        HostSnapshot h = host();
        HostSnapshot.FakeKernel k = h.new FakeKernel("virtio-pci");
        k.probeBindsNothing = true;
        SysfsException e = assertThrows(SysfsException.class, () -> new Takeover(h.paths(), k).bind(SPARE_A, false));
        assertTrue(e.getMessage().contains("bound to no driver, not vfio-pci"), e.getMessage());
    }

    @Test
    void failedWriteSaysRootIsNeeded() {
        HostSnapshot h = host();
        Takeover t = new Takeover(h.paths(), (file, value) -> {
            throw new java.nio.file.AccessDeniedException(file.toString());
        });
        SysfsException e = assertThrows(SysfsException.class, () -> t.bind(SPARE_A, false));
        assertTrue(e.getMessage().contains("needs root"), e.getMessage());
    }

    @Test
    void missingTablesNeverMakeAFunctionLookSafe() throws IOException {
        HostSnapshot h = host();
        Files.delete(h.proc.resolve("mountinfo"));
        Takeover t = new Takeover(h.paths(), h.new FakeKernel("virtio-pci"));
        assertThrows(NoSuchFileException.class, () -> t.hazards(BLK_A));
        assertThrows(NoSuchFileException.class, () -> t.bind(SPARE_A, false),
                "without a mount table even a function with a disk is not judged");

        HostSnapshot h2 = new HostSnapshot(tmp.resolve("second")).function(BLK, "virtio-pci", 1);
        Files.delete(h2.sys.resolve("class/block"));
        assertThrows(SysfsException.class,
                () -> new Takeover(h2.paths(), h2.new FakeKernel("virtio-pci")).hazards(BLK_A));
    }

    @Test
    void unknownFunction() {
        HostSnapshot h = host();
        assertThrows(NoSuchPciFunctionException.class, () -> new Takeover(h.paths(), h.new FakeKernel("x"))
                .bind(PciAddress.parse("0000:09:00.0"), true));
    }

    @Test
    void mountTableEscapesAreDecoded() {
        assertEquals("/mnt/a b\tc\\d", HostTables.unescape("/mnt/a\\040b\\011c\\134d"));
        assertEquals("/plain", HostTables.unescape("/plain"));
        assertEquals("/trailing\\04", HostTables.unescape("/trailing\\04"));
    }
}
