package dev.jvirtio.vmtests.sriov;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.vmtests.Guest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Guest only: finds the rig's SR-IOV physical function, QEMU's nvme ({@code 1b36:0010} with
 * {@code sriov_totalvfs}). Modes that add it (viommu) must have exactly one; other modes skip.
 */
final class NvmePf {
    /** Modes whose QEMU command line carries the nvme PF. */
    static final List<String> MODES_WITH_NVME = List.of("viommu");

    private NvmePf() {}

    /** The PF's address; fails in a mode that should have one and does not, skips in other modes. */
    static PciAddress find() throws IOException {
        List<PciAddress> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dev.jvirtio.vmtests.PciFunction.DEVICES)) {
            for (Path d : (Iterable<Path>) s::iterator) {
                if (hex(d.resolve("vendor")) == NvmeSriovGuestTest.QEMU_VENDOR
                        && hex(d.resolve("device")) == NvmeSriovGuestTest.QEMU_NVME
                        && Files.exists(d.resolve("sriov_totalvfs"))) {
                    found.add(PciAddress.parse(d.getFileName().toString()));
                }
            }
        }
        String mode = System.getenv(Guest.MODE_VAR);
        if (!MODES_WITH_NVME.contains(mode)) {
            Assumptions.assumeFalse(found.isEmpty(), "mode " + mode + " has no nvme SR-IOV PF");
        }
        assertEquals(1, found.size(), "QEMU nvme PFs (1b36:0010 with sriov_totalvfs) in mode " + mode + ": " + found);
        return found.get(0);
    }

    private static int hex(Path f) throws IOException {
        return Integer.decode(Files.readString(f).strip());
    }
}
