package dev.jvirtio.admin;

/**
 * Device group types (virtio 1.4 "Device groups"). An owner has at most one group of each type; the type
 * decides how the member id is read.
 */
public enum GroupType {
    /** The owner device is its own and only member; the member id is always 0 (1.4). */
    SELF(0, "self"),
    /** An SR-IOV PF owns its VFs; member id = VF number, 1..NumVFs (1.3). */
    SR_IOV(1, "SR-IOV");

    private final int id;
    private final String label;

    GroupType(int id, String label) {
        this.id = id;
        this.label = label;
    }

    /** The {@code group_type} wire value. */
    public int id() {
        return id;
    }

    /** Human-readable label used in messages. */
    public String label() {
        return label;
    }

    /**
     * Maps a wire value to a group type.
     *
     * @throws IllegalArgumentException for reserved values (2-65535)
     */
    public static GroupType fromId(int id) {
        return switch (id) {
            case 0 -> SELF;
            case 1 -> SR_IOV;
            default -> throw new IllegalArgumentException("group_type " + id + " is reserved (known: 0 self, 1 SR-IOV)");
        };
    }

    /** Describes a member of a group of this type, e.g. "VF 3", "self", "SR-IOV group" (member 0). */
    public String describeMember(long memberId) {
        return switch (this) {
            case SELF -> "self";
            case SR_IOV -> memberId == 0 ? "SR-IOV group" : "VF " + Long.toUnsignedString(memberId);
        };
    }
}
