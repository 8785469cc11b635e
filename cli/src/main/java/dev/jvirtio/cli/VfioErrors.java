package dev.jvirtio.cli;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.sysfs.NoSuchPciFunctionException;
import dev.jvirtio.pci.vfio.VfioBackend;
import dev.jvirtio.pci.vfio.VfioException;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a {@link VfioException} from opening {@code --device} into the CLI's typed errors, with advice a
 * person at the shell can follow: the CLI command or option to use instead of the Java API names the pci
 * module's messages mention.
 */
final class VfioErrors {
    private VfioErrors() {
    }

    /**
     * The CLI error for {@code e}: {@link NoSuchPciFunctionException} (exit 3), {@link PermissionDeniedException}
     * (exit 10) or {@link DeviceUnusableException} (exit 6).
     *
     * @param bdf       the function that was being opened
     * @param driver    the driver sysfs names for it (empty: none), for the "not bound" advice
     * @param sysfsRoot where the function was looked up, for the "no such function" message
     */
    static Exception translate(VfioException e, PciAddress bdf, Optional<String> driver, Path sysfsRoot) {
        return switch (e.kind()) {
            case NO_SUCH_FUNCTION ->
                    new NoSuchPciFunctionException(bdf, sysfsRoot.resolve("bus/pci/devices").resolve(bdf.toString()));
            case NOT_BOUND_TO_VFIO -> new DeviceUnusableException(bdf + " is bound to "
                    + driver.map(d -> "the kernel driver " + d).orElse("no driver") + ", not vfio-pci, so it cannot be"
                    + " driven through VFIO (nothing was touched): take it over first with 'virtio-cli bind " + bdf
                    + "' (as root; it refuses a function the host is using)", e);
            case NO_IOMMU_GROUP -> new DeviceUnusableException(bdf + " has no IOMMU group: the kernel runs without"
                    + " an IOMMU. Enable one (VT-d/AMD-Vi in firmware, intel_iommu=on or amd_iommu=on on the kernel"
                    + " command line) and bind again; on a disposable test system only, load vfio with"
                    + " enable_unsafe_noiommu_mode=1, bind again and pass --vfio-backend noiommu", e);
            case PERMISSION_DENIED -> new PermissionDeniedException(cliWords(e.getMessage()), e);
            default -> new DeviceUnusableException(cliWords(e.getMessage()), e);
        };
    }

    /** Rewrites the Java option names in a pci-module message into the CLI's {@code --vfio-backend} values. */
    static String cliWords(String message) {
        String m = message;
        for (VfioBackend b : VfioBackend.values()) {
            m = m.replace("VfioBackend." + b.name(), "--vfio-backend " + b.name().toLowerCase(Locale.ROOT));
        }
        return m;
    }
}
