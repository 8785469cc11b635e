package dev.jvirtio.cli;

/** Process exit codes of {@code virtio-cli}; also listed in {@code --help}. */
public final class ExitCodes {
    private ExitCodes() {
    }

    /** The command did what was asked. */
    public static final int OK = 0;
    /** An unexpected internal error (a bug); the message names the exception. */
    public static final int INTERNAL = 1;
    /**
     * Bad command line: unknown option, missing argument, malformed BDF, a VF number that does not exist, an
     * unknown field name, an offset or value out of range.
     */
    public static final int USAGE = 2;
    /** The requested PCI function does not exist. */
    public static final int NO_SUCH_FUNCTION = 3;
    /** Sysfs or config-space data could not be read or decoded. */
    public static final int DATA_ERROR = 4;
    /** The device refused an admin command (status and qualifier in the message), or does not offer it. */
    public static final int DEVICE_REFUSED = 5;
    /**
     * The device cannot be used: not bound to vfio-pci, no IOMMU group, VFIO nodes missing or busy, not a
     * virtio function, no admin queue, a command timed out or broke the queue; for {@code bind}: vfio-pci not
     * loaded or the kernel did not bind it.
     */
    public static final int DEVICE_UNAVAILABLE = 6;
    /** A migration file could not be read or written, or is corrupt, truncated or of another version. */
    public static final int FILE_ERROR = 7;
    /** {@code demo}: the migrated state did not verify. */
    public static final int VERIFY_FAILED = 8;
    /**
     * {@code bind} refused: the host uses the function (mounted file system, swap, default route, an IOMMU
     * group shared with functions in use) or a kernel driver holds it, and {@code --force} was not given;
     * {@code unbind} refused: a kernel driver other than vfio-pci holds the function. Nothing was written.
     */
    public static final int TAKEOVER_REFUSED = 9;
    /**
     * Not permitted: writing sysfs ({@code bind}, {@code unbind}) needs root; opening VFIO nodes needs root or
     * read-write access to them (and enough {@code RLIMIT_MEMLOCK}).
     */
    public static final int PERMISSION_DENIED = 10;
}
