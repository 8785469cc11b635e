package dev.jvirtio.admin.command;

import static dev.jvirtio.admin.LeBytes.header;
import static dev.jvirtio.admin.LeBytes.hex;
import static dev.jvirtio.admin.LeBytes.le;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvirtio.admin.AdminCodec;
import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.OpcodeNumbering;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.Wirebench;
import dev.jvirtio.admin.cap.CapabilityKind;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.cap.RawCapability;
import dev.jvirtio.admin.net.FlowFilterAction;
import dev.jvirtio.admin.net.FlowFilterClassifier;
import dev.jvirtio.admin.net.FlowFilterGroup;
import dev.jvirtio.admin.net.FlowFilterRule;
import dev.jvirtio.admin.net.FlowFilterSelector;
import dev.jvirtio.admin.net.FlowFilterSelectorType;
import dev.jvirtio.admin.net.NetFfActionCap;
import dev.jvirtio.admin.net.NetFfResourceCap;
import dev.jvirtio.admin.net.NetFfSelectorCap;
import dev.jvirtio.admin.parts.DevFeaturesPart;
import dev.jvirtio.admin.parts.DevicePartHeader;
import dev.jvirtio.admin.parts.DeviceStatusPart;
import dev.jvirtio.admin.parts.FeatureBits;
import dev.jvirtio.admin.parts.PartType;
import dev.jvirtio.admin.parts.VqCfgPart;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.admin.resource.RawResourceObject;
import dev.jvirtio.admin.resource.ResourceObjectKind;
import dev.jvirtio.admin.resource.ResourceObjectType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact device-readable bytes of every command, against expectations written from the spec's struct
 * tables with {@link LeBytes} (opcode values, offsets and field order typed in here, not taken from the code).
 */
class CommandEncodingTest {
    private static final VfNumber VF3 = VfNumber.of(3);
    // Group type wire values from the spec: 0 self, 1 SR-IOV.
    private static final int SELF = 0;
    private static final int SRIOV = 1;

    private static void assertRequest(LeBytes expected, AdminCommand<?> cmd) {
        assertRequest(expected, cmd, new AdminCodec());
    }

    private static void assertRequest(LeBytes expected, AdminCommand<?> cmd, AdminCodec codec) {
        assertEquals(hex(expected.bytes()), hex(Wirebench.request(codec, cmd)), cmd.toString());
    }

    @Test
    void listQuery() {
        var cmd = AdminCommands.listQuery(GroupType.SR_IOV);
        assertRequest(header(0x0000, SRIOV, 0), cmd);
        assertEquals(8 + 64, AdminCodec.responseLength(cmd));
        assertRequest(header(0x0000, SELF, 0), AdminCommands.listQuery(GroupType.SELF));
    }

    @Test
    void listUseOneAndTwoWords() {
        assertRequest(header(0x0001, SRIOV, 0).u64(0x7f),
                AdminCommands.listUse(GroupType.SR_IOV, OpcodeSet.ofCodes(0, 1, 2, 3, 4, 5, 6)));
        // The spec's own example: opcodes 0, 1 and 64 -> words 0x3, 0x1.
        assertRequest(header(0x0001, SELF, 0).u64(0x3).u64(0x1),
                AdminCommands.listUse(GroupType.SELF, OpcodeSet.ofCodes(0, 1, 64)));
        assertEquals(24, AdminCodec.requestLength(AdminCommands.listUse(GroupType.SELF, OpcodeSet.empty())));
    }

    @Test
    void legacyCommonCfgWriteIsUnpaddedAndWidthExact() {
        // offset u8, reserved[7], data[]: queue_select is at 14, 2 bytes.
        assertRequest(header(0x0002, SRIOV, 2).u8(14).zeros(7).u16(5),
                AdminCommands.legacyCommonCfgWrite(VfNumber.of(2), LegacyCommonField.QUEUE_SEL, 5));
        // guest features at 4, 4 bytes.
        assertRequest(header(0x0002, SRIOV, 9).u8(4).zeros(7).u32(0xdeadbeefL),
                AdminCommands.legacyCommonCfgWrite(VfNumber.of(9), LegacyCommonField.GUEST_FEATURES, 0xdeadbeefL));
        // device status at 18, 1 byte.
        assertRequest(header(0x0002, SRIOV, 1).u8(18).zeros(7).u8(0x0f),
                AdminCommands.legacyCommonCfgWrite(VfNumber.of(1), LegacyCommonField.STATUS, 0x0f));
    }

    @Test
    void legacyCommonCfgReadPostsAResultOfTheFieldWidth() {
        var cmd = AdminCommands.legacyCommonCfgRead(VfNumber.of(1), LegacyCommonField.STATUS);
        assertRequest(header(0x0003, SRIOV, 1).u8(18), cmd);
        assertEquals(8 + 1, AdminCodec.responseLength(cmd));
        var pfn = AdminCommands.legacyCommonCfgRead(VF3, LegacyCommonField.QUEUE_PFN);
        assertRequest(header(0x0003, SRIOV, 3).u8(8), pfn);
        assertEquals(8 + 4, AdminCodec.responseLength(pfn));
        var vec = AdminCommands.legacyCommonCfgRead(VF3, LegacyCommonField.QUEUE_VECTOR);
        assertRequest(header(0x0003, SRIOV, 3).u8(22), vec);
        assertEquals(8 + 2, AdminCodec.responseLength(vec));
    }

    @Test
    void legacyDevCfgWriteAndRead() {
        assertRequest(header(0x0004, SRIOV, 7).u8(6).zeros(7).u16(0x1234),
                LegacyDevCfgWrite.ofValue(VfNumber.of(7), 6, 2, 0x1234));
        assertRequest(header(0x0004, SRIOV, 7).u8(0).zeros(7).hex("525400123456"),
                AdminCommands.legacyDevCfgWrite(VfNumber.of(7), 0, Bytes.ofHex("52:54:00:12:34:56")));
        var read = AdminCommands.legacyDevCfgRead(VfNumber.of(7), 0, 6);
        assertRequest(header(0x0005, SRIOV, 7).u8(0), read);
        assertEquals(8 + 6, AdminCodec.responseLength(read));
    }

    @Test
    void legacyNotifyInfo() {
        var cmd = AdminCommands.legacyNotifyInfo(VfNumber.of(4));
        assertRequest(header(0x0006, SRIOV, 4), cmd);
        assertEquals(8 + 4 * 16, AdminCodec.responseLength(cmd));
    }

    @Test
    void capabilityCommands() {
        assertRequest(header(0x0007, SELF, 0), AdminCommands.capIdListQuery());
        assertEquals(8 + 512, AdminCodec.responseLength(AdminCommands.capIdListQuery()));
        // cap_get_data: id le16, reserved[6].
        assertRequest(header(0x0008, SELF, 0).u16(0x0000).zeros(6), AdminCommands.deviceCapGet(DevicePartsCap.KIND));
        assertRequest(header(0x0008, SELF, 0).u16(0x0800).zeros(6), AdminCommands.deviceCapGet(NetFfResourceCap.KIND));
        assertRequest(header(0x0008, SELF, 0).u16(0x0801).zeros(6), AdminCommands.deviceCapGet(NetFfSelectorCap.KIND));
        assertRequest(header(0x0008, SELF, 0).u16(0x0802).zeros(6), AdminCommands.deviceCapGet(NetFfActionCap.KIND));
        assertRequest(header(0x0008, SELF, 0).u16(0x0803).zeros(6),
                AdminCommands.deviceCapGet(CapabilityKind.raw(0x0803, 64)));
        assertEquals(8 + 64, AdminCodec.responseLength(AdminCommands.deviceCapGet(CapabilityKind.raw(0x0803, 64))));
    }

    @Test
    void driverCapSetDeviceParts() {
        // cap_set_data: id le16, reserved[6], then virtio_dev_parts_cap {get u8, set u8}; padded to 8.
        assertRequest(header(0x0009, SELF, 0).u16(0x0000).zeros(6).u8(2).u8(3).zeros(6),
                AdminCommands.driverCapSet(new DevicePartsCap(2, 3)));
    }

    @Test
    void driverCapSetFlowFilterCaps() {
        // virtio_net_ff_cap_data: 4 x le32 limits, last_rule_priority u8, selectors_per_classifier_limit u8, reserved[2].
        assertRequest(header(0x0009, SELF, 0).u16(0x0800).zeros(6)
                        .u32(16).u32(64).u32(1024).u32(256).u8(15).u8(3).zeros(2).pad8(),
                AdminCommands.driverCapSet(new NetFfResourceCap(16, 64, 1024, 256, 15, 3)));
        // virtio_net_ff_cap_mask_data: count u8, reserved[7], selectors {type, flags, reserved[2], length, reserved1[3], mask}.
        byte[] ethMask = new byte[14];
        ethMask[12] = (byte) 0xff;
        ethMask[13] = (byte) 0xff;
        assertRequest(header(0x0009, SELF, 0).u16(0x0801).zeros(6)
                        .u8(1).zeros(7)
                        .u8(1).u8(1).zeros(2).u8(14).zeros(3).raw(ethMask).pad8(),
                AdminCommands.driverCapSet(new NetFfSelectorCap(List.of(
                        new FlowFilterSelector(FlowFilterSelectorType.ETH, FlowFilterSelector.F_PARTIAL_MASK,
                                Bytes.of(ethMask))))));
        // virtio_net_ff_actions: count u8, reserved[7], actions[].
        assertRequest(header(0x0009, SELF, 0).u16(0x0802).zeros(6).u8(2).zeros(7).u8(1).u8(2).pad8(),
                AdminCommands.driverCapSet(new NetFfActionCap(
                        List.of(FlowFilterAction.DROP, FlowFilterAction.DIRECT_RX_VQ))));
        assertRequest(header(0x0009, SELF, 0).u16(0x0fff).zeros(6).hex("0102030405").pad8(),
                AdminCommands.driverCapSet(new RawCapability(0x0fff, Bytes.ofHex("0102030405"))));
    }

    @Test
    void resourceObjCreateForDevicePartsAndFlowFilter() {
        // create_data: hdr {type le16, reserved[2], id le32}, flags le64, object data.
        assertRequest(header(0x000a, SRIOV, 2).u16(0x000).zeros(2).u32(0).u64(0).u8(1).zeros(7),
                AdminCommands.devPartsObjectCreate(VfNumber.of(2), 0, DevicePartsObject.Mode.SET));
        assertRequest(header(0x000a, SRIOV, 2).u16(0x000).zeros(2).u32(1).u64(0).u8(0).zeros(7),
                AdminCommands.resourceObjCreate(GroupMember.vf(VfNumber.of(2)), 1, DevicePartsObject.forGet()));
        assertRequest(header(0x000a, SELF, 0).u16(0x200).zeros(2).u32(5).u64(0).u16(7).pad8(),
                AdminCommands.resourceObjCreate(GroupMember.self(), 5, new FlowFilterGroup(7)));
        assertRequest(header(0x000a, SELF, 0).u16(0x300).zeros(2).u32(0xffffffffL).u64(0).hex("aabbcc").pad8(),
                AdminCommands.resourceObjCreate(GroupMember.self(), 0xffffffffL,
                        new RawResourceObject(new ResourceObjectType(0x300), Bytes.ofHex("aabbcc"))));
    }

    @Test
    void flowFilterClassifierAndRuleData() {
        byte[] eth = new byte[14];
        eth[12] = (byte) 0xff;
        eth[13] = (byte) 0xff;
        byte[] ipv4 = new byte[20];
        ipv4[9] = (byte) 0xff; // protocol
        var classifier = new FlowFilterClassifier(List.of(
                new FlowFilterSelector(FlowFilterSelectorType.ETH, 0, Bytes.of(eth)),
                new FlowFilterSelector(FlowFilterSelectorType.IPV4, 0, Bytes.of(ipv4))));
        assertRequest(header(0x000a, SELF, 0).u16(0x201).zeros(2).u32(1).u64(0)
                        .u8(2).zeros(7)
                        .u8(1).u8(0).zeros(2).u8(14).zeros(3).raw(eth)
                        .u8(2).u8(0).zeros(2).u8(20).zeros(3).raw(ipv4).pad8(),
                AdminCommands.resourceObjCreate(GroupMember.self(), 1, classifier));
        assertEquals(34, classifier.keyLength());

        byte[] key = new byte[34];
        key[12] = 0x08; // EtherType IPv4
        key[14 + 9] = 17; // UDP
        var rule = new FlowFilterRule(4, 1, 9, FlowFilterAction.DIRECT_RX_VQ, 6, Bytes.of(key));
        // ff_rule: group_id le32, classifier_id le32, rule_priority u8, key_length u8, action u8, reserved u8,
        // vq_index le16, reserved1[2], keys.
        assertRequest(header(0x000a, SELF, 0).u16(0x202).zeros(2).u32(77).u64(0)
                        .u32(4).u32(1).u8(9).u8(34).u8(2).u8(0).u16(6).zeros(2).raw(key).pad8(),
                AdminCommands.resourceObjCreate(GroupMember.self(), 77, rule));
    }

    @Test
    void modifyAndQueryFollowTheConfiguredNumbering() {
        var modify = AdminCommands.resourceObjModify(GroupMember.self(), 5, new FlowFilterGroup(9));
        var query = AdminCommands.resourceObjQuery(GroupMember.self(), FlowFilterGroup.KIND, 5);
        LeBytes modifyData = le().u16(0x200).zeros(2).u32(5).u64(0).u16(9).pad8();
        LeBytes queryData = le().u16(0x200).zeros(2).u32(5).u64(0);
        // Opcode table: QUERY 0x000b, MODIFY 0x000c.
        assertRequest(header(0x000c, SELF, 0).raw(modifyData.bytes()), modify);
        assertRequest(header(0x000b, SELF, 0).raw(queryData.bytes()), query);
        // Command text: MODIFY 0xb, QUERY 0xc.
        AdminCodec text = new AdminCodec(OpcodeNumbering.COMMAND_TEXT);
        assertRequest(header(0x000b, SELF, 0).raw(modifyData.bytes()), modify, text);
        assertRequest(header(0x000c, SELF, 0).raw(queryData.bytes()), query, text);
        // Other opcodes do not move.
        assertRequest(header(0x0011, SRIOV, 3).u8(1).zeros(7), AdminCommands.devModeSet(VF3, DevModeSet.Mode.STOPPED),
                text);
        assertEquals(8 + 8, AdminCodec.responseLength(query));
        assertEquals(8 + 64, AdminCodec.responseLength(AdminCommands.resourceObjQuery(GroupMember.self(),
                ResourceObjectKind.raw(ResourceObjectType.NET_IPSEC_INB_SA, 60), 1)));
    }

    @Test
    void resourceObjDestroy() {
        assertRequest(header(0x000d, SRIOV, 3).u16(0x000).zeros(2).u32(1),
                AdminCommands.devPartsObjectDestroy(VF3, 1));
        assertRequest(header(0x000d, SELF, 0).u16(0x202).zeros(2).u32(77),
                AdminCommands.resourceObjDestroy(GroupMember.self(), ResourceObjectType.NET_FF_RULE, 77));
    }

    @Test
    void devPartsMetadataGet() {
        // metadata_data: hdr (type 0 = DEV_PARTS, id), type u8 (0 SIZE, 1 COUNT, 2 LIST), reserved[7].
        assertRequest(header(0x000e, SRIOV, 3).u16(0).zeros(2).u32(1).u8(0).zeros(7), AdminCommands.devPartsSize(VF3, 1));
        assertRequest(header(0x000e, SRIOV, 3).u16(0).zeros(2).u32(1).u8(1).zeros(7), AdminCommands.devPartsCount(VF3, 1));
        var list = AdminCommands.devPartsList(VF3, 1, 10);
        assertRequest(header(0x000e, SRIOV, 3).u16(0).zeros(2).u32(1).u8(2).zeros(7), list);
        assertEquals(8 + 8 + 160, AdminCodec.responseLength(list));
    }

    @Test
    void devPartsGetAllAndSelected() {
        // get_data: hdr, type u8 (0 SELECTED, 1 ALL), reserved[7], hdr_list[].
        var all = AdminCommands.devPartsGetAll(VF3, 0, 4096);
        assertRequest(header(0x000f, SRIOV, 3).u16(0).zeros(2).u32(0).u8(1).zeros(7), all);
        assertEquals(8 + 4096, AdminCodec.responseLength(all));
        // part hdr: part_type le16, flags u8, reserved u8, selector[8], length le32.
        assertRequest(header(0x000f, SRIOV, 3).u16(0).zeros(2).u32(2).u8(0).zeros(7)
                        .u16(0x102).u8(0).u8(0).u32(18).u32(0).u32(0)
                        .u16(0x104).u8(0).u8(0).u16(2).zeros(6).u32(0),
                AdminCommands.devPartsGetSelected(VF3, 2, List.of(DevicePartHeader.selectCommonCfg(18),
                        DevicePartHeader.selectQueue(PartType.VQ_CFG, 2)), 1024));
    }

    @Test
    void devPartsSet() {
        var parts = List.<dev.jvirtio.admin.parts.DevicePart>of(
                DevFeaturesPart.of(FeatureBits.of(1L << 32 | 1L << 41)),
                DeviceStatusPart.of(0x0f),
                new VqCfgPart(1, 256, 2, 1, 0x1000, 0x2000, 0x3000, false));
        assertRequest(header(0x0010, SRIOV, 3).u16(0).zeros(2).u32(1)
                        .u16(0x100).u8(1).u8(0).u64(0).u32(8).u64(1L << 32 | 1L << 41)
                        .u16(0x103).u8(0).u8(0).u64(0).u32(1).u8(0x0f)
                        .u16(0x104).u8(0).u8(0).u16(1).zeros(6).u32(32)
                        .u16(256).u16(2).u16(1).u16(0).u64(0x1000).u64(0x2000).u64(0x3000).pad8(),
                AdminCommands.devPartsSet(VF3, 1, parts));
    }

    @Test
    void devModeSet() {
        assertRequest(header(0x0011, SRIOV, 3).u8(1).zeros(7), AdminCommands.devModeSet(VF3, DevModeSet.Mode.STOPPED));
        assertRequest(header(0x0011, SRIOV, 65535).u8(0).zeros(7),
                AdminCommands.devModeSet(VfNumber.of(65535), DevModeSet.Mode.RUNNING));
        assertEquals(8, AdminCodec.responseLength(AdminCommands.devModeSet(VF3, DevModeSet.Mode.RUNNING)));
    }

    /** A vendor command defined outside the library goes through the same framing. */
    record VendorPing(VfNumber vf, long cookie) implements AdminCommand<Long> {
        static final AdminOpcode OP = AdminOpcode.custom(0x0100, "ACME_PING");
        static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        public AdminOpcode opcode() {
            return OP;
        }

        public GroupType groupType() {
            return GroupType.SR_IOV;
        }

        public long memberId() {
            return vf.memberId();
        }

        public int dataLength() {
            return 12;
        }

        public void encodeData(MemorySegment dst, long off) {
            dst.set(LE64, off, cookie);
            dst.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), off + 8, 0x01020304);
        }

        public int resultCapacity() {
            return 8;
        }

        public Long decodeResult(MemorySegment r, int len) {
            return r.get(LE64, 0);
        }
    }

    @Test
    void vendorCommand() {
        var cmd = new VendorPing(VfNumber.of(5), 0x1122334455667788L);
        assertRequest(header(0x0100, SRIOV, 5).u64(0x1122334455667788L).u32(0x01020304).pad8(), cmd);
        assertEquals(0x0807060504030201L, Wirebench.ok(cmd, le().u64(0x0807060504030201L).bytes()));
    }
}
