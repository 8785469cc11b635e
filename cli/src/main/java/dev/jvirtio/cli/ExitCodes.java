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
     * The device or its backend cannot be used: VFIO backend not in this build, no admin queue, a command
     * timed out or broke the queue.
     */
    public static final int DEVICE_UNAVAILABLE = 6;
    /** A migration file could not be read or written, or is corrupt, truncated or of another version. */
    public static final int FILE_ERROR = 7;
    /** {@code demo}: the migrated state did not verify. */
    public static final int VERIFY_FAILED = 8;
}
