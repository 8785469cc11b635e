package dev.jvirtio.admin;

/**
 * The addressee of a command: a group type and a member id within it.
 *
 * <pre>{@code
 * GroupMember.self();                 // self group, member 0
 * GroupMember.vf(VfNumber.of(3));     // SR-IOV group, VF 3
 * }</pre>
 *
 * @param groupType the group type
 * @param memberId  the member id: 0 for the self group, the VF number (1..65535) for SR-IOV
 */
public record GroupMember(GroupType groupType, long memberId) {
    private static final GroupMember SELF = new GroupMember(GroupType.SELF, 0);

    /** Validates the member id against the group type. */
    public GroupMember {
        if (groupType == null) {
            throw new NullPointerException("groupType");
        }
        switch (groupType) {
            case SELF -> {
                if (memberId != 0) {
                    throw new IllegalArgumentException("the self group has only member 0, got " + memberId);
                }
            }
            case SR_IOV -> {
                if (memberId < 1 || memberId > VfNumber.MAX) {
                    throw new IllegalArgumentException(
                            "SR-IOV member ids are VF numbers 1.." + VfNumber.MAX + ", got " + memberId);
                }
            }
        }
    }

    /** The owner device itself (self group, member 0). */
    public static GroupMember self() {
        return SELF;
    }

    /** A VF of the SR-IOV group. */
    public static GroupMember vf(VfNumber vf) {
        return new GroupMember(GroupType.SR_IOV, vf.memberId());
    }

    @Override
    public String toString() {
        return groupType.describeMember(memberId);
    }
}
