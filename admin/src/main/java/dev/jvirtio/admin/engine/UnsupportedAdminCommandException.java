package dev.jvirtio.admin.engine;

import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;

/**
 * Refused locally, before reaching the device: the opcode is not in the set negotiated for its group
 * type with LIST_QUERY / LIST_USE (the device does not support it, or jvirtio does not implement it).
 */
public final class UnsupportedAdminCommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final AdminOpcode opcode;
    private final GroupType groupType;

    /** For {@code opcode} on {@code groupType}, with the set in use named in the message. */
    public UnsupportedAdminCommandException(AdminOpcode opcode, GroupType groupType, String inUse) {
        super(opcode.name() + " is not enabled for the " + groupType + " group (in use: " + inUse
                + "); the device does not offer it or jvirtio does not implement it");
        this.opcode = opcode;
        this.groupType = groupType;
    }

    /** The refused opcode. */
    public AdminOpcode opcode() {
        return opcode;
    }

    /** The group type it was sent to. */
    public GroupType groupType() {
        return groupType;
    }
}
