package dev.jvirtio.admin;

/**
 * The {@code status} field of a completed admin command (virtio 1.4, "Group administration commands").
 *
 * <p>Values deliberately equal Linux errno numbers. The spec requires a driver to treat any value it does not
 * know like {@link #EINVAL}; {@link #fromCode(int)} does exactly that. Code that needs the value the device
 * actually wrote keeps it separately (see {@link AdminCommandException#rawStatus()}).
 */
public enum AdminStatus {
    /** Successful completion. */
    OK(0),
    /** No such capability or resource object (1.4). */
    ENXIO(6),
    /** Try again; the command had no side effects (1.3). */
    EAGAIN(11),
    /** Insufficient resources; the command had no side effects (1.3). */
    ENOMEM(12),
    /** Device busy, for example a resource object still has dependants (1.4). */
    EBUSY(16),
    /** Invalid command; the command had no side effects (1.3). */
    EINVAL(22),
    /** Resources exhausted on the device (1.4). */
    ENOSPC(28);

    private static final AdminStatus[] BY_CODE = new AdminStatus[29];

    static {
        for (AdminStatus s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;

    AdminStatus(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** Maps a wire value to its status; unknown values map to {@link #EINVAL}, as the spec requires. Allocation-free. */
    public static AdminStatus fromCode(int code) {
        AdminStatus s = isKnown(code) ? BY_CODE[code] : null;
        return s == null ? EINVAL : s;
    }

    /** True when {@code code} is one of the values defined by the spec. */
    public static boolean isKnown(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null;
    }
}
