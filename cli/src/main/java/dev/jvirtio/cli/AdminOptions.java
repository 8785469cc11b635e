package dev.jvirtio.cli;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.sysfs.SysfsPci;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options of every command that talks to a device through its admin queue. */
final class AdminOptions {

    @Option(names = "--json", description = "Print JSON (with a \"target\" field) instead of text.")
    boolean json;

    @Option(names = "--device", paramLabel = "BDF", converter = PciAddressConverter.class,
            description = "The virtio PF to drive through VFIO. Without it the embedded device model is the"
                    + " target: a virtio-net PF with 4 VFs, started fresh for this one invocation.")
    PciAddress device;

    @Option(names = "--trace", description = "Print every admin command to stderr as it goes on the ring and comes"
            + " back: device-readable and device-writable bytes in hex, status, latency.")
    boolean trace;

    @Option(names = "--sysfs-root", paramLabel = "DIR", defaultValue = "/sys", hidden = true,
            description = "Root of the sysfs tree in which --device is looked up (default: ${DEFAULT-VALUE}).")
    Path sysfsRoot;

    SysfsPci sysfs() {
        return new SysfsPci(sysfsRoot);
    }
}
