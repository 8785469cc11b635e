package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Validation order, LIST_QUERY / LIST_USE per group type, and the in-use list across reset. */
class ValidationAndListTest {

    /** Bits 0-6 (list + legacy), 0xa-0x11 (resource objects, device parts). */
    static final long NET_SRIOV_LIST = 0x7FL | 0xFFL << 10;
    /** Bits 0, 1, 7, 8, 9 (capabilities) and 0xa-0xd (flow-filter objects). */
    static final long NET_SELF_LIST = 0x3L | 0x7L << 7 | 0xFL << 10;

    @Test
    void listQueryReportsTheSupportedOpcodesPerGroupType() {
        AdminCommandEngine e = net(4);
        R sriov = run(e, cmd(0x0, SRIOV, 0), 16).ok();
        assertEquals(16, sriov.used());
        assertEquals(NET_SRIOV_LIST, sriov.u64(8));
        R self = run(e, cmd(0x0, SELF, 0), 16).ok();
        assertEquals(NET_SELF_LIST, self.u64(8));

        AdminCommandEngine blk = new AdminCommandEngine(
                AdminEngineConfig.builder(DeviceType.BLOCK).totalVfs(2).build(), sriov(2));
        assertEquals(0x383L, run(blk, cmd(0x0, SELF, 0), 16).ok().u64(8), "block: no self-scoped objects");
    }

    @Test
    void commandsOutsideTheInUseListFailWithInvalidOpcode() {
        AdminCommandEngine e = net(4);
        // After reset only LIST_QUERY and LIST_USE are in use.
        run(e, cmd(0x3, SRIOV, 1, w().u8(0).done()), 12).fails(EINVAL, Q_INVALID_OPCODE);
        run(e, cmd(0x7, SELF, 0), 16).fails(EINVAL, Q_INVALID_OPCODE);
        run(e, cmd(0x1, SRIOV, 0, w().u64(0x3 | 1 << 0x11).done()), 8).ok();
        run(e, cmd(0x11, SRIOV, 1, w().u8(0).zeros(7).done()), 8).ok();
        run(e, cmd(0x3, SRIOV, 1, w().u8(0).done()), 12).fails(EINVAL, Q_INVALID_OPCODE);
        assertEquals(0x3L | 1L << 0x11, e.inUse(SRIOV));
    }

    @Test
    void listUseRejectsUnsupportedOpcodesWithoutSideEffects() {
        AdminCommandEngine e = net(4);
        run(e, cmd(0x1, SRIOV, 0, w().u64(0x3 | 0x3C).done()), 8).ok();
        long before = e.inUse(SRIOV);
        // bit 7 (CAP_ID_LIST_QUERY) is a self-group command
        run(e, cmd(0x1, SRIOV, 0, w().u64(0x3 | 1 << 7).done()), 8).fails(EINVAL, Q_INVALID_FIELD);
        // opcode 64 lives in word 1
        run(e, cmd(0x1, SRIOV, 0, w().u64(0x3).u64(1).done()), 8).fails(EINVAL, Q_INVALID_FIELD);
        // a trailing partial word still counts
        run(e, cmd(0x1, SRIOV, 0, w().u64(0x3).u8(0).u8(1).done()), 8).fails(EINVAL, Q_INVALID_FIELD);
        // dependencies: the legacy cfg commands all together; NOTIFY_INFO needs them
        run(e, cmd(0x1, SRIOV, 0, w().u64(0x3 | 1 << 3).done()), 8).fails(EINVAL, Q_INVALID_FIELD);
        run(e, cmd(0x1, SRIOV, 0, w().u64(0x3 | 1 << 6).done()), 8).fails(EINVAL, Q_INVALID_FIELD);
        assertEquals(before, e.inUse(SRIOV), "failed LIST_USE changed the in-use list");
        // zero trailing words are allowed
        run(e, cmd(0x1, SRIOV, 0, w().u64(0x3 | 0x7C).u64(0).u64(0).done()), 8).ok();
        assertEquals(0x7FL, e.inUse(SRIOV));
    }

    @Test
    void resetRestoresListQueryAndListUseOnly() {
        AdminCommandEngine e = useAll(net(4));
        assertEquals(NET_SRIOV_LIST, e.inUse(SRIOV));
        e.reset();
        assertEquals(3L, e.inUse(SRIOV));
        assertEquals(3L, e.inUse(SELF));
        run(e, cmd(0x5, SRIOV, 1, w().u8(0).done()), 14).fails(EINVAL, Q_INVALID_OPCODE);
        // the same list is accepted again after reset (resume / error recovery)
        run(e, cmd(0x1, SRIOV, 0, w().u64(NET_SRIOV_LIST).done()), 8).ok();
    }

    @Test
    void driverMayDisableListCommandsThemselves() {
        AdminCommandEngine e = net(2);
        run(e, cmd(0x1, SRIOV, 0, w().u64(1 << 0x11).done()), 8).ok();
        run(e, cmd(0x0, SRIOV, 0), 16).fails(EINVAL, Q_INVALID_OPCODE);
        run(e, cmd(0x1, SRIOV, 0, w().u64(3).done()), 8).fails(EINVAL, Q_INVALID_OPCODE);
        // the self group is independent
        run(e, cmd(0x0, SELF, 0), 16).ok();
    }

    @Test
    void groupTypeIsCheckedFirst() {
        AdminCommandEngine e = useAll(net(4));
        // unknown group type, unknown opcode, bad member: the group wins
        run(e, cmd(0x99, 7, 999), 8).fails(EINVAL, Q_INVALID_GROUP);
        run(e, cmd(0x3, 2, 1, w().u8(0).done()), 12).fails(EINVAL, Q_INVALID_GROUP);
        run(e, cmd(0x0, 0xffff, 0), 16).fails(EINVAL, Q_INVALID_GROUP);
    }

    @Test
    void sriovGroupExistsOnlyWithVfEnableAndVfs() {
        MutableSrIovState s = sriov(4);
        AdminCommandEngine e = useAll(new AdminCommandEngine(
                AdminEngineConfig.builder(DeviceType.NET).totalVfs(4).build(), s));
        s.vfEnable(false);
        run(e, cmd(0x0, SRIOV, 0), 16).fails(EINVAL, Q_INVALID_GROUP);
        run(e, cmd(0x77, SRIOV, 0), 16).fails(EINVAL, Q_INVALID_GROUP); // bad opcode too
        run(e, cmd(0x3, SRIOV, 99, w().u8(0).done()), 12).fails(EINVAL, Q_INVALID_GROUP);
        s.vfEnable(true);
        s.numVfs(0);
        run(e, cmd(0x3, SRIOV, 1, w().u8(0).done()), 12).fails(EINVAL, Q_INVALID_GROUP);
        s.numVfs(4);
        run(e, cmd(0x3, SRIOV, 1, w().u8(0).done()), 12).ok();
        // self group unaffected by SR-IOV state
        s.vfEnable(false);
        run(e, cmd(0x7, SELF, 0), 16).ok();

        AdminCommandEngine noSriov = new AdminCommandEngine(
                AdminEngineConfig.builder(DeviceType.NET).totalVfs(0).build(), sriov(0));
        run(noSriov, cmd(0x0, SRIOV, 0), 16).fails(EINVAL, Q_INVALID_GROUP);
    }

    @Test
    void opcodeIsCheckedBeforeMember() {
        AdminCommandEngine e = net(4);
        // supported but not in use, with a bad member
        run(e, cmd(0x3, SRIOV, 0, w().u8(0).done()), 12).fails(EINVAL, Q_INVALID_OPCODE);
        useAll(e);
        // legacy read is not supported for the self group; self member must be 0 but the opcode wins
        run(e, cmd(0x3, SELF, 5, w().u8(0).done()), 12).fails(EINVAL, Q_INVALID_OPCODE);
        // undefined opcodes
        run(e, cmd(0x12, SRIOV, 0), 8).fails(EINVAL, Q_INVALID_OPCODE);
        run(e, cmd(0x40, SRIOV, 0), 8).fails(EINVAL, Q_INVALID_OPCODE);
        run(e, cmd(0x8000, SELF, 3), 8).fails(EINVAL, Q_INVALID_OPCODE);
        // CAP commands are self-only
        run(e, cmd(0x8, SRIOV, 1, w().u16(0).zeros(6).done()), 16).fails(EINVAL, Q_INVALID_OPCODE);
    }

    @Test
    void memberIsCheckedLast() {
        MutableSrIovState s = sriov(4);
        AdminCommandEngine e = useAll(new AdminCommandEngine(
                AdminEngineConfig.builder(DeviceType.NET).totalVfs(8).build(), s));
        byte[] rd = w().u8(18).done(); // legacy status
        run(e, cmd(0x3, SRIOV, 0, rd), 9).fails(EINVAL, Q_INVALID_MEMBER);
        run(e, cmd(0x3, SRIOV, 5, rd), 9).fails(EINVAL, Q_INVALID_MEMBER); // > NumVFs though <= TotalVFs
        run(e, cmd(0x3, SRIOV, 0x8000_0000_0000_0001L, rd), 9).fails(EINVAL, Q_INVALID_MEMBER);
        run(e, cmd(0x3, SRIOV, 4, rd), 9).ok();
        run(e, cmd(0x7, SELF, 1), 16).fails(EINVAL, Q_INVALID_MEMBER);
        // LIST_QUERY does not use the member id
        run(e, cmd(0x0, SRIOV, 12345), 16).ok();
        run(e, cmd(0x0, SELF, 7), 16).ok();
    }

    @Test
    void validationFailuresHaveNoSideEffects() {
        AdminCommandEngine e = useAll(net(2));
        MemberState m = e.member(1);
        byte[] status7 = w().u8(18).zeros(7).u8(7).done();
        run(e, cmd(0x2, SRIOV, 3, status7), 8).fails(EINVAL, Q_INVALID_MEMBER);
        run(e, cmd(0x2, 5, 1, status7), 8).fails(EINVAL, Q_INVALID_GROUP);
        assertEquals(0, m.deviceStatus());
        run(e, cmd(0x2, SRIOV, 1, status7), 8).ok();
        assertEquals(7, m.deviceStatus());
    }
}
