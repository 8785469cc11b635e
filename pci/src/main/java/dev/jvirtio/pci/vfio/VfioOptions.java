package dev.jvirtio.pci.vfio;

import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * How {@link VfioPciFunction#open} finds and takes a function. Every path is a parameter, so the checks
 * that precede any system call can be tested on a copied or hand-made tree.
 *
 * <pre>{@code
 * VfioOptions o = VfioOptions.defaults()
 *         .withBackend(VfioBackend.TYPE1)
 *         .withVfToken(UUID.fromString("2ab74924-c335-45f4-9b16-8569e5b08258"));
 * }</pre>
 *
 * @param backend     which kernel interface to use ({@link VfioBackend#AUTO} picks iommufd when available)
 * @param sysfsRoot   sysfs mount point, normally {@code /sys}
 * @param devRoot     device node directory, normally {@code /dev}
 * @param vfToken     the VF token to present when opening a VF of a vfio-pci PF, or null
 * @param resetOnOpen whether to issue {@code VFIO_DEVICE_RESET} right after opening (when supported)
 * @param pagemap     the page map used by the no-IOMMU backend, normally {@code /proc/self/pagemap}
 */
public record VfioOptions(VfioBackend backend, Path sysfsRoot, Path devRoot, UUID vfToken, boolean resetOnOpen,
                          Path pagemap) {

    /** Checks that nothing but the token is null. */
    public VfioOptions {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(sysfsRoot, "sysfsRoot");
        Objects.requireNonNull(devRoot, "devRoot");
        Objects.requireNonNull(pagemap, "pagemap");
    }

    /** AUTO backend, {@code /sys}, {@code /dev}, no VF token, no reset, {@code /proc/self/pagemap}. */
    public static VfioOptions defaults() {
        return new VfioOptions(VfioBackend.AUTO, Path.of("/sys"), Path.of("/dev"), null, false,
                Path.of("/proc/self/pagemap"));
    }

    /** A copy with another backend. */
    public VfioOptions withBackend(VfioBackend b) {
        return new VfioOptions(b, sysfsRoot, devRoot, vfToken, resetOnOpen, pagemap);
    }

    /** A copy reading sysfs from {@code root}. */
    public VfioOptions withSysfsRoot(Path root) {
        return new VfioOptions(backend, root, devRoot, vfToken, resetOnOpen, pagemap);
    }

    /** A copy finding device nodes under {@code root}. */
    public VfioOptions withDevRoot(Path root) {
        return new VfioOptions(backend, sysfsRoot, root, vfToken, resetOnOpen, pagemap);
    }

    /** A copy presenting {@code token} (null for none). */
    public VfioOptions withVfToken(UUID token) {
        return new VfioOptions(backend, sysfsRoot, devRoot, token, resetOnOpen, pagemap);
    }

    /** A copy that does or does not reset the function after opening it. */
    public VfioOptions withResetOnOpen(boolean reset) {
        return new VfioOptions(backend, sysfsRoot, devRoot, vfToken, reset, pagemap);
    }

    /** A copy reading physical addresses from {@code file}. */
    public VfioOptions withPagemap(Path file) {
        return new VfioOptions(backend, sysfsRoot, devRoot, vfToken, resetOnOpen, file);
    }
}
