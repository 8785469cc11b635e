package dev.jvirtio.admin.ring;

import static dev.jvirtio.admin.ring.Spec.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.cap.CapabilityIdSet;
import dev.jvirtio.admin.cap.CapabilityKind;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.cap.RawCapability;
import dev.jvirtio.admin.command.CapIdListQuery;
import dev.jvirtio.admin.net.FlowFilterAction;
import dev.jvirtio.admin.net.FlowFilterSelector;
import dev.jvirtio.admin.net.FlowFilterSelectorType;
import dev.jvirtio.admin.net.NetFfActionCap;
import dev.jvirtio.admin.net.NetFfResourceCap;
import dev.jvirtio.admin.net.NetFfSelectorCap;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CAP_ID_LIST_QUERY (0x7), DEVICE_CAP_GET (0x8) and DRIVER_CAP_SET (0x9) on the ring (self group, member 0). */
class CapabilityRingTest {

    @Test
    void capIdListQueryReportsDevicePartsAndTheThreeFlowFilterCapabilities() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            // 0x0000 is bit 0 of word 0; 0x0800-0x0802 are bits 0-2 of word 32: 33 words on the wire.
            LeBytes bitmap = LeBytes.le().u64(1).zeros(31 * 8).u64(0x7);
            CapabilityIdSet ids = r.expect(AdminCommands.capIdListQuery(), reqCapIdListQuery(), respOk(bitmap));
            assertEquals(8 + 33 * 8, r.ring.last().usedLength());
            assertEquals(CapabilityIdSet.of(0x0000, 0x0800, 0x0801, 0x0802), ids);
        }
    }

    @Test
    void capIdListQueryIntoAOneWordBufferGetsWhatFits() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            // The device writes only what fits the posted buffer; the driver sees the first word.
            CapabilityIdSet ids = r.expect(new CapIdListQuery(8), reqCapIdListQuery(), respOk(LeBytes.le().u64(1)));
            assertEquals(CapabilityIdSet.of(0x0000), ids);
        }
    }

    @Test
    void withoutFlowFilterOnlyTheDevicePartsCapabilityExists() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE, b -> b.flowFilter(false), o -> o, Rig.NUM_VFS).discovered()) {
            CapabilityIdSet ids = r.expect(AdminCommands.capIdListQuery(), reqCapIdListQuery(),
                    respOk(LeBytes.le().u64(1)));
            assertEquals(CapabilityIdSet.of(0x0000), ids);
            r.expectFailure(AdminCommands.deviceCapGet(NetFfResourceCap.KIND), reqDeviceCapGet(CAP_NET_FF_RESOURCE),
                    ENXIO, Q_INVALID_FIELD, AdminStatus.ENXIO, StatusQualifier.INVALID_FIELD);
        }
    }

    @Test
    void deviceCapGetOfEveryCapabilityTheDeviceHas() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            // virtio_dev_parts_cap: get limit u8, set limit u8 (the model's are 4 and 4).
            assertEquals(new DevicePartsCap(4, 4), r.expect(AdminCommands.deviceCapGet(DevicePartsCap.KIND),
                    reqDeviceCapGet(CAP_DEV_PARTS), respOk(LeBytes.le().u8(4).u8(4))));
            assertEquals(16, r.ring.last().usedLength());

            // VIRTIO_NET_FF_RESOURCE_CAP: four le32 limits, last_rule_priority u8, selectors limit u8, 2 reserved.
            LeBytes res = LeBytes.le().u32(8).u32(8).u32(64).u32(16).u8(15).u8(3).zeros(2);
            assertEquals(new NetFfResourceCap(8, 8, 64, 16, 15, 3), r.expect(
                    AdminCommands.deviceCapGet(NetFfResourceCap.KIND), reqDeviceCapGet(CAP_NET_FF_RESOURCE),
                    respOk(res)));

            // VIRTIO_NET_FF_ACTION_CAP: count u8, reserved[7], actions[] (DROP 1, DIRECT_RX_VQ 2).
            assertEquals(new NetFfActionCap(List.of(FlowFilterAction.DROP, FlowFilterAction.DIRECT_RX_VQ)),
                    r.expect(AdminCommands.deviceCapGet(NetFfActionCap.KIND), reqDeviceCapGet(CAP_NET_FF_ACTION),
                            respOk(LeBytes.le().u8(2).zeros(7).u8(1).u8(2))));

            // VIRTIO_NET_FF_SELECTOR_CAP: count u8, reserved[7], then per selector: type u8, flags u8 (bit 0
            // partial mask), reserved[2], length u8, reserved[3], mask[length].
            LeBytes sel = LeBytes.le().u8(5).zeros(7);
            selector(sel, 1, ones(14, 0, 14));                  // Ethernet: the whole header
            selector(sel, 2, ones(20, 9, 10, 12, 20));          // IPv4: protocol and both addresses
            selector(sel, 3, ones(40, 6, 7, 8, 40));            // IPv6: next header and both addresses
            selector(sel, 4, ones(20, 0, 4));                   // TCP: ports
            selector(sel, 5, ones(8, 0, 4));                    // UDP: ports
            NetFfSelectorCap got = r.expect(AdminCommands.deviceCapGet(NetFfSelectorCap.KIND),
                    reqDeviceCapGet(CAP_NET_FF_SELECTOR), respOk(sel));
            assertEquals(new NetFfSelectorCap(List.of(
                    new FlowFilterSelector(FlowFilterSelectorType.ETH, 1, Bytes.of(ones(14, 0, 14))),
                    new FlowFilterSelector(FlowFilterSelectorType.IPV4, 1, Bytes.of(ones(20, 9, 10, 12, 20))),
                    new FlowFilterSelector(FlowFilterSelectorType.IPV6, 1, Bytes.of(ones(40, 6, 7, 8, 40))),
                    new FlowFilterSelector(FlowFilterSelectorType.TCP, 1, Bytes.of(ones(20, 0, 4))),
                    new FlowFilterSelector(FlowFilterSelectorType.UDP, 1, Bytes.of(ones(8, 0, 4))))), got);

            // The same capability kept raw: the driver cannot tell the device's zero padding (20 -> 24 bytes)
            // from data, so the raw value is everything the used length covers.
            RawCapability raw = r.expect(AdminCommands.deviceCapGet(CapabilityKind.raw(CAP_NET_FF_RESOURCE, 64)),
                    reqDeviceCapGet(CAP_NET_FF_RESOURCE), respOk(res));
            assertEquals(new RawCapability(0x0800, Bytes.of(LeBytes.le().u32(8).u32(8).u32(64).u32(16).u8(15).u8(3)
                    .zeros(2).pad8().bytes())), raw);
        }
    }

    @Test
    void deviceCapGetOfAnUnknownIdIsEnxio() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            r.expectFailure(AdminCommands.deviceCapGet(CapabilityKind.raw(0x0123)), reqDeviceCapGet(0x0123), ENXIO,
                    Q_INVALID_FIELD, AdminStatus.ENXIO, StatusQualifier.INVALID_FIELD);
        }
    }

    @Test
    void driverCapSetLowersTheDevicePartsLimitsAndTheDeviceEnforcesThem() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            r.expect(AdminCommands.driverCapSet(new DevicePartsCap(2, 3)), reqDriverCapSet(CAP_DEV_PARTS, "0203"),
                    resp(OK, Q_OK));
            assertEquals(40, r.ring.last().request().length, "id, 6 reserved, 2 cap bytes, padded to 8");
            // GET objects now take ids 0..1: id 2 exceeds the driver's limit.
            VfNumber vf = VfNumber.of(1);
            r.client.execute(AdminCommands.devPartsObjectCreate(vf, 1, DevicePartsObject.Mode.GET));
            r.expectFailure(AdminCommands.devPartsObjectCreate(vf, 2, DevicePartsObject.Mode.GET), null, ENOSPC,
                    Q_NORESOURCE, AdminStatus.ENOSPC, StatusQualifier.NORESOURCE);
        }
    }

    @Test
    void driverCapSetAboveTheDeviceLimitIsInvalidFieldUnknownIdIsEnxioAndLiveObjectsMakeItBusy() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            r.expectFailure(AdminCommands.driverCapSet(new DevicePartsCap(5, 1)), reqDriverCapSet(CAP_DEV_PARTS, "0501"),
                    EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.driverCapSet(new RawCapability(0x0123, Bytes.ofHex("01"))),
                    reqDriverCapSet(0x0123, "01"), ENXIO, Q_INVALID_FIELD, AdminStatus.ENXIO,
                    StatusQualifier.INVALID_FIELD);

            r.client.execute(AdminCommands.driverCapSet(new DevicePartsCap(1, 1)));
            r.client.execute(AdminCommands.devPartsObjectCreate(VfNumber.of(1), 0, DevicePartsObject.Mode.GET));
            // The model answers EBUSY with Q_INVALID_COMMAND (the spec names no qualifier for EBUSY).
            r.expectFailure(AdminCommands.driverCapSet(new DevicePartsCap(2, 2)), reqDriverCapSet(CAP_DEV_PARTS, "0202"),
                    EBUSY, Q_INVALID_COMMAND, AdminStatus.EBUSY, StatusQualifier.INVALID_COMMAND);
            r.client.execute(AdminCommands.devPartsObjectDestroy(VfNumber.of(1), 0));
            r.expect(AdminCommands.driverCapSet(new DevicePartsCap(2, 2)), reqDriverCapSet(CAP_DEV_PARTS, "0202"),
                    resp(OK, Q_OK));
        }
    }

    @Test
    void driverCapSetOfTheFlowFilterCapabilities() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            r.expect(AdminCommands.driverCapSet(new NetFfResourceCap(4, 4, 16, 8, 7, 2)),
                    reqDriverCapSet(CAP_NET_FF_RESOURCE, "04000000 04000000 10000000 08000000 07 02"), resp(OK, Q_OK));
            r.expect(AdminCommands.driverCapSet(new NetFfActionCap(List.of(FlowFilterAction.DROP))),
                    reqDriverCapSet(CAP_NET_FF_ACTION, "01 00000000000000 01"), resp(OK, Q_OK));
            // IPSEC (3) was not offered.
            r.expectFailure(AdminCommands.driverCapSet(new NetFfActionCap(List.of(FlowFilterAction.IPSEC))),
                    reqDriverCapSet(CAP_NET_FF_ACTION, "01 00000000000000 03"), EINVAL, Q_INVALID_FIELD,
                    AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            // A selector mask wider than what the device matches (IPv4 byte 0) is not a subset.
            byte[] mask = ones(20, 0, 1);
            var wide = new NetFfSelectorCap(List.of(new FlowFilterSelector(FlowFilterSelectorType.IPV4, 0,
                    Bytes.of(mask))));
            r.expectFailure(AdminCommands.driverCapSet(wide), reqDriverCapSet(CAP_NET_FF_SELECTOR,
                    "01 00000000000000 02 00 0000 14 000000 ff" + "00".repeat(19)), EINVAL, Q_INVALID_FIELD,
                    AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            // Set by the driver means usable: a group object can now be created on the self group.
            r.client.execute(AdminCommands.driverCapSet(new NetFfSelectorCap(List.of(new FlowFilterSelector(
                    FlowFilterSelectorType.ETH, 0, Bytes.of(ones(14, 0, 14)))))));
            r.client.execute(AdminCommands.resourceObjCreate(GroupMember.self(), 0,
                    new dev.jvirtio.admin.net.FlowFilterGroup(1)));
            assertEquals(1, r.model.engine().resourceObjectCount());
        }
    }

    static LeBytes selector(LeBytes b, int type, byte[] mask) {
        return b.u8(type).u8(1).zeros(2).u8(mask.length).zeros(3).raw(mask);
    }

    /** {@code len} bytes, 0xff in the half-open ranges given as start/end pairs. */
    static byte[] ones(int len, int... ranges) {
        byte[] m = new byte[len];
        for (int i = 0; i < ranges.length; i += 2) {
            for (int j = ranges[i]; j < ranges[i + 1]; j++) {
                m[j] = (byte) 0xff;
            }
        }
        return m;
    }
}
