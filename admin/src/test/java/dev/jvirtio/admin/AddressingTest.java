package dev.jvirtio.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** VF numbers vs sysfs virtfn indices, and group/member validation. */
class AddressingTest {
    @Test
    void virtfnIndexIsOneLessThanTheVfNumber() {
        VfNumber vf = VfNumber.fromVirtfnIndex(0);
        assertEquals(1, vf.value());
        assertEquals(1, vf.memberId());
        assertEquals("virtfn0", vf.virtfnName());
        assertEquals(VfNumber.of(8), VfNumber.fromVirtfnName("virtfn7"));
        assertEquals(7, VfNumber.of(8).virtfnIndex());
        assertEquals(VfNumber.of(65535), VfNumber.fromVirtfnIndex(65534));
        assertEquals("VF 3", VfNumber.of(3).toString());
    }

    @Test
    void zeroAndNegativeAreRefusedClearly() {
        var zero = assertThrows(IllegalArgumentException.class, () -> VfNumber.of(0));
        assertTrue(zero.getMessage().contains("1-based"), zero.getMessage());
        assertTrue(zero.getMessage().contains("virtfn0 is VF 1"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VfNumber.of(-4));
        assertThrows(IllegalArgumentException.class, () -> VfNumber.of(65536));
        assertThrows(IllegalArgumentException.class, () -> VfNumber.fromVirtfnIndex(-1));
        assertThrows(IllegalArgumentException.class, () -> VfNumber.fromVirtfnIndex(65535));
        for (String bad : new String[] {"virtfn", "virtfn-1", "vf3", "virtfnx", "virtfn99999999", "virtfn65535"}) {
            assertThrows(IllegalArgumentException.class, () -> VfNumber.fromVirtfnName(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> VfNumber.fromVirtfnName(null));
    }

    @Test
    void groupMembers() {
        assertEquals(new GroupMember(GroupType.SELF, 0), GroupMember.self());
        assertEquals(new GroupMember(GroupType.SR_IOV, 4), GroupMember.vf(VfNumber.of(4)));
        assertEquals("VF 4", GroupMember.vf(VfNumber.of(4)).toString());
        assertEquals("self", GroupMember.self().toString());
        assertThrows(IllegalArgumentException.class, () -> new GroupMember(GroupType.SELF, 1));
        assertThrows(IllegalArgumentException.class, () -> new GroupMember(GroupType.SR_IOV, 0));
        assertThrows(IllegalArgumentException.class, () -> new GroupMember(GroupType.SR_IOV, 65536));
        assertThrows(NullPointerException.class, () -> new GroupMember(null, 0));
    }

    @Test
    void groupTypes() {
        assertEquals(GroupType.SELF, GroupType.fromId(0));
        assertEquals(GroupType.SR_IOV, GroupType.fromId(1));
        assertEquals(1, GroupType.SR_IOV.id());
        assertThrows(IllegalArgumentException.class, () -> GroupType.fromId(2));
    }
}
