package dev.jvirtio.cli;

/** Process exit codes of {@code virtio-cli}; also listed in {@code --help}. */
public final class ExitCodes {
    private ExitCodes() {
    }

    /** The command did what was asked. */
    public static final int OK = 0;
    /** An unexpected internal error (a bug); the message names the exception. */
    public static final int INTERNAL = 1;
    /** Bad command line: unknown option, missing argument, malformed BDF. */
    public static final int USAGE = 2;
    /** The requested PCI function does not exist. */
    public static final int NO_SUCH_FUNCTION = 3;
    /** Sysfs or config-space data could not be read or decoded. */
    public static final int DATA_ERROR = 4;
}
