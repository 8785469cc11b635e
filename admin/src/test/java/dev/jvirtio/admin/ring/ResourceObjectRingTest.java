package dev.jvirtio.admin.ring;

import static dev.jvirtio.admin.ring.Spec.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.OpcodeNumbering;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.net.FlowFilterAction;
import dev.jvirtio.admin.net.FlowFilterClassifier;
import dev.jvirtio.admin.net.FlowFilterGroup;
import dev.jvirtio.admin.net.FlowFilterRule;
import dev.jvirtio.admin.net.FlowFilterSelector;
import dev.jvirtio.admin.net.FlowFilterSelectorType;
import dev.jvirtio.admin.net.NetFfActionCap;
import dev.jvirtio.admin.net.NetFfResourceCap;
import dev.jvirtio.admin.net.NetFfSelectorCap;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.admin.resource.ResourceObjectType;
import dev.jvirtio.devicemodel.AdminEngineConfig.ResourceOpcodeNumbering;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RESOURCE_OBJ_CREATE (0xa), QUERY and MODIFY (0xb/0xc: the 1.4 table and text disagree, so every test runs
 * with both numberings, client and device agreeing) and DESTROY (0xd) on the ring: device-parts objects on
 * the SR-IOV group and virtio-net flow-filter objects on the self group.
 */
class ResourceObjectRingTest {
    static final VfNumber VF1 = VfNumber.of(1);
    static final VfNumber VF2 = VfNumber.of(2);

    /** One spec numbering, as both the client and the device model spell it, with its wire codes. */
    enum Numbering {
        TABLE(OpcodeNumbering.OPCODE_TABLE, ResourceOpcodeNumbering.OPCODE_TABLE, RESOURCE_OBJ_QUERY_TABLE,
                RESOURCE_OBJ_MODIFY_TABLE),
        TEXT(OpcodeNumbering.COMMAND_TEXT, ResourceOpcodeNumbering.COMMAND_TEXT, RESOURCE_OBJ_QUERY_TEXT,
                RESOURCE_OBJ_MODIFY_TEXT);

        final OpcodeNumbering client;
        final ResourceOpcodeNumbering device;
        final int query;
        final int modify;

        Numbering(OpcodeNumbering client, ResourceOpcodeNumbering device, int query, int modify) {
            this.client = client;
            this.device = device;
            this.query = query;
            this.modify = modify;
        }

        Rig start() throws Exception {
            return Rig.start(ProcessingMode.INLINE, b -> b.numbering(device), o -> o.withNumbering(client),
                    Rig.NUM_VFS).discovered();
        }
    }

    @ParameterizedTest
    @EnumSource(Numbering.class)
    void devicePartsObjectLifecycle(Numbering n) throws Exception {
        try (Rig r = n.start()) {
            r.client.execute(AdminCommands.driverCapSet(new DevicePartsCap(2, 2)));
            var vf1 = GroupMember.vf(VF1);

            // CREATE: header {type 0 DEV_PARTS, id 1}, flags 0, virtio_resource_obj_dev_parts {type 0 GET}.
            r.expect(AdminCommands.devPartsObjectCreate(VF1, 1, DevicePartsObject.Mode.GET),
                    reqObjWrite(RESOURCE_OBJ_CREATE, SRIOV, 1, OBJ_DEV_PARTS, 1, "00 00000000000000"),
                    resp(OK, Q_OK));
            assertEquals(48, r.ring.last().request().length);
            assertEquals(DevicePartsObject.forGet(), r.expect(
                    AdminCommands.resourceObjQuery(vf1, DevicePartsObject.KIND, 1),
                    reqObjQuery(n.query, SRIOV, 1, OBJ_DEV_PARTS, 1), respOk(LeBytes.le().u8(0).zeros(7))));

            r.expect(AdminCommands.resourceObjModify(vf1, 1, DevicePartsObject.forSet()),
                    reqObjWrite(n.modify, SRIOV, 1, OBJ_DEV_PARTS, 1, "01 00000000000000"), resp(OK, Q_OK));
            assertEquals(DevicePartsObject.forSet(), r.expect(
                    AdminCommands.resourceObjQuery(vf1, DevicePartsObject.KIND, 1),
                    reqObjQuery(n.query, SRIOV, 1, OBJ_DEV_PARTS, 1), respOk(LeBytes.le().u8(1).zeros(7))));

            r.expect(AdminCommands.devPartsObjectDestroy(VF1, 1), reqObjDestroy(SRIOV, 1, OBJ_DEV_PARTS, 1),
                    resp(OK, Q_OK));
            assertEquals(32, r.ring.last().request().length);
            assertEquals(0, r.model.engine().resourceObjectCount());
        }
    }

    @ParameterizedTest
    @EnumSource(Numbering.class)
    void unknownObjectsAreEnxioForQueryModifyAndDestroy(Numbering n) throws Exception {
        try (Rig r = n.start()) {
            r.client.execute(AdminCommands.driverCapSet(new DevicePartsCap(2, 2)));
            var vf1 = GroupMember.vf(VF1);
            r.expectFailure(AdminCommands.resourceObjQuery(vf1, DevicePartsObject.KIND, 1),
                    reqObjQuery(n.query, SRIOV, 1, OBJ_DEV_PARTS, 1), ENXIO, Q_INVALID_FIELD, AdminStatus.ENXIO,
                    StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.resourceObjModify(vf1, 1, DevicePartsObject.forGet()),
                    reqObjWrite(n.modify, SRIOV, 1, OBJ_DEV_PARTS, 1, "00 00000000000000"), ENXIO,
                    Q_INVALID_FIELD, AdminStatus.ENXIO, StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.devPartsObjectDestroy(VF1, 1), reqObjDestroy(SRIOV, 1, OBJ_DEV_PARTS, 1),
                    ENXIO, Q_INVALID_FIELD, AdminStatus.ENXIO, StatusQualifier.INVALID_FIELD);

            // An object belongs to the member that created it: VF 2 cannot see VF 1's object.
            r.client.execute(AdminCommands.devPartsObjectCreate(VF1, 0, DevicePartsObject.Mode.GET));
            r.expectFailure(AdminCommands.resourceObjQuery(GroupMember.vf(VF2), DevicePartsObject.KIND, 0),
                    reqObjQuery(n.query, SRIOV, 2, OBJ_DEV_PARTS, 0), ENXIO, Q_INVALID_FIELD, AdminStatus.ENXIO,
                    StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.devPartsObjectDestroy(VF2, 0), reqObjDestroy(SRIOV, 2, OBJ_DEV_PARTS, 0),
                    ENXIO, Q_INVALID_FIELD, AdminStatus.ENXIO, StatusQualifier.INVALID_FIELD);
            assertEquals(1, r.model.engine().resourceObjectCount());
        }
    }

    @ParameterizedTest
    @EnumSource(Numbering.class)
    void createOfAnExistingIdIsEexistBeyondTheLimitEnospcOfAForeignTypeInvalidField(Numbering n) throws Exception {
        try (Rig r = n.start()) {
            r.client.execute(AdminCommands.driverCapSet(new DevicePartsCap(1, 1)));
            r.client.execute(AdminCommands.devPartsObjectCreate(VF1, 0, DevicePartsObject.Mode.GET));
            // The 1.4 text names VIRTIO_ADMIN_STATUS_EEXIST without a value; the model sends Linux's 17, which
            // the driver must treat as EINVAL, keeping the raw value for the message.
            var again = AdminCommands.devPartsObjectCreate(VF1, 0, DevicePartsObject.Mode.GET);
            var e = r.expectFailure(again, reqObjWrite(RESOURCE_OBJ_CREATE, SRIOV, 1, OBJ_DEV_PARTS, 0,
                    "00 00000000000000"), EEXIST, Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            assertEquals(true, e.getMessage().contains("unknown status 17"), e.getMessage());
            r.expectFailure(AdminCommands.devPartsObjectCreate(VF1, 1, DevicePartsObject.Mode.SET),
                    reqObjWrite(RESOURCE_OBJ_CREATE, SRIOV, 1, OBJ_DEV_PARTS, 1, "01 00000000000000"), ENOSPC,
                    Q_NORESOURCE, AdminStatus.ENOSPC, StatusQualifier.NORESOURCE);
            // Flow-filter objects live on the self group, not on a VF.
            r.expectFailure(AdminCommands.resourceObjCreate(GroupMember.vf(VF1), 0, new FlowFilterGroup(3)),
                    reqObjWrite(RESOURCE_OBJ_CREATE, SRIOV, 1, OBJ_NET_FF_GROUP, 0, "0300"), EINVAL,
                    Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            assertEquals(1, r.model.engine().resourceObjectCount(), "failed creates created nothing");
        }
    }

    @ParameterizedTest
    @EnumSource(Numbering.class)
    void flowFilterGroupClassifierAndRule(Numbering n) throws Exception {
        try (Rig r = n.start()) {
            enableFlowFilter(r);
            var self = GroupMember.self();

            // Group: priority le16.
            r.expect(AdminCommands.resourceObjCreate(self, 0, new FlowFilterGroup(5)),
                    reqObjWrite(RESOURCE_OBJ_CREATE, SELF, 0, OBJ_NET_FF_GROUP, 0, "0500"), resp(OK, Q_OK));
            assertEquals(new FlowFilterGroup(5), r.expect(AdminCommands.resourceObjQuery(self, FlowFilterGroup.KIND, 0),
                    reqObjQuery(n.query, SELF, 0, OBJ_NET_FF_GROUP, 0), respOk(LeBytes.le().u16(5))));
            r.expect(AdminCommands.resourceObjModify(self, 0, new FlowFilterGroup(6)),
                    reqObjWrite(n.modify, SELF, 0, OBJ_NET_FF_GROUP, 0, "0600"), resp(OK, Q_OK));
            assertEquals(new FlowFilterGroup(6), r.expect(AdminCommands.resourceObjQuery(self, FlowFilterGroup.KIND, 0),
                    reqObjQuery(n.query, SELF, 0, OBJ_NET_FF_GROUP, 0), respOk(LeBytes.le().u16(6))));

            // Classifier: count u8, reserved[7], selectors (type, flags, reserved[2], length, reserved[3], mask).
            var dstMac = new FlowFilterClassifier(List.of(new FlowFilterSelector(FlowFilterSelectorType.ETH, 0,
                    Bytes.ofHex("ffffffffffff" + "00".repeat(8)))));
            String classifierData = "01 00000000000000" + "01 00 0000 0e 000000" + "ffffffffffff" + "00".repeat(8);
            r.expect(AdminCommands.resourceObjCreate(self, 0, dstMac),
                    reqObjWrite(RESOURCE_OBJ_CREATE, SELF, 0, OBJ_NET_FF_CLASSIFIER, 0, classifierData),
                    resp(OK, Q_OK));
            assertEquals(dstMac, r.expect(AdminCommands.resourceObjQuery(self, FlowFilterClassifier.KIND, 0),
                    reqObjQuery(n.query, SELF, 0, OBJ_NET_FF_CLASSIFIER, 0),
                    respOk(LeBytes.le().hex(classifierData))));

            // Rule: group_id le32, classifier_id le32, priority u8, key_length u8, action u8, reserved u8,
            // vq_index le16, reserved[2], keys.
            String key = "5254000000ab" + "00".repeat(8);
            var rule = new FlowFilterRule(0, 0, 1, FlowFilterAction.DROP, 0, Bytes.ofHex(key));
            String ruleData = "00000000 00000000 01 0e 01 00 0000 0000" + key;
            r.expect(AdminCommands.resourceObjCreate(self, 0, rule),
                    reqObjWrite(RESOURCE_OBJ_CREATE, SELF, 0, OBJ_NET_FF_RULE, 0, ruleData), resp(OK, Q_OK));
            assertEquals(rule, r.expect(AdminCommands.resourceObjQuery(self, FlowFilterRule.KIND, 0),
                    reqObjQuery(n.query, SELF, 0, OBJ_NET_FF_RULE, 0), respOk(LeBytes.le().hex(ruleData))));
            assertEquals(40, r.ring.last().usedLength(), "8 + 30 bytes of rule padded to 32");

            // The rule depends on the group and the classifier: they are busy until it is gone.
            r.expectFailure(AdminCommands.resourceObjDestroy(self, ResourceObjectType.NET_FF_GROUP, 0),
                    reqObjDestroy(SELF, 0, OBJ_NET_FF_GROUP, 0), EBUSY, Q_INVALID_COMMAND, AdminStatus.EBUSY,
                    StatusQualifier.INVALID_COMMAND);
            r.expectFailure(AdminCommands.resourceObjModify(self, 0, new FlowFilterGroup(7)),
                    reqObjWrite(n.modify, SELF, 0, OBJ_NET_FF_GROUP, 0, "0700"), EBUSY, Q_INVALID_COMMAND,
                    AdminStatus.EBUSY, StatusQualifier.INVALID_COMMAND);
            assertEquals(new FlowFilterGroup(6), r.client.execute(AdminCommands.resourceObjQuery(self,
                    FlowFilterGroup.KIND, 0)), "failed MODIFY changed nothing");
            r.expect(AdminCommands.resourceObjDestroy(self, ResourceObjectType.NET_FF_RULE, 0),
                    reqObjDestroy(SELF, 0, OBJ_NET_FF_RULE, 0), resp(OK, Q_OK));
            r.expect(AdminCommands.resourceObjDestroy(self, ResourceObjectType.NET_FF_GROUP, 0),
                    reqObjDestroy(SELF, 0, OBJ_NET_FF_GROUP, 0), resp(OK, Q_OK));
            r.expect(AdminCommands.resourceObjDestroy(self, ResourceObjectType.NET_FF_CLASSIFIER, 0),
                    reqObjDestroy(SELF, 0, OBJ_NET_FF_CLASSIFIER, 0), resp(OK, Q_OK));
            assertEquals(0, r.model.engine().resourceObjectCount());
        }
    }

    @ParameterizedTest
    @EnumSource(Numbering.class)
    void invalidFlowFilterDataIsInvalidFieldAndIdsBeyondTheDriverLimitAreEnospc(Numbering n) throws Exception {
        try (Rig r = n.start()) {
            enableFlowFilter(r);
            var self = GroupMember.self();
            r.client.execute(AdminCommands.resourceObjCreate(self, 0, new FlowFilterGroup(5)));
            // A second group with the same priority.
            r.expectFailure(AdminCommands.resourceObjCreate(self, 1, new FlowFilterGroup(5)),
                    reqObjWrite(RESOURCE_OBJ_CREATE, SELF, 0, OBJ_NET_FF_GROUP, 1, "0500"), EINVAL, Q_INVALID_FIELD,
                    AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            // The driver set groups_limit 4: ids 0..3.
            r.expectFailure(AdminCommands.resourceObjCreate(self, 4, new FlowFilterGroup(9)),
                    reqObjWrite(RESOURCE_OBJ_CREATE, SELF, 0, OBJ_NET_FF_GROUP, 4, "0900"), ENOSPC, Q_NORESOURCE,
                    AdminStatus.ENOSPC, StatusQualifier.NORESOURCE);
            // MODIFY to a priority another group holds fails and leaves the object as it was.
            r.client.execute(AdminCommands.resourceObjCreate(self, 1, new FlowFilterGroup(8)));
            r.expectFailure(AdminCommands.resourceObjModify(self, 1, new FlowFilterGroup(5)),
                    reqObjWrite(n.modify, SELF, 0, OBJ_NET_FF_GROUP, 1, "0500"), EINVAL, Q_INVALID_FIELD,
                    AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            assertEquals(new FlowFilterGroup(8), r.client.execute(AdminCommands.resourceObjQuery(self,
                    FlowFilterGroup.KIND, 1)));
        }
    }

    @ParameterizedTest
    @EnumSource(Numbering.class)
    void anObjectTypeTheGroupDoesNotHaveIsInvalidFieldForEveryObjectCommand(Numbering n) throws Exception {
        try (Rig r = n.start()) {
            enableFlowFilter(r);
            // Device-parts objects are SR-IOV scoped: type 0 on the self group names nothing.
            var self = GroupMember.self();
            r.expectFailure(AdminCommands.resourceObjCreate(self, 0, DevicePartsObject.forGet()),
                    reqObjWrite(RESOURCE_OBJ_CREATE, SELF, 0, OBJ_DEV_PARTS, 0, "00 00000000000000"), EINVAL,
                    Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.resourceObjQuery(self, DevicePartsObject.KIND, 0),
                    reqObjQuery(n.query, SELF, 0, OBJ_DEV_PARTS, 0), EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.resourceObjModify(self, 0, DevicePartsObject.forGet()),
                    reqObjWrite(n.modify, SELF, 0, OBJ_DEV_PARTS, 0, "00 00000000000000"), EINVAL, Q_INVALID_FIELD,
                    AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.resourceObjDestroy(self, ResourceObjectType.DEV_PARTS, 0),
                    reqObjDestroy(SELF, 0, OBJ_DEV_PARTS, 0), EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_FIELD);
            // And flow-filter objects do not exist on a VF.
            r.expectFailure(AdminCommands.resourceObjQuery(GroupMember.vf(VF1), FlowFilterGroup.KIND, 0),
                    reqObjQuery(n.query, SRIOV, 1, OBJ_NET_FF_GROUP, 0), EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.resourceObjDestroy(GroupMember.vf(VF1), ResourceObjectType.NET_FF_GROUP, 0),
                    reqObjDestroy(SRIOV, 1, OBJ_NET_FF_GROUP, 0), EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_FIELD);
            assertEquals(0, r.model.engine().resourceObjectCount());
        }
    }

    @Test
    void flowFilterObjectsBeforeTheDriverSetTheCapabilitiesAreInvalidOpcode() throws Exception {
        // virtio-net: with a flow-filter capability not set, the object commands fail with Q_INVALID_OPCODE.
        try (Rig r = Numbering.TABLE.start()) {
            r.expectFailure(AdminCommands.resourceObjCreate(GroupMember.self(), 0, new FlowFilterGroup(1)),
                    reqObjWrite(RESOURCE_OBJ_CREATE, SELF, 0, OBJ_NET_FF_GROUP, 0, "0100"), EINVAL, Q_INVALID_OPCODE,
                    AdminStatus.EINVAL, StatusQualifier.INVALID_OPCODE);
        }
    }

    /** Sets the three flow-filter driver capabilities: 4 groups/classifiers, Ethernet selector, DROP. */
    static void enableFlowFilter(Rig r) {
        r.client.execute(AdminCommands.driverCapSet(new NetFfResourceCap(4, 4, 16, 8, 7, 2)));
        r.client.execute(AdminCommands.driverCapSet(new NetFfSelectorCap(List.of(new FlowFilterSelector(
                FlowFilterSelectorType.ETH, 0, Bytes.ofHex("ff".repeat(14)))))));
        r.client.execute(AdminCommands.driverCapSet(new NetFfActionCap(List.of(FlowFilterAction.DROP))));
    }
}
