package dev.jvirtio.admin.command;

import static dev.jvirtio.admin.LeBytes.le;
import static dev.jvirtio.admin.Wirebench.complete;
import static dev.jvirtio.admin.Wirebench.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminProtocolException;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.cap.CapabilityIdSet;
import dev.jvirtio.admin.cap.CapabilityKind;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.cap.RawCapability;
import dev.jvirtio.admin.net.FlowFilterAction;
import dev.jvirtio.admin.net.FlowFilterClassifier;
import dev.jvirtio.admin.net.FlowFilterGroup;
import dev.jvirtio.admin.net.FlowFilterRule;
import dev.jvirtio.admin.net.FlowFilterSelectorType;
import dev.jvirtio.admin.net.NetFfActionCap;
import dev.jvirtio.admin.net.NetFfResourceCap;
import dev.jvirtio.admin.net.NetFfSelectorCap;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartHeader;
import dev.jvirtio.admin.parts.DevicePartsFormatException;
import dev.jvirtio.admin.parts.DeviceStatusPart;
import dev.jvirtio.admin.parts.DrvFeaturesPart;
import dev.jvirtio.admin.parts.FeatureBits;
import dev.jvirtio.admin.parts.PartType;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.admin.resource.ResourceObjectKind;
import dev.jvirtio.admin.resource.ResourceObjectType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decoding of hand-built device results: exact, truncated (used length shorter than the structure, so the
 * rest must read as zero even though the buffer holds junk from earlier use) and longer than the structure.
 */
class ResultDecodingTest {
    private static final VfNumber VF3 = VfNumber.of(3);

    /** status OK + qualifier 0 + reserved, followed by {@code result}. */
    private static LeBytes okBlock() {
        return le().u16(0).u16(0).zeros(4);
    }

    @Test
    void listQueryExactTruncatedAndLonger() {
        var cmd = AdminCommands.listQuery(GroupType.SR_IOV);
        assertEquals(OpcodeSet.ofCodes(0, 1, 2, 3, 4, 5, 6, 64),
                ok(cmd, le().u64(0x7f).u64(1).zeros(48).bytes()));
        // Device wrote only word 0: word 1 is junk in the buffer and must read as zero.
        byte[] w = okBlock().u64(0x3).u64(-1L).bytes();
        assertEquals(OpcodeSet.ofCodes(0, 1), complete(cmd, w, 16));
        // Truncated inside word 0: only bytes 0..1 count.
        byte[] partial = okBlock().u64(0xff00_0000_0000_0303L).bytes();
        assertEquals(OpcodeSet.ofCodes(0, 1, 8, 9), complete(cmd, partial, 10));
        // Nothing beyond the status block: empty set.
        assertEquals(OpcodeSet.empty(), complete(cmd, okBlock().u64(-1).bytes(), 8));
    }

    @Test
    void voidCommandsDecodeToNull() {
        assertNull(ok(AdminCommands.devModeSet(VF3, DevModeSet.Mode.STOPPED), new byte[0]));
        assertNull(ok(AdminCommands.listUse(GroupType.SELF, OpcodeSet.ofCodes(0, 1)), new byte[0]));
        assertNull(complete(AdminCommands.devPartsObjectDestroy(VF3, 0), okBlock().bytes(), 4));
    }

    @Test
    void legacyCommonCfgRead() {
        var status = AdminCommands.legacyCommonCfgRead(VF3, LegacyCommonField.STATUS);
        assertEquals(0x0f, ok(status, le().u8(0x0f).bytes()));
        var sel = AdminCommands.legacyCommonCfgRead(VF3, LegacyCommonField.QUEUE_NUM);
        assertEquals(0x0100, ok(sel, le().u16(0x0100).bytes()));
        // Device wrote only the low byte: the high byte reads as zero, not junk.
        assertEquals(0x34, complete(sel, okBlock().u16(0x1234).bytes(), 9));
        var host = AdminCommands.legacyCommonCfgRead(VF3, LegacyCommonField.HOST_FEATURES);
        assertEquals(0xf0000001L, ok(host, le().u32(0xf0000001L).bytes()));
    }

    @Test
    void legacyDevCfgRead() {
        var mac = AdminCommands.legacyDevCfgRead(VF3, 0, 6);
        assertEquals(Bytes.ofHex("525400abcdef"), ok(mac, LeBytes.le().hex("525400abcdef").bytes()));
        assertEquals(Bytes.ofHex("525400000000"), complete(mac, okBlock().hex("525400abcdef").bytes(), 11));
    }

    @Test
    void legacyNotifyInfoAppliesTheDriverRules() {
        var cmd = AdminCommands.legacyNotifyInfo(VF3);
        // {flags u8, bar u8, padding[6], offset le64} x 4.
        byte[] r = le()
                .u8(1).u8(2).zeros(6).u64(0x1000)
                .u8(2).u8(4).zeros(6).u64(0x2002)
                .u8(0).zeros(7).u64(0)
                .u8(1).u8(1).zeros(6).u64(0x3000) // after the end marker: ignored
                .bytes();
        var res = ok(cmd, r);
        assertEquals(List.of(new LegacyNotifyInfo.Entry(LegacyNotifyInfo.Region.OWNER_DEVICE, 2, 0x1000),
                new LegacyNotifyInfo.Entry(LegacyNotifyInfo.Region.MEMBER_DEVICE, 4, 0x2002)), res.entries());
        assertEquals(0, res.ignoredEntries());

        byte[] bad = le()
                .u8(3).u8(2).zeros(6).u64(0x1000) // reserved flags
                .u8(1).u8(0).zeros(6).u64(0x1000) // BAR 0
                .u8(2).u8(6).zeros(6).u64(0x1000) // BAR 6
                .u8(1).u8(5).zeros(6).u64(0x1001) // odd offset
                .bytes();
        var res2 = ok(cmd, bad);
        assertTrue(res2.entries().isEmpty());
        assertEquals(4, res2.ignoredEntries());

        // Truncated after the first entry: the rest reads as zero = end of list, not junk.
        var res3 = complete(cmd, okBlock().raw(r).bytes(), 8 + 16);
        assertEquals(List.of(new LegacyNotifyInfo.Entry(LegacyNotifyInfo.Region.OWNER_DEVICE, 2, 0x1000)),
                res3.entries());
    }

    @Test
    void capIdListQuery() {
        var cmd = AdminCommands.capIdListQuery();
        byte[] r = le().u64(1).zeros(31 * 8).u64(0b111).bytes(); // ids 0, 0x800, 0x801, 0x802
        CapabilityIdSet s = ok(cmd, r);
        assertEquals(CapabilityIdSet.of(0, 0x800, 0x801, 0x802), s);
        assertTrue(s.contains(DevicePartsCap.ID));
        assertEquals("[VIRTIO_DEV_PARTS_CAP, 0x0800, 0x0801, 0x0802]", s.toString());
        assertEquals(CapabilityIdSet.of(0), complete(cmd, okBlock().raw(r).bytes(), 16));
    }

    @Test
    void devicePartsCap() {
        var cmd = AdminCommands.deviceCapGet(DevicePartsCap.KIND);
        assertEquals(new DevicePartsCap(4, 2), ok(cmd, le().u8(4).u8(2).zeros(6).bytes()));
        // Longer than the structure (a future extension): extra bytes ignored.
        assertEquals(new DevicePartsCap(4, 2), ok(cmd, le().u8(4).u8(2).hex("ffffffffffff").bytes()));
        // Truncated to one byte: the set limit reads as zero.
        assertEquals(new DevicePartsCap(4, 0), complete(cmd, okBlock().u8(4).u8(2).bytes(), 9));
    }

    @Test
    void flowFilterResourceCap() {
        var cmd = AdminCommands.deviceCapGet(NetFfResourceCap.KIND);
        byte[] r = le().u32(16).u32(64).u32(1024).u32(256).u8(15).u8(3).zeros(2).bytes();
        assertEquals(new NetFfResourceCap(16, 64, 1024, 256, 15, 3), ok(cmd, r));
        assertEquals(new NetFfResourceCap(16, 64, 1024, 0, 0, 0), complete(cmd, okBlock().raw(r).bytes(), 8 + 12));
        assertEquals(new NetFfResourceCap(0xffffffffL, 0, 0, 0, 0, 0), ok(cmd, le().u32(0xffffffffL).bytes()));
    }

    @Test
    void flowFilterSelectorCap() {
        var cmd = AdminCommands.deviceCapGet(NetFfSelectorCap.KIND);
        byte[] ipv6 = new byte[40];
        ipv6[6] = (byte) 0xff;
        byte[] r = le().u8(2).zeros(7)
                .u8(1).u8(0).zeros(2).u8(14).zeros(3).zeros(12).u16(0xffff)
                .u8(3).u8(1).zeros(2).u8(40).zeros(3).raw(ipv6).bytes();
        NetFfSelectorCap cap = ok(cmd, r);
        assertEquals(2, cap.selectors().size());
        assertEquals(FlowFilterSelectorType.ETH, cap.selectors().get(0).type());
        assertEquals(14, cap.selectors().get(0).mask().length());
        assertEquals(FlowFilterSelectorType.IPV6, cap.selectors().get(1).type());
        assertTrue(cap.selectors().get(1).partialMask());
        assertEquals(Bytes.of(ipv6), cap.selectors().get(1).mask());
        // Count says 3, bytes hold 2.
        byte[] lying = r.clone();
        lying[0] = 3;
        assertThrows(AdminProtocolException.class, () -> ok(cmd, lying));
        // Truncated inside the second mask.
        var e = assertThrows(AdminProtocolException.class, () -> complete(cmd, okBlock().raw(r).bytes(), 8 + 40));
        assertTrue(e.getMessage().contains("selector 1"), e.getMessage());
    }

    @Test
    void flowFilterActionCap() {
        var cmd = AdminCommands.deviceCapGet(NetFfActionCap.KIND);
        NetFfActionCap cap = ok(cmd, le().u8(3).zeros(7).u8(1).u8(2).u8(9).bytes());
        assertEquals(List.of(FlowFilterAction.DROP, FlowFilterAction.DIRECT_RX_VQ, new FlowFilterAction(9)),
                cap.actions());
        assertTrue(cap.supports(FlowFilterAction.DROP));
        assertThrows(AdminProtocolException.class,
                () -> complete(cmd, okBlock().u8(3).zeros(7).u8(1).bytes(), 8 + 9));
    }

    @Test
    void rawCapabilityKeepsExactlyTheWrittenBytes() {
        var cmd = AdminCommands.deviceCapGet(CapabilityKind.raw(0x0803, 32));
        assertEquals(new RawCapability(0x0803, Bytes.ofHex("0102030405")),
                complete(cmd, okBlock().hex("0102030405").bytes(), 13));
    }

    @Test
    void resourceObjQueryResults() {
        var self = GroupMember.self();
        assertEquals(new FlowFilterGroup(0x1234),
                ok(AdminCommands.resourceObjQuery(self, FlowFilterGroup.KIND, 1), le().u16(0x1234).zeros(6).bytes()));
        assertEquals(DevicePartsObject.forSet(),
                ok(AdminCommands.resourceObjQuery(GroupMember.vf(VF3), DevicePartsObject.KIND, 0),
                        le().u8(1).zeros(7).bytes()));
        assertThrows(AdminProtocolException.class,
                () -> ok(AdminCommands.resourceObjQuery(GroupMember.vf(VF3), DevicePartsObject.KIND, 0),
                        le().u8(7).zeros(7).bytes()));

        var classifier = ok(AdminCommands.resourceObjQuery(self, FlowFilterClassifier.KIND, 2),
                le().u8(1).zeros(7).u8(5).u8(0).zeros(2).u8(8).zeros(3).u64(-1).bytes());
        assertEquals(1, classifier.selectors().size());
        assertEquals(FlowFilterSelectorType.UDP, classifier.selectors().get(0).type());
        assertEquals(8, classifier.keyLength());

        var ruleCmd = AdminCommands.resourceObjQuery(self, FlowFilterRule.KIND, 3);
        byte[] rule = le().u32(4).u32(2).u8(7).u8(3).u8(1).u8(0).u16(0).zeros(2).hex("aabbcc").bytes();
        assertEquals(new FlowFilterRule(4, 2, 7, FlowFilterAction.DROP, 0, Bytes.ofHex("aabbcc")), ok(ruleCmd, rule));
        // key_length 3 but only 1 key byte written.
        assertThrows(AdminProtocolException.class, () -> complete(ruleCmd, okBlock().raw(rule).bytes(), 8 + 17));

        var raw = ok(AdminCommands.resourceObjQuery(self, ResourceObjectKind.raw(ResourceObjectType.NET_IPSEC_OUTB_SA, 16), 9),
                le().hex("0102").bytes());
        assertEquals(Bytes.ofHex("0102"), raw.data());
    }

    @Test
    void devPartsMetadata() {
        assertEquals(new DevPartsMetadata.PartsSize(0x12345),
                ok(AdminCommands.devPartsSize(VF3, 0), le().u32(0x12345).u32(0).bytes()));
        assertEquals(new DevPartsMetadata.PartsCount(7),
                ok(AdminCommands.devPartsCount(VF3, 0), le().u32(7).u32(0).bytes()));
        var list = AdminCommands.devPartsList(VF3, 0, 4);
        byte[] r = le().u32(2).u32(0)
                .u16(0x101).u8(0).u8(0).u64(0).u32(8)
                .u16(0x104).u8(1).u8(0).u16(3).zeros(6).u32(32).bytes();
        assertEquals(new DevPartsMetadata.PartHeaders(List.of(
                        new DevicePartHeader(PartType.DRV_FEATURES, 0, 0, 8),
                        new DevicePartHeader(PartType.VQ_CFG, 1, 3, 32))),
                ok(list, r));
        // count larger than what was written, and a hostile count: rejected before allocating.
        assertThrows(AdminProtocolException.class, () -> complete(list, okBlock().raw(r).bytes(), 8 + 8 + 16));
        byte[] hostile = r.clone();
        hostile[0] = hostile[1] = hostile[2] = hostile[3] = (byte) 0xff;
        var e = assertThrows(AdminProtocolException.class, () -> ok(list, hostile));
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
    }

    @Test
    void devPartsGet() {
        var cmd = AdminCommands.devPartsGetAll(VF3, 0, 256);
        byte[] r = le()
                .u16(0x101).u8(0).u8(0).u64(0).u32(8).u64(1L << 32)
                .u16(0x103).u8(0).u8(0).u64(0).u32(1).u8(0x0f)
                .pad8() // device pads its writable part to 8 bytes
                .bytes();
        List<DevicePart> parts = ok(cmd, r);
        assertEquals(List.of(DrvFeaturesPart.of(FeatureBits.of(1L << 32)), DeviceStatusPart.of(0x0f)), parts);
        // Used length ends inside the second part's value header: precise error.
        var e = assertThrows(DevicePartsFormatException.class, () -> complete(cmd, okBlock().raw(r).bytes(), 8 + 30));
        assertEquals(DevicePartsFormatException.Problem.TRUNCATED_HEADER, e.problem());
        assertEquals(1, e.partIndex());
        assertEquals(24, e.offset());
        // Out of order (status before driver features) is refused by default.
        byte[] swapped = le()
                .u16(0x103).u8(0).u8(0).u64(0).u32(1).u8(0x0f)
                .u16(0x101).u8(0).u8(0).u64(0).u32(8).u64(1L << 32).pad8().bytes();
        var o = assertThrows(DevicePartsFormatException.class, () -> ok(cmd, swapped));
        assertEquals(DevicePartsFormatException.Problem.OUT_OF_ORDER, o.problem());
        // ...and accepted when checking is off.
        var lenient = new DevPartsGet(VF3, 0, null, 256, false);
        assertEquals(2, ok(lenient, swapped).size());
    }

    @Test
    void listQueryResultIsNotConfusedByJunkInLargerBuffers() {
        var cmd = new ListQuery(GroupType.SELF, 8192);
        byte[] r = le().u64(3).bytes();
        assertArrayEquals(new int[] {0, 1}, ok(cmd, r).codes());
    }
}
