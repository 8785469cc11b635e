package dev.jvirtio.pci.sysfs;

import dev.jvirtio.pci.VirtioIdentity;
import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.config.VirtioCfgType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Read-only check against this machine's live /sys: for every function the kernel's virtio core has probed
 * (it has a {@code virtioN/device} file holding the Virtio Device ID), our decoding of the PCI IDs must give the
 * same number. Skipped where there is no PCI bus or no probed virtio function. Only reads files.
 */
class LiveSysfsTest {

    @Test
    void decodedVirtioTypesMatchTheKernel() throws Exception {
        Path bus = Path.of("/sys/bus/pci/devices");
        assumeTrue(Files.isDirectory(bus), "no /sys/bus/pci on this machine");
        SysfsPci sysfs = new SysfsPci();
        int checked = 0;
        for (PciFunctionInfo f : sysfs.scan()) {
            Path dir = sysfs.functionDirectory(f.address());
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "virtio*")) {
                for (Path v : ds) {
                    Path deviceFile = v.resolve("device");
                    if (!Files.isRegularFile(deviceFile)) {
                        continue;
                    }
                    String text = Files.readString(deviceFile, StandardCharsets.US_ASCII).trim();
                    int kernelId = Integer.decode(text);
                    VirtioIdentity ours = f.virtio().orElseThrow(
                            () -> new AssertionError(f.address() + " has " + deviceFile + " but we see no virtio IDs"));
                    assertEquals(kernelId, ours.deviceId(), f.address() + ": " + deviceFile);
                    checked++;
                    ConfigSpace cs = f.parseConfig();
                    if (cs.length() >= ConfigSpace.STANDARD_SIZE) { // root sees the capabilities
                        assertTrue(cs.firstVirtio(VirtioCfgType.COMMON).isPresent(), f.address() + " common cfg");
                        assertTrue(cs.firstVirtio(VirtioCfgType.NOTIFY).isPresent(), f.address() + " notify cfg");
                    }
                }
            }
        }
        assumeTrue(checked > 0, "no virtio function probed by the kernel here");
        System.out.println("LiveSysfsTest: " + checked + " virtio functions agree with the kernel");
    }
}
