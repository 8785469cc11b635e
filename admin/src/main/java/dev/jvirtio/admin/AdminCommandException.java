package dev.jvirtio.admin;

import dev.jvirtio.admin.internal.Wire;

/**
 * The device completed an admin command with a status other than OK.
 *
 * <p>Carries what was sent (opcode, group, member) and what came back, both as the spec meaning
 * ({@link #status()}, {@link #qualifier()}, where unknown values are already folded to EINVAL /
 * INVALID_COMMAND as the spec demands) and as the raw wire values ({@link #rawStatus()},
 * {@link #rawQualifier()}) for diagnostics. The message reads like
 * {@code DEV_PARTS_SET on VF 3 failed: EINVAL / INVALID_FIELD}.
 *
 * <p>Unchecked so it travels through futures and callbacks of the admin-queue engine unchanged; callers that
 * can react (retry, report) catch it explicitly. {@link #isRetryable()} tells whether the spec says a retry
 * may succeed.
 */
public class AdminCommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient AdminOpcode opcode;
    private final GroupType groupType;
    private final long memberId;
    private final int rawStatus;
    private final int rawQualifier;

    /**
     * Creates the exception.
     *
     * @param opcode       the command's opcode
     * @param groupType    the group type it was sent for
     * @param memberId     the member id it was sent for
     * @param rawStatus    the status value the device wrote (non-zero)
     * @param rawQualifier the status qualifier value the device wrote
     */
    public AdminCommandException(AdminOpcode opcode, GroupType groupType, long memberId, int rawStatus,
            int rawQualifier) {
        super(message(opcode, groupType, memberId, rawStatus, rawQualifier));
        this.opcode = opcode;
        this.groupType = groupType;
        this.memberId = memberId;
        this.rawStatus = rawStatus;
        this.rawQualifier = rawQualifier;
    }

    private static String message(AdminOpcode opcode, GroupType groupType, long memberId, int rawStatus,
            int rawQualifier) {
        StringBuilder sb = new StringBuilder()
                .append(opcode.name()).append(" on ").append(groupType.describeMember(memberId))
                .append(" failed: ").append(AdminStatus.fromCode(rawStatus).name());
        if (!AdminStatus.isKnown(rawStatus)) {
            sb.append(" (unknown status ").append(rawStatus).append(')');
        }
        sb.append(" / ").append(StatusQualifier.fromCode(rawQualifier).name());
        if (!StatusQualifier.isKnown(rawQualifier)) {
            sb.append(" (reserved qualifier ").append(Wire.hex16(rawQualifier)).append(')');
        }
        return sb.toString();
    }

    /** The opcode of the failed command. */
    public AdminOpcode opcode() {
        return opcode;
    }

    /** The group type the command addressed. */
    public GroupType groupType() {
        return groupType;
    }

    /** The member id the command addressed. */
    public long memberId() {
        return memberId;
    }

    /** The status as the spec says to treat it (unknown values read as EINVAL). */
    public AdminStatus status() {
        return AdminStatus.fromCode(rawStatus);
    }

    /** The qualifier as the spec says to treat it (reserved values read as INVALID_COMMAND). */
    public StatusQualifier qualifier() {
        return StatusQualifier.fromCode(rawQualifier);
    }

    /** The status value exactly as the device wrote it. */
    public int rawStatus() {
        return rawStatus;
    }

    /** The qualifier value exactly as the device wrote it. */
    public int rawQualifier() {
        return rawQualifier;
    }

    /**
     * True when the spec says the same command may succeed later: status EAGAIN ("try again", no side
     * effects), or qualifier NORESOURCE ("ok to retry") or TRYAGAIN ("should retry").
     */
    public boolean isRetryable() {
        return isRetryable(rawStatus, rawQualifier);
    }

    /** The retry rule on raw values, usable without an exception instance. */
    public static boolean isRetryable(int rawStatus, int rawQualifier) {
        return rawStatus == AdminStatus.EAGAIN.code()
                || rawQualifier == StatusQualifier.NORESOURCE.code()
                || rawQualifier == StatusQualifier.TRYAGAIN.code();
    }
}
