package dev.jvirtio.admin.ring;

import static dev.jvirtio.admin.ring.Spec.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.engine.UnsupportedAdminCommandException;
import dev.jvirtio.admin.net.FlowFilterGroup;
import dev.jvirtio.admin.parts.DeviceStatusPart;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.admin.resource.ResourceObjectType;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The addressing failures every opcode 0x2-0x11 can meet, per opcode and group type: a member outside the
 * group (Q_INVALID_MEMBER), a group that does not exist (Q_INVALID_GROUP), an opcode not in use, refused
 * locally ({@link UnsupportedAdminCommandException}, nothing on the ring) or, sent raw past the local gate,
 * refused by the device (Q_INVALID_OPCODE). LIST_QUERY/LIST_USE are covered by {@link ListCommandsRingTest}.
 */
class AddressingErrorsRingTest {

    /** One opcode on one group type, with a typed command of it for a given member. */
    enum Op {
        LEGACY_COMMON_CFG_WRITE(0x2, SRIOV, vf -> AdminCommands.legacyCommonCfgWrite(vf, LegacyCommonField.STATUS, 1)),
        LEGACY_COMMON_CFG_READ(0x3, SRIOV, vf -> AdminCommands.legacyCommonCfgRead(vf, LegacyCommonField.HOST_FEATURES)),
        LEGACY_DEV_CFG_WRITE(0x4, SRIOV, vf -> AdminCommands.legacyDevCfgWrite(vf, 0, Bytes.ofHex("02"))),
        LEGACY_DEV_CFG_READ(0x5, SRIOV, vf -> AdminCommands.legacyDevCfgRead(vf, 0, 6)),
        LEGACY_NOTIFY_INFO(0x6, SRIOV, AdminCommands::legacyNotifyInfo),
        CAP_ID_LIST_QUERY(0x7, SELF, vf -> AdminCommands.capIdListQuery()),
        DEVICE_CAP_GET(0x8, SELF, vf -> AdminCommands.deviceCapGet(DevicePartsCap.KIND)),
        DRIVER_CAP_SET(0x9, SELF, vf -> AdminCommands.driverCapSet(new DevicePartsCap(1, 1))),
        RESOURCE_OBJ_CREATE_SELF(0xa, SELF,
                vf -> AdminCommands.resourceObjCreate(GroupMember.self(), 0, new FlowFilterGroup(1))),
        RESOURCE_OBJ_QUERY_SELF(0xb, SELF,
                vf -> AdminCommands.resourceObjQuery(GroupMember.self(), FlowFilterGroup.KIND, 0)),
        RESOURCE_OBJ_MODIFY_SELF(0xc, SELF,
                vf -> AdminCommands.resourceObjModify(GroupMember.self(), 0, new FlowFilterGroup(2))),
        RESOURCE_OBJ_DESTROY_SELF(0xd, SELF,
                vf -> AdminCommands.resourceObjDestroy(GroupMember.self(), ResourceObjectType.NET_FF_GROUP, 0)),
        RESOURCE_OBJ_CREATE_VF(0xa, SRIOV, vf -> AdminCommands.devPartsObjectCreate(vf, 0, DevicePartsObject.Mode.GET)),
        RESOURCE_OBJ_QUERY_VF(0xb, SRIOV,
                vf -> AdminCommands.resourceObjQuery(GroupMember.vf(vf), DevicePartsObject.KIND, 0)),
        RESOURCE_OBJ_MODIFY_VF(0xc, SRIOV,
                vf -> AdminCommands.resourceObjModify(GroupMember.vf(vf), 0, DevicePartsObject.forSet())),
        RESOURCE_OBJ_DESTROY_VF(0xd, SRIOV, vf -> AdminCommands.devPartsObjectDestroy(vf, 0)),
        DEV_PARTS_METADATA_GET(0xe, SRIOV, vf -> AdminCommands.devPartsSize(vf, 0)),
        DEV_PARTS_GET(0xf, SRIOV, vf -> AdminCommands.devPartsGetAll(vf, 0, 512)),
        DEV_PARTS_SET(0x10, SRIOV, vf -> AdminCommands.devPartsSet(vf, 0, List.of(DeviceStatusPart.of(1)))),
        DEV_MODE_SET(0x11, SRIOV, vf -> AdminCommands.devModeSet(vf, DevModeSet.Mode.STOPPED));

        final int code;
        final int group;
        final Function<VfNumber, AdminCommand<?>> command;

        Op(int code, int group, Function<VfNumber, AdminCommand<?>> command) {
            this.code = code;
            this.group = group;
            this.command = command;
        }

        GroupType groupType() {
            return group == SELF ? GroupType.SELF : GroupType.SR_IOV;
        }

        /** A raw command of this opcode on {@code group} with {@code member} and no data. */
        RawCommand raw(GroupType group, long member) {
            return RawCommand.of(code, group, member, "", 0);
        }
    }

    /** Checks the header of the last exchange and that the device wrote just the status block. */
    static void assertHeaderAndStatus(Rig r, AdminCommand<?> cmd, int opcode, int group, long member, int status,
            int qualifier) {
        RingRecorder.Exchange x = r.ring.last();
        assertEquals(cmd, x.command());
        assertEquals(LeBytes.hex(hdr(opcode, group, member).bytes()), LeBytes.hex(Arrays.copyOf(x.request(), 24)),
                "header");
        assertEquals(LeBytes.hex(resp(status, qualifier)), x.responseHex(), "status block");
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void aMemberOutsideTheGroupIsInvalidMember(Op op) throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            if (op.group == SRIOV) {
                // VF 3 is a valid VF number, but NumVFs is 2.
                AdminCommand<?> cmd = op.command.apply(VfNumber.of(Rig.NUM_VFS + 1));
                AdminCommandException e = assertThrows(AdminCommandException.class, () -> r.client.execute(cmd));
                Rig.assertFailure(e, cmd, EINVAL, Q_INVALID_MEMBER, AdminStatus.EINVAL, StatusQualifier.INVALID_MEMBER);
                assertEquals("VF 3", GroupType.SR_IOV.describeMember(e.memberId()));
                assertHeaderAndStatus(r, cmd, op.code, SRIOV, Rig.NUM_VFS + 1, EINVAL, Q_INVALID_MEMBER);
                // Member 0 names no VF at all; the typed API cannot even express it.
                RawCommand zero = op.raw(GroupType.SR_IOV, 0);
                r.expectQueueFailure(zero, hdr(op.code, SRIOV, 0).bytes(), EINVAL, Q_INVALID_MEMBER,
                        AdminStatus.EINVAL, StatusQualifier.INVALID_MEMBER);
            } else {
                // The self group's only member is 0; the typed API cannot build anything else.
                RawCommand one = op.raw(GroupType.SELF, 1);
                r.expectQueueFailure(one, hdr(op.code, SELF, 1).bytes(), EINVAL, Q_INVALID_MEMBER,
                        AdminStatus.EINVAL, StatusQualifier.INVALID_MEMBER);
            }
            assertEquals(0, r.model.engine().resourceObjectCount(), "no side effect");
            assertEquals(false, r.model.engine().member(1).stopped(), "no side effect");
        }
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void aGroupThatDoesNotExistIsInvalidGroup(Op op) throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            r.disableVfs();     // the SR-IOV group is gone; the client's opcode set for it is still cached
            if (op.group == SRIOV) {
                AdminCommand<?> cmd = op.command.apply(VfNumber.of(1));
                AdminCommandException e = assertThrows(AdminCommandException.class, () -> r.client.execute(cmd));
                Rig.assertFailure(e, cmd, EINVAL, Q_INVALID_GROUP, AdminStatus.EINVAL, StatusQualifier.INVALID_GROUP);
                assertHeaderAndStatus(r, cmd, op.code, SRIOV, 1, EINVAL, Q_INVALID_GROUP);
            } else {
                // A self-group opcode sent to the missing SR-IOV group: the group is checked first.
                RawCommand cmd = op.raw(GroupType.SR_IOV, 1);
                r.expectQueueFailure(cmd, hdr(op.code, SRIOV, 1).bytes(), EINVAL, Q_INVALID_GROUP, AdminStatus.EINVAL,
                        StatusQualifier.INVALID_GROUP);
                // The self group always exists: the typed command still works.
                if (op == Op.CAP_ID_LIST_QUERY || op == Op.DEVICE_CAP_GET) {
                    r.client.execute(op.command.apply(null));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Op.class, names = {"CAP_ID_LIST_QUERY", "DEVICE_CAP_GET", "DRIVER_CAP_SET"})
    void aSelfOnlyOpcodeOnTheSriovGroupIsInvalidOpcode(Op op) throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            RawCommand cmd = op.raw(GroupType.SR_IOV, 1);
            r.expectQueueFailure(cmd, hdr(op.code, SRIOV, 1).bytes(), EINVAL, Q_INVALID_OPCODE, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_OPCODE);
        }
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void anOpcodeTheDeviceDoesNotOfferIsRefusedLocallyWithoutTouchingTheRing(Op op) throws Exception {
        // A device offering only LIST_QUERY and LIST_USE, for both group types.
        try (Rig r = Rig.start(ProcessingMode.INLINE, b -> b.flowFilter(false).supportedSelf(0x3).supportedSriov(0x3),
                o -> o, Rig.NUM_VFS).discovered()) {
            long completed = r.model.adminCommandsCompleted();
            AdminCommand<?> cmd = op.command.apply(VfNumber.of(1));
            UnsupportedAdminCommandException e = assertThrows(UnsupportedAdminCommandException.class,
                    () -> r.client.execute(cmd));
            assertEquals(cmd.opcode(), e.opcode());
            assertEquals(op.groupType(), e.groupType());
            assertEquals(0, r.ring.submissions(), "nothing went onto the ring");
            assertEquals(completed, r.model.adminCommandsCompleted(), "nothing reached the device");
            // The non-blocking API refuses the same way, through the future.
            var f = r.client.submit(cmd);
            var thrown = assertThrows(java.util.concurrent.ExecutionException.class, f::get);
            assertEquals(UnsupportedAdminCommandException.class, thrown.getCause().getClass());
            assertEquals(0, r.ring.submissions());
        }
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void anOpcodeNotInUseSentRawIsInvalidOpcodeFromTheDevice(Op op) throws Exception {
        // No discovery: the device's in-use lists are still {LIST_QUERY, LIST_USE} after reset.
        try (Rig r = Rig.start(ProcessingMode.INLINE)) {
            long member = op.group == SELF ? 0 : 1;
            RawCommand cmd = op.raw(op.groupType(), member);
            r.expectQueueFailure(cmd, hdr(op.code, op.group, member).bytes(), EINVAL, Q_INVALID_OPCODE,
                    AdminStatus.EINVAL, StatusQualifier.INVALID_OPCODE);
        }
    }

    @Test
    void opcodesBeyondTheTableAreInvalidOpcodeFromTheDeviceAndRefusedLocallyWhenRegistered() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE)) {
            AdminOpcode vendor = AdminOpcode.custom(0x0100, "ACME_PROBE");
            r.client.registerOpcode(vendor);     // the device does not offer it: discovery leaves it out
            r.discovered();
            for (int code : new int[] {0x0012, 0x0013, 0x0100, 0x7fff}) {
                RawCommand cmd = RawCommand.of(code, GroupType.SR_IOV, 1, "", 0);
                r.expectQueueFailure(cmd, hdr(code, SRIOV, 1).bytes(), EINVAL, Q_INVALID_OPCODE, AdminStatus.EINVAL,
                        StatusQualifier.INVALID_OPCODE);
            }
            var probe = new RawCommand(vendor, GroupType.SR_IOV, 1, Bytes.empty(), 0, true);
            UnsupportedAdminCommandException e = assertThrows(UnsupportedAdminCommandException.class,
                    () -> r.client.execute(probe));
            assertEquals(vendor, e.opcode());
        }
    }

    @Test
    void aDeviceStatusTheSpecDoesNotDefineIsEinvalAndAReservedQualifierInvalidCommand() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            r.model.faults().garbageStatus(0x7777, 0x1234, 1);
            var cmd = AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED);
            var e = r.expectFailure(cmd, reqDevModeSet(1, 1), 0x7777, 0x1234, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_COMMAND);
            assertEquals(false, e.isRetryable());
            assertEquals(false, r.model.engine().member(1).stopped(), "not executed");
        }
    }
}
