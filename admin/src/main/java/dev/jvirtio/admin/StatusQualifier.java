package dev.jvirtio.admin;

/**
 * The {@code status_qualifier} field of a completed admin command: a low-level reason meant for diagnostics.
 *
 * <p>Reserved values (0x08-0xffff) must be handled like {@link #INVALID_COMMAND}; {@link #fromCode(int)} maps
 * them so. The spec names carry a {@code Q_} prefix ({@code VIRTIO_ADMIN_STATUS_Q_INVALID_FIELD}); the
 * constants here drop it.
 */
public enum StatusQualifier {
    /** Used with status OK. */
    OK(0),
    /** Command error, no additional information. */
    INVALID_COMMAND(1),
    /** Unsupported or invalid opcode (also: opcode not enabled through LIST_USE). */
    INVALID_OPCODE(2),
    /** Unsupported or invalid field in the command-specific data. */
    INVALID_FIELD(3),
    /** Unsupported or invalid group type. */
    INVALID_GROUP(4),
    /** Unsupported or invalid group member id. */
    INVALID_MEMBER(5),
    /** Out of internal resources; ok to retry. */
    NORESOURCE(6),
    /** The command would block for too long; should retry. */
    TRYAGAIN(7);

    private static final StatusQualifier[] BY_CODE = values();

    private final int code;

    StatusQualifier(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** Maps a wire value; reserved values map to {@link #INVALID_COMMAND}. Allocation-free. */
    public static StatusQualifier fromCode(int code) {
        return isKnown(code) ? BY_CODE[code] : INVALID_COMMAND;
    }

    /** True when {@code code} is defined by the spec (0x0-0x7). */
    public static boolean isKnown(int code) {
        return code >= 0 && code < BY_CODE.length;
    }
}
