package dev.jvirtio.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Guest: QEMU's virtio-blk and virtio-net functions are handed to vfio-pci, ready for user space. */
@Tag(Guest.TAG)
class VfioBindingTest {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    @BeforeEach
    void onlyInGuest() {
        Guest.assumeGuest();
    }

    /** The group's node: {@code /dev/vfio/N}, or {@code /dev/vfio/noiommu-N} when the rig runs without an IOMMU. */
    static Path groupNode(int group) {
        return Path.of("/dev/vfio", (Guest.mode().iommu() ? "" : "noiommu-") + group);
    }

    @ParameterizedTest(name = "{0} is 1af4:{1} on vfio-pci with its own /dev/vfio group")
    @CsvSource({"VMRIG_BLK_BDF, 0x1042", "VMRIG_BLK_PACKED_BDF, 0x1042", "VMRIG_NET_BDF, 0x1041"})
    void functionIsBoundToVfioPciWithAGroupNode(String var, String deviceId) throws IOException {
        PciFunction f = PciFunction.of(Guest.require(var));
        assertEquals(0x1af4, f.vendorId(), "vendor of " + f.bdf());
        assertEquals(Integer.decode(deviceId), f.deviceId(), "device of " + f.bdf());
        assertEquals("vfio-pci", f.driverName(), "driver of " + f.bdf());

        int group = f.iommuGroup();
        assertTrue(group >= 0, f.bdf() + " has no iommu_group");
        Path node = groupNode(group);
        assertTrue(Files.exists(node), node + " missing");
        assertEquals(S_IFCHR, (int) Files.getAttribute(node, "unix:mode") & S_IFMT, node + " is not a char device");

        // Alone in its group (own root port, ACS; without an IOMMU vfio makes one group per function): the group
        // is viable without touching other functions.
        try (Stream<Path> members = Files.list(Path.of("/sys/kernel/iommu_groups", Integer.toString(group), "devices"))) {
            assertEquals(List.of(f.bdf()), members.map(p -> p.getFileName().toString()).toList(),
                    "members of iommu group " + group);
        }
    }

    @Test
    void blkAndNetAreDistinctFunctionsInDistinctGroups() {
        PciFunction blk = PciFunction.of(Guest.blkBdf());
        PciFunction packed = PciFunction.of(Guest.blkPackedBdf());
        PciFunction net = PciFunction.of(Guest.netBdf());
        assertEquals(3, Stream.of(blk.bdf(), packed.bdf(), net.bdf()).distinct().count(), "three functions");
        assertEquals(3, Stream.of(blk.iommuGroup(), packed.iommuGroup(), net.iommuGroup()).distinct().count(),
                "three IOMMU groups");
    }

    @Test
    void containerNodeExists() throws IOException {
        Path container = Path.of("/dev/vfio/vfio");
        assertTrue(Files.exists(container), "/dev/vfio/vfio missing: vfio not loaded?");
        assertEquals(S_IFCHR, (int) Files.getAttribute(container, "unix:mode") & S_IFMT);
    }

    /** Every virtio function except the 9p transports that carry the shares went to vfio-pci. */
    @Test
    void everyNon9pVirtioFunctionIsTakenOver() throws IOException {
        List<String> targets = Arrays.asList(Guest.require(Guest.TARGETS_VAR).split("\\s+"));
        try (Stream<Path> all = Files.list(PciFunction.DEVICES)) {
            for (Path d : all.toList()) {
                PciFunction f = PciFunction.of(d.getFileName().toString());
                if (f.vendorId() != 0x1af4) {
                    continue;
                }
                boolean ninep = f.deviceId() == 0x1009 || f.deviceId() == 0x1049;
                if (ninep) {
                    assertEquals("virtio-pci", f.driverName(), "9p transport " + f.bdf());
                } else {
                    assertTrue(targets.contains(f.bdf()), f.bdf() + " not in " + Guest.TARGETS_VAR);
                    assertEquals("vfio-pci", f.driverName(), "driver of " + f.bdf());
                }
            }
        }
    }
}
