package dev.jvirtio.admin.ring;

import static dev.jvirtio.admin.ring.Spec.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.command.ListQuery;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LIST_QUERY (0x0) and LIST_USE (0x1) on the ring: discovery, results, and their failures. */
class ListCommandsRingTest {

    /** What the default model supports for the self group: 0, 1, 7-9 and (net flow filter) 0xa-0xd. */
    static final long SELF_SUPPORTED = 0x3f83L;
    /** ... and for the SR-IOV group: 0-6 and 0xa-0x11. */
    static final long SRIOV_SUPPORTED = 0x3fc7fL;

    static final long TIMEOUT = 5_000_000_000L;

    @Test
    void discoveryIsOneListQueryThenOneListUsePerGroupType() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE)) {
            OpcodeSet self = r.client.enabledOpcodes(GroupType.SELF);
            OpcodeSet sriov = r.client.enabledOpcodes(GroupType.SR_IOV);
            r.client.enabledOpcodes(GroupType.SR_IOV);      // cached: no third exchange

            List<RingRecorder.Exchange> x = r.ring.exchanges();
            assertEquals(4, x.size(), "exchanges: " + x);
            // LIST_QUERY self: an all-zero header (opcode 0, group 0, member 0), no data.
            assertEquals("00".repeat(24), x.get(0).requestHex());
            assertEquals("0000" + "0000" + "00000000" + "833f000000000000", x.get(0).responseHex());
            assertEquals(LeBytes.hex(reqListUse(SELF, SELF_SUPPORTED)), x.get(1).requestHex());
            assertEquals(LeBytes.hex(resp(OK, Q_OK)), x.get(1).responseHex());
            assertEquals("0000" + "0100" + "00".repeat(12) + "0000000000000000", x.get(2).requestHex());
            assertEquals(LeBytes.hex(respOk(LeBytes.le().u64(SRIOV_SUPPORTED))), x.get(2).responseHex());
            assertEquals("0100" + "0100" + "00".repeat(12) + "00".repeat(8) + "7ffc030000000000",
                    x.get(3).requestHex());
            assertEquals("00".repeat(8), x.get(3).responseHex());

            assertEquals(OpcodeSet.ofCodes(0x0, 0x1, 0x7, 0x8, 0x9, 0xa, 0xb, 0xc, 0xd), self);
            assertEquals(OpcodeSet.ofCodes(0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x10,
                    0x11), sriov);
            assertEquals(sriov, r.client.supportedOpcodes(GroupType.SR_IOV));
            assertEquals(SELF_SUPPORTED, r.model.engine().inUse(SELF), "device's in-use list");
            assertEquals(SRIOV_SUPPORTED, r.model.engine().inUse(SRIOV), "device's in-use list");
        }
    }

    @Test
    void listQueryDecodesTheBitmapAndTheCapacityOnlySizesTheBuffer() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE)) {
            OpcodeSet big = r.expect(AdminCommands.listQuery(GroupType.SR_IOV), reqListQuery(SRIOV),
                    respOk(LeBytes.le().u64(SRIOV_SUPPORTED)));
            // One word of room: the device still reports used length 16 for its one word.
            var small = new ListQuery(GroupType.SR_IOV, 8);
            OpcodeSet one = r.expect(small, reqListQuery(SRIOV), respOk(LeBytes.le().u64(SRIOV_SUPPORTED)));
            assertEquals(big, one);
            assertEquals(OpcodeSet.fromWords(SRIOV_SUPPORTED), one);
        }
    }

    @Test
    void listUseWithExactlyTheQueriedSetAndWithASubset() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE)) {
            var q = r.queue();
            // A subset: LIST_QUERY/LIST_USE plus DEV_MODE_SET; the legacy commands left out as a whole.
            var use = AdminCommands.listUse(GroupType.SR_IOV, OpcodeSet.ofCodes(0x0, 0x1, 0x11));
            q.executeExclusive(use, TIMEOUT);
            r.assertRing(use, reqListUse(SRIOV, 0x20003L), resp(OK, Q_OK));
            assertEquals(0x20003L, r.model.engine().inUse(SRIOV));
        }
    }

    @Test
    void listQueryForTheSriovGroupWhileVfEnableIsClearIsInvalidGroupAndNothingIsCached() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE, b -> b, o -> o, 0)) {
            AdminCommandException e = assertThrows(AdminCommandException.class,
                    () -> r.client.enabledOpcodes(GroupType.SR_IOV));
            var x = r.ring.last();
            assertEquals(LeBytes.hex(reqListQuery(SRIOV)), x.requestHex());
            assertEquals(LeBytes.hex(resp(EINVAL, Q_INVALID_GROUP)), x.responseHex());
            Rig.assertFailure(e, x.command(), EINVAL, Q_INVALID_GROUP, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_GROUP);
            assertEquals(1, r.ring.submissions(), "no LIST_USE after a failed LIST_QUERY");
            r.enableVfs(1);
            assertTrue(r.client.enabledOpcodes(GroupType.SR_IOV).contains(0x11), "rediscovered");
        }
    }

    @Test
    void listUseForAMissingGroupIsInvalidGroup() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE, b -> b, o -> o, 0)) {
            var use = AdminCommands.listUse(GroupType.SR_IOV, OpcodeSet.ofCodes(0x0, 0x1));
            AdminCommandException e = assertThrows(AdminCommandException.class,
                    () -> r.queue().executeExclusive(use, TIMEOUT));
            Rig.assertFailure(e, use, EINVAL, Q_INVALID_GROUP, AdminStatus.EINVAL, StatusQualifier.INVALID_GROUP);
            r.assertRing(use, reqListUse(SRIOV, 0x3L), resp(EINVAL, Q_INVALID_GROUP));
        }
    }

    @Test
    void listUseOfAnUnsupportedOrDependencyBreakingSetIsInvalidFieldAndChangesNothing() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE)) {
            var q = r.queue();
            // CAP_ID_LIST_QUERY (7) is a self-group command: not supported for SR-IOV.
            var foreign = AdminCommands.listUse(GroupType.SR_IOV, OpcodeSet.ofCodes(0x0, 0x1, 0x7));
            AdminCommandException e = assertThrows(AdminCommandException.class,
                    () -> q.executeExclusive(foreign, TIMEOUT));
            Rig.assertFailure(e, foreign, EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            r.assertRing(foreign, reqListUse(SRIOV, 0x83L), resp(EINVAL, Q_INVALID_FIELD));

            // The four legacy cfg commands go together (a dependency the device may enforce).
            var partial = AdminCommands.listUse(GroupType.SR_IOV, OpcodeSet.ofCodes(0x0, 0x1, 0x2, 0x3));
            e = assertThrows(AdminCommandException.class, () -> q.executeExclusive(partial, TIMEOUT));
            Rig.assertFailure(e, partial, EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            r.assertRing(partial, reqListUse(SRIOV, 0xfL), resp(EINVAL, Q_INVALID_FIELD));

            // A bit in the second word (opcode 64): the bitmap grows to two words and names an unknown opcode.
            var wide = AdminCommands.listUse(GroupType.SR_IOV, OpcodeSet.ofCodes(0x0, 0x1, 64));
            e = assertThrows(AdminCommandException.class, () -> q.executeExclusive(wide, TIMEOUT));
            Rig.assertFailure(e, wide, EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            r.assertRing(wide, reqListUse(SRIOV, 0x3L, 0x1L), resp(EINVAL, Q_INVALID_FIELD));

            assertEquals(0x3L, r.model.engine().inUse(SRIOV), "failed LIST_USE left the reset list in use");
        }
    }

    @Test
    void theMemberIdIsUnusedByTheListCommands() throws Exception {
        // The spec says group_member_id is unused by LIST_QUERY, so no member check applies (Linux sends 0).
        try (Rig r = Rig.start(ProcessingMode.INLINE)) {
            var raw = RawCommand.of(LIST_QUERY, GroupType.SR_IOV, 77, "", 8);
            var result = r.queue().execute(raw);
            r.assertRing(raw, hdr(LIST_QUERY, SRIOV, 77).bytes(), respOk(LeBytes.le().u64(SRIOV_SUPPORTED)));
            assertEquals("7ffc030000000000", HexFormat.of().formatHex(result.toArray()));
        }
    }

    @Test
    void listQueryIsNeverRefusedLocallySoADriverThatDisabledItGetsInvalidOpcodeFromTheDevice() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE)) {
            // The driver may clear LIST_QUERY/LIST_USE themselves; enable only CAP_ID_LIST_QUERY for self.
            var use = AdminCommands.listUse(GroupType.SELF, OpcodeSet.ofCodes(0x7));
            r.queue().executeExclusive(use, TIMEOUT);
            r.assertRing(use, reqListUse(SELF, 0x80L), resp(OK, Q_OK));
            var query = AdminCommands.listQuery(GroupType.SELF);
            int before = r.ring.submissions();
            r.expectFailure(query, reqListQuery(SELF), EINVAL, Q_INVALID_OPCODE, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_OPCODE);
            assertEquals(before + 1, r.ring.submissions(), "LIST_QUERY went to the device: it is never gated");
            // LIST_USE disabled itself too: the driver cannot take it back.
            var back = AdminCommands.listUse(GroupType.SELF, OpcodeSet.ofCodes(0x0, 0x1, 0x7));
            AdminCommandException e = assertThrows(AdminCommandException.class,
                    () -> r.queue().executeExclusive(back, TIMEOUT));
            Rig.assertFailure(e, back, EINVAL, Q_INVALID_OPCODE, AdminStatus.EINVAL, StatusQualifier.INVALID_OPCODE);
            r.assertRing(back, reqListUse(SELF, 0x83L), resp(EINVAL, Q_INVALID_OPCODE));
            assertEquals(0x80L, r.model.engine().inUse(SELF));
        }
    }
}
