package dev.jvirtio.cli;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.sysfs.SysfsPci;
import dev.jvirtio.pci.vfio.VfioBackend;
import dev.jvirtio.pci.vfio.VfioOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.Locale;

/** Options of every command that talks to a device through its admin queue. */
final class AdminOptions {

    @Option(names = "--json", description = "Print JSON (with a \"target\" field) instead of text.")
    boolean json;

    @Option(names = "--device", paramLabel = "BDF", converter = PciAddressConverter.class,
            description = "The virtio PF to drive through VFIO; it must be bound to vfio-pci (see 'virtio-cli"
                    + " bind'). Without it the embedded device model is the target: a virtio-net PF with 4 VFs,"
                    + " started fresh for this one invocation.")
    PciAddress device;

    @Option(names = "--vfio-backend", paramLabel = "auto|type1|iommufd|noiommu", defaultValue = "auto",
            converter = BackendConverter.class,
            description = "How --device is opened: auto (iommufd when the kernel offers the vfio cdev, else the"
                    + " type1 container; never no-IOMMU), type1, iommufd, or noiommu (no DMA isolation: the"
                    + " device can reach all memory; needs root; disposable test systems only)."
                    + " Default: ${DEFAULT-VALUE}.")
    VfioBackend backend;

    @Option(names = "--trace", description = "Print every admin command to stderr as it goes on the ring and comes"
            + " back: device-readable and device-writable bytes in hex, status, latency.")
    boolean trace;

    @Option(names = "--sysfs-root", paramLabel = "DIR", defaultValue = "/sys", hidden = true,
            description = "Root of the sysfs tree in which --device is looked up (default: ${DEFAULT-VALUE}).")
    Path sysfsRoot;

    @Option(names = "--dev-root", paramLabel = "DIR", defaultValue = "/dev", hidden = true,
            description = "Where the VFIO device nodes of --device are looked for (default: ${DEFAULT-VALUE}).")
    Path devRoot;

    SysfsPci sysfs() {
        return new SysfsPci(sysfsRoot);
    }

    /** The VFIO options {@code --device} is opened with. */
    VfioOptions vfio() {
        return VfioOptions.defaults().withBackend(backend).withSysfsRoot(sysfsRoot).withDevRoot(devRoot);
    }

    /** {@code auto|type1|iommufd|noiommu}, any case; anything else is a usage error listing the choices. */
    static final class BackendConverter implements ITypeConverter<VfioBackend> {
        @Override
        public VfioBackend convert(String value) {
            for (VfioBackend b : VfioBackend.values()) {
                if (b.name().equalsIgnoreCase(value)) {
                    return b;
                }
            }
            throw new TypeConversionException("unknown VFIO backend '" + value + "': use auto, type1, iommufd or"
                    + " noiommu");
        }
    }

    /** The lower-case CLI spelling of {@code b}. */
    static String name(VfioBackend b) {
        return b.name().toLowerCase(Locale.ROOT);
    }
}
