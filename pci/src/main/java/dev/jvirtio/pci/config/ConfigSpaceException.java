package dev.jvirtio.pci.config;

/**
 * Config-space bytes that cannot be parsed at all: shorter than the 64-byte header, longer than the 4 KiB
 * extended config space, or a function that answers all-ones (absent device).
 *
 * <p>Problems inside an otherwise readable config space do not throw; they are recorded as
 * {@link ConfigProblem}s on the parsed {@link ConfigSpace}.
 */
public final class ConfigSpaceException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the bytes were rejected. */
    public enum Reason {
        /** Fewer than 64 bytes: the standard header itself is incomplete. */
        TRUNCATED_HEADER,
        /** More than 4096 bytes: larger than PCIe extended config space. */
        TOO_LONG,
        /** Vendor ID 0xffff: no function answered the read. */
        NO_DEVICE
    }

    private final Reason reason;
    private final int length;

    /** Creates the exception; {@code length} is the number of bytes offered to the parser. */
    public ConfigSpaceException(Reason reason, int length, String message) {
        super(message);
        this.reason = reason;
        this.length = length;
    }

    /** Why the bytes were rejected. */
    public Reason reason() {
        return reason;
    }

    /** The number of bytes that were offered to the parser. */
    public int length() {
        return length;
    }
}
