package dev.jvirtio.admin.ring;

import static dev.jvirtio.admin.ring.Spec.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.command.LegacyDevCfgWrite;
import dev.jvirtio.admin.command.LegacyNotifyInfo;
import dev.jvirtio.devicemodel.AdminEngineConfig.NotifyInfoEntry;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The legacy access commands (0x2-0x6) on the ring. They are the one family that is not padded: the access
 * width is the data length (write) or the result length (read), as Linux sends them.
 */
class LegacyAccessRingTest {
    static final VfNumber VF1 = VfNumber.of(1);
    static final VfNumber VF2 = VfNumber.of(2);

    /** Net member features 0-31 the model offers: MTU(3), MAC(5), STATUS(16), CTRL_VQ(17), MQ(22), CTRL_MAC_ADDR(23). */
    static final long HOST_FEATURES = 0x00c3_0028L;

    @Test
    void commonCfgWriteThenReadOfGuestFeatures() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            // Bit 0 is not offered: the device drops it.
            r.expect(AdminCommands.legacyCommonCfgWrite(VF1, LegacyCommonField.GUEST_FEATURES, 0x0003_0021L),
                    reqLegacyCommonWrite(1, 4, 4, 0x0003_0021L), resp(OK, Q_OK));
            assertEquals(36, r.ring.last().request().length, "24 header + offset + 7 reserved + 4 value bytes");
            long got = r.expect(AdminCommands.legacyCommonCfgRead(VF1, LegacyCommonField.GUEST_FEATURES),
                    reqLegacyCommonRead(1, 4), respOkExact(LeBytes.le().u32(0x0003_0020L)));
            assertEquals(0x0003_0020L, got);
            assertEquals(0x0003_0020L, r.model.engine().member(1).driverFeatures(0));
            assertEquals(0L, r.model.engine().member(2).driverFeatures(0), "VF 2 untouched");
        }
    }

    @Test
    void commonCfgReadsUseTheFieldWidthAsTheResultLength() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            assertEquals(HOST_FEATURES, r.expect(AdminCommands.legacyCommonCfgRead(VF2, LegacyCommonField.HOST_FEATURES),
                    reqLegacyCommonRead(2, 0), respOkExact(LeBytes.le().u32(HOST_FEATURES))));
            assertEquals(256L, r.expect(AdminCommands.legacyCommonCfgRead(VF2, LegacyCommonField.QUEUE_NUM),
                    reqLegacyCommonRead(2, 12), respOkExact(LeBytes.le().u16(256))));
            r.expect(AdminCommands.legacyCommonCfgWrite(VF2, LegacyCommonField.STATUS, 0x0f),
                    reqLegacyCommonWrite(2, 18, 1, 0x0f), resp(OK, Q_OK));
            assertEquals(0x0fL, r.expect(AdminCommands.legacyCommonCfgRead(VF2, LegacyCommonField.STATUS),
                    reqLegacyCommonRead(2, 18), respOkExact(LeBytes.le().u8(0x0f))));
            // No MSI-X vector assigned yet: NO_VECTOR.
            assertEquals(0xffffL, r.expect(AdminCommands.legacyCommonCfgRead(VF2, LegacyCommonField.CONFIG_VECTOR),
                    reqLegacyCommonRead(2, 20), respOkExact(LeBytes.le().u16(0xffff))));
        }
    }

    @Test
    void theMsixFieldsDoNotExistWhileMsixIsOffSoAccessesAreInvalidField() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            r.model.engine().member(1).msixEnabled(false);    // the legacy common area shrinks to 20 bytes
            r.expectFailure(AdminCommands.legacyCommonCfgWrite(VF1, LegacyCommonField.CONFIG_VECTOR, 1),
                    reqLegacyCommonWrite(1, 20, 2, 1), EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.legacyCommonCfgRead(VF1, LegacyCommonField.QUEUE_VECTOR),
                    reqLegacyCommonRead(1, 22), EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_FIELD);
            assertEquals(0xffff, r.model.engine().member(1).msixConfigVector(), "failed write had no effect");
        }
    }

    @Test
    void readOnlyAndMisalignedCommonCfgAccessesAreInvalidField() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            // The typed API refuses a write to a read-only field before anything reaches the ring ...
            assertThrows(IllegalArgumentException.class,
                    () -> AdminCommands.legacyCommonCfgWrite(VF1, LegacyCommonField.HOST_FEATURES, 1));
            assertEquals(0, r.ring.submissions());
            // ... and the device refuses it too when sent raw: offset 0 (host features), 4 bytes.
            var ro = RawCommand.unpadded(LEGACY_COMMON_CFG_WRITE, GroupType.SR_IOV, 1, "00 00000000000000 ffffffff", 0);
            r.expectQueueFailure(ro, reqLegacyCommonWrite(1, 0, 4, 0xffff_ffffL), EINVAL, Q_INVALID_FIELD,
                    AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            // Two bytes at offset 5: inside guest features, but not one whole field.
            var split = RawCommand.unpadded(LEGACY_COMMON_CFG_WRITE, GroupType.SR_IOV, 1, "05 00000000000000 ffff", 0);
            r.expectQueueFailure(split, reqLegacyCommonWrite(1, 5, 2, 0xffff), EINVAL, Q_INVALID_FIELD,
                    AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            assertEquals(0L, r.model.engine().member(1).driverFeatures(0), "nothing written");
        }
    }

    @Test
    void deviceCfgWriteThenReadOfTheMac() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            // Default MAC of VF 2: 02:6a:76:00:00:02.
            assertEquals(Bytes.ofHex("026a76000002"), r.expect(AdminCommands.legacyDevCfgRead(VF2, 0, 6),
                    reqLegacyDevRead(2, 0), respOkExact(LeBytes.le().hex("026a76000002"))));
            r.expect(AdminCommands.legacyDevCfgWrite(VF2, 0, Bytes.ofHex("0a0b0c0d0e0f")),
                    reqLegacyDevWrite(2, 0, "0a0b0c0d0e0f"), resp(OK, Q_OK));
            assertEquals(38, r.ring.last().request().length, "24 header + offset + 7 reserved + 6 bytes");
            assertEquals(Bytes.ofHex("0a0b0c0d0e0f"), r.expect(AdminCommands.legacyDevCfgRead(VF2, 0, 6),
                    reqLegacyDevRead(2, 0), respOkExact(LeBytes.le().hex("0a0b0c0d0e0f"))));
            // One element of the MAC array is a field of its own.
            r.expect(LegacyDevCfgWrite.ofValue(VF2, 5, 1, 0x55), reqLegacyDevWrite(2, 5, "55"), resp(OK, Q_OK));
            // mtu (le16 at 10) = 1500.
            assertEquals(Bytes.ofHex("dc05"), r.expect(AdminCommands.legacyDevCfgRead(VF2, 10, 2),
                    reqLegacyDevRead(2, 10), respOkExact(LeBytes.le().u16(1500))));
            assertEquals(0x55, r.model.engine().member(2).configByte(5));
            assertEquals(0x02, r.model.engine().member(1).configByte(0), "VF 1 untouched");
        }
    }

    @Test
    void deviceCfgAccessesThatAreNotOneWritableFieldAreInvalidField() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            // status (le16 at 6) is read-only.
            r.expectFailure(AdminCommands.legacyDevCfgWrite(VF1, 6, Bytes.ofHex("0000")),
                    reqLegacyDevWrite(1, 6, "0000"), EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_FIELD);
            // Four bytes at 4 span the end of the MAC and the status field.
            r.expectFailure(AdminCommands.legacyDevCfgRead(VF1, 4, 4), reqLegacyDevRead(1, 4), EINVAL,
                    Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            // Past the 12-byte net config.
            r.expectFailure(AdminCommands.legacyDevCfgRead(VF1, 12, 1), reqLegacyDevRead(1, 12), EINVAL,
                    Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            assertEquals(1, r.model.engine().member(1).configByte(6), "link status unchanged");
        }
    }

    @Test
    void notifyInfoReturnsFourEntriesWithTheEndMarker() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            // The model's default: member VF BAR 2 at 0x3000, flags 2 (member device); the rest end markers.
            LeBytes result = LeBytes.le().u8(2).u8(2).zeros(6).u64(0x3000).zeros(48);
            LegacyNotifyInfo.Result got = r.expect(AdminCommands.legacyNotifyInfo(VF2), reqNotifyInfo(2),
                    respOk(result));
            assertEquals(72, r.ring.last().usedLength());
            assertEquals(new LegacyNotifyInfo.Result(List.of(
                    new LegacyNotifyInfo.Entry(LegacyNotifyInfo.Region.MEMBER_DEVICE, 2, 0x3000)), 0), got);
        }
    }

    @Test
    void notifyInfoWithSeveralEntriesKeepsTheDevicesOrder() throws Exception {
        var entries = List.of(new NotifyInfoEntry(1, 4, 0x1000, 2), new NotifyInfoEntry(2, 2, 0x3000, 0));
        try (Rig r = Rig.start(ProcessingMode.INLINE, b -> b.notifyInfo(entries), o -> o, Rig.NUM_VFS)
                .discovered()) {
            // Owner BAR 4 at 0x1000 + (vf - 1) * 2, then the member BAR.
            LeBytes result = LeBytes.le().u8(1).u8(4).zeros(6).u64(0x1002).u8(2).u8(2).zeros(6).u64(0x3000)
                    .zeros(32);
            LegacyNotifyInfo.Result got = r.expect(AdminCommands.legacyNotifyInfo(VF2), reqNotifyInfo(2),
                    respOk(result));
            assertEquals(new LegacyNotifyInfo.Result(List.of(
                    new LegacyNotifyInfo.Entry(LegacyNotifyInfo.Region.OWNER_DEVICE, 4, 0x1002),
                    new LegacyNotifyInfo.Entry(LegacyNotifyInfo.Region.MEMBER_DEVICE, 2, 0x3000)), 0), got);
        }
    }
}
