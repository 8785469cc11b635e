package dev.jvirtio.admin.ring;

import static dev.jvirtio.admin.ring.Spec.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.DevPartsMetadata;
import dev.jvirtio.admin.command.DevPartsSet;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.parts.DevFeaturesPart;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartHeader;
import dev.jvirtio.admin.parts.DeviceStatusPart;
import dev.jvirtio.admin.parts.DeviceTypePart;
import dev.jvirtio.admin.parts.DrvFeaturesPart;
import dev.jvirtio.admin.parts.FeatureBits;
import dev.jvirtio.admin.parts.PartType;
import dev.jvirtio.admin.parts.PciCommonCfgPart;
import dev.jvirtio.admin.parts.VqCfgPart;
import dev.jvirtio.admin.parts.VqNotifyCfgPart;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import dev.jvirtio.devicemodel.MemberState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DEV_PARTS_METADATA_GET (0xe), DEV_PARTS_GET (0xf), DEV_PARTS_SET (0x10) and DEV_MODE_SET (0x11) on the
 * ring, against a net VF of the model: 3 queues, so 15 parts of 413 bytes in the mandatory order.
 */
class DevicePartsRingTest {
    static final VfNumber VF1 = VfNumber.of(1);
    static final VfNumber VF2 = VfNumber.of(2);
    static final long GET_ID = 0;
    static final long SET_ID = 1;

    /** Device feature bits 0-63 of a net member: the net bits plus VERSION_1 (32) and ACCESS_PLATFORM (33). */
    static final long MEMBER_FEATURES = 0x3_00c3_0028L;
    static final int PART_COUNT = 15;
    static final int PARTS_SIZE = 413;

    /** A rig with device-parts limits 4/4 set, a GET object {@value #GET_ID} and a SET object {@value #SET_ID} on VF 1. */
    static Rig rig() throws Exception {
        Rig r = Rig.start(ProcessingMode.INLINE).discovered();
        r.client.execute(AdminCommands.driverCapSet(new DevicePartsCap(4, 4)));
        r.client.execute(AdminCommands.devPartsObjectCreate(VF1, GET_ID, DevicePartsObject.Mode.GET));
        r.client.execute(AdminCommands.devPartsObjectCreate(VF1, SET_ID, DevicePartsObject.Mode.SET));
        return r;
    }

    /** The 15 part headers of a net member, as the spec orders them. */
    static LeBytes headers(LeBytes b) {
        partHdr(b, PART_DEV_FEATURES, 1, 0, 16);                // optional
        partHdr(b, PART_DRV_FEATURES, 0, 0, 16);
        partHdr(b, PART_PCI_COMMON_CFG, 0, 0, 4);               // device_feature_select
        partHdr(b, PART_PCI_COMMON_CFG, 0, 8, 4);               // driver_feature_select
        partHdr(b, PART_PCI_COMMON_CFG, 0, 16, 2);              // config_msix_vector
        partHdr(b, PART_PCI_COMMON_CFG, 0, 18, 2);              // num_queues
        partHdr(b, PART_PCI_COMMON_CFG, 0, 22, 2);              // queue_select
        partHdr(b, PART_DEVICE_STATUS, 0, 0, 1);
        for (int q = 0; q < 3; q++) {
            partHdr(b, PART_VQ_CFG, 0, q, 32);
        }
        for (int q = 0; q < 3; q++) {
            partHdr(b, PART_VQ_NOTIFY_CFG, 0, q, 8);
        }
        return partHdr(b, PART_NET_CVQ_CFG, 0, 0x0101, 6);     // VIRTIO_NET_CTRL_MAC / MAC_ADDR_SET
    }

    @Test
    void metadataSizeCountAndList() throws Exception {
        try (Rig r = rig()) {
            assertEquals(new DevPartsMetadata.PartsSize(PARTS_SIZE), r.expect(AdminCommands.devPartsSize(VF1, GET_ID),
                    reqPartsMetadata(1, GET_ID, 0), respOk(LeBytes.le().u32(PARTS_SIZE).u32(0))));
            assertEquals(40, r.ring.last().request().length);
            assertEquals(new DevPartsMetadata.PartsCount(PART_COUNT), r.expect(
                    AdminCommands.devPartsCount(VF1, GET_ID), reqPartsMetadata(1, GET_ID, 1),
                    respOk(LeBytes.le().u32(PART_COUNT).u32(0))));

            DevPartsMetadata list = r.expect(AdminCommands.devPartsList(VF1, GET_ID, PART_COUNT),
                    reqPartsMetadata(1, GET_ID, 2), respOk(headers(LeBytes.le().u32(PART_COUNT).u32(0))));
            assertEquals(8 + 8 + 15 * 16, r.ring.last().usedLength());
            List<DevicePartHeader> h = new ArrayList<>();
            h.add(new DevicePartHeader(PartType.DEV_FEATURES, 1, 0, 16));
            h.add(new DevicePartHeader(PartType.DRV_FEATURES, 0, 0, 16));
            for (int[] f : new int[][] {{0, 4}, {8, 4}, {16, 2}, {18, 2}, {22, 2}}) {
                h.add(new DevicePartHeader(PartType.PCI_COMMON_CFG, 0, f[0], f[1]));
            }
            h.add(new DevicePartHeader(PartType.DEVICE_STATUS, 0, 0, 1));
            for (int q = 0; q < 3; q++) {
                h.add(new DevicePartHeader(PartType.VQ_CFG, 0, q, 32));
            }
            for (int q = 0; q < 3; q++) {
                h.add(new DevicePartHeader(PartType.VQ_NOTIFY_CFG, 0, q, 8));
            }
            h.add(new DevicePartHeader(PartType.NET_CVQ_CFG, 0, 0x0101, 6));
            assertEquals(new DevPartsMetadata.PartHeaders(h), list);
        }
    }

    @Test
    void metadataFailures() throws Exception {
        try (Rig r = rig()) {
            // A LIST buffer with room for 14 of 15 headers.
            r.expectFailure(AdminCommands.devPartsList(VF1, GET_ID, 14), reqPartsMetadata(1, GET_ID, 2), ENOMEM,
                    Q_NORESOURCE, AdminStatus.ENOMEM, StatusQualifier.NORESOURCE);
            // Metadata come from a GET object only.
            r.expectFailure(AdminCommands.devPartsSize(VF1, SET_ID), reqPartsMetadata(1, SET_ID, 0), EINVAL,
                    Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            // No object 3; and VF 2 does not own VF 1's object 0.
            r.expectFailure(AdminCommands.devPartsSize(VF1, 3), reqPartsMetadata(1, 3, 0), ENXIO, Q_INVALID_FIELD,
                    AdminStatus.ENXIO, StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.devPartsCount(VF2, GET_ID), reqPartsMetadata(2, GET_ID, 1), ENXIO,
                    Q_INVALID_FIELD, AdminStatus.ENXIO, StatusQualifier.INVALID_FIELD);
        }
    }

    @Test
    void getAllReturnsEveryPartInTheMandatoryOrder() throws Exception {
        try (Rig r = rig()) {
            // Move VF 1 away from its reset state through the legacy interface.
            r.client.execute(AdminCommands.legacyCommonCfgWrite(VF1, LegacyCommonField.GUEST_FEATURES, 0x20));
            r.client.execute(AdminCommands.legacyCommonCfgWrite(VF1, LegacyCommonField.QUEUE_SEL, 1));
            r.client.execute(AdminCommands.legacyCommonCfgWrite(VF1, LegacyCommonField.STATUS, 0x07));

            List<DevicePart> parts = r.expect(AdminCommands.devPartsGetAll(VF1, GET_ID, PARTS_SIZE),
                    reqPartsGetAll(1, GET_ID), respOk(allParts(1, 0x20, 1, 0x07)));
            assertEquals(8 + 416, r.ring.last().usedLength(), "413 bytes of parts padded to 416");
            assertEquals(expectedParts(1, 0x20, 1, 0x07), parts);
        }
    }

    @Test
    void reservedMetadataAndGetTypesAreInvalidField() throws Exception {
        try (Rig r = rig()) {
            // METADATA_GET type 3 and PARTS_GET type 2 are reserved; the typed API cannot express them.
            var meta = RawCommand.of(DEV_PARTS_METADATA_GET, dev.jvirtio.admin.GroupType.SR_IOV, 1,
                    "0000 0000 00000000 03 00000000000000", 8);
            r.expectQueueFailure(meta, reqPartsMetadata(1, GET_ID, 3), EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL,
                    StatusQualifier.INVALID_FIELD);
            var get = RawCommand.of(DEV_PARTS_GET, dev.jvirtio.admin.GroupType.SR_IOV, 1,
                    "0000 0000 00000000 02 00000000000000", 512);
            r.expectQueueFailure(get, objHdr(hdr(DEV_PARTS_GET, SRIOV, 1), OBJ_DEV_PARTS, GET_ID).u8(2).zeros(7)
                    .bytes(), EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
        }
    }

    @Test
    void getAllIntoATooSmallBufferIsEnomemAndGetFromASetObjectIsInvalidField() throws Exception {
        try (Rig r = rig()) {
            r.expectFailure(AdminCommands.devPartsGetAll(VF1, GET_ID, PARTS_SIZE - 5), reqPartsGetAll(1, GET_ID),
                    ENOMEM, Q_NORESOURCE, AdminStatus.ENOMEM, StatusQualifier.NORESOURCE);
            r.expectFailure(AdminCommands.devPartsGetAll(VF1, SET_ID, PARTS_SIZE), reqPartsGetAll(1, SET_ID),
                    EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            r.expectFailure(AdminCommands.devPartsGetAll(VF1, 9, PARTS_SIZE), reqPartsGetAll(1, 9), ENXIO,
                    Q_INVALID_FIELD, AdminStatus.ENXIO, StatusQualifier.INVALID_FIELD);
        }
    }

    @Test
    void getSelectedReturnsTheWantedPartsAndSkipsMissingOnes() throws Exception {
        try (Rig r = rig()) {
            var wanted = List.of(DevicePartHeader.select(PartType.DRV_FEATURES, 0),
                    DevicePartHeader.selectQueue(PartType.VQ_CFG, 2),
                    DevicePartHeader.selectQueue(PartType.VQ_CFG, 7));     // no queue 7: skipped
            LeBytes req = LeBytes.le();
            partHdr(req, PART_DRV_FEATURES, 0, 0, 0);
            partHdr(req, PART_VQ_CFG, 0, 2, 0);
            partHdr(req, PART_VQ_CFG, 0, 7, 0);
            LeBytes result = partHdr(LeBytes.le(), PART_DRV_FEATURES, 0, 0, 16).u64(0).u64(0);
            partHdr(result, PART_VQ_CFG, 0, 2, 32).u16(256).u16(0xffff).u16(0).u16(0).u64(0).u64(0).u64(0);
            List<DevicePart> got = r.expect(AdminCommands.devPartsGetSelected(VF1, GET_ID, wanted, 256),
                    reqPartsGetSelected(1, GET_ID, req), respOk(result));
            assertEquals(List.of(DrvFeaturesPart.of(FeatureBits.of(0, 0)),
                    new VqCfgPart(2, 256, 0xffff, 0, 0, 0, 0, false)), got);
        }
    }

    @Test
    void devModeSetStopsAndResumesAndIsIdempotent() throws Exception {
        try (Rig r = rig()) {
            MemberState m = r.model.engine().member(1);
            r.expect(AdminCommands.devModeSet(VF1, DevModeSet.Mode.STOPPED), reqDevModeSet(1, 1), resp(OK, Q_OK));
            assertEquals("1100" + "0100" + "00".repeat(12) + "0100000000000000" + "0100000000000000",
                    r.ring.last().requestHex());
            assertTrue(m.stopped());
            r.expect(AdminCommands.devModeSet(VF1, DevModeSet.Mode.STOPPED), reqDevModeSet(1, 1), resp(OK, Q_OK));
            assertTrue(m.stopped());
            assertFalse(r.model.engine().member(2).stopped(), "only VF 1");
            r.expect(AdminCommands.devModeSet(VF1, DevModeSet.Mode.RUNNING), reqDevModeSet(1, 0), resp(OK, Q_OK));
            assertFalse(m.stopped());
            r.expect(AdminCommands.devModeSet(VF1, DevModeSet.Mode.RUNNING), reqDevModeSet(1, 0), resp(OK, Q_OK));
            assertFalse(m.stopped());
        }
    }

    @Test
    void devPartsSetIsStagedWhileStoppedAndAppliedOnResume() throws Exception {
        try (Rig r = rig()) {
            MemberState m = r.model.engine().member(1);
            long drv = 1L << 32 | 1L << 5;
            var parts = List.<DevicePart>of(DrvFeaturesPart.of(FeatureBits.of(drv, 0)),
                    PciCommonCfgPart.of(dev.jvirtio.admin.parts.PciCommonCfgField.QUEUE_SELECT, 2),
                    DeviceStatusPart.of(0x0f));
            LeBytes wire = partHdr(LeBytes.le(), PART_DRV_FEATURES, 0, 0, 16).u64(drv).u64(0);
            partHdr(wire, PART_PCI_COMMON_CFG, 0, 22, 2).u16(2);
            partHdr(wire, PART_DEVICE_STATUS, 0, 0, 1).u8(0x0f);
            var set = AdminCommands.devPartsSet(VF1, SET_ID, parts);

            // Running: the driver must stop the member first (the model answers EBUSY).
            r.expectFailure(set, reqPartsSet(1, SET_ID, wire), EBUSY, Q_INVALID_COMMAND, AdminStatus.EBUSY,
                    StatusQualifier.INVALID_COMMAND);
            assertFalse(m.hasStagedParts());

            r.client.execute(AdminCommands.devModeSet(VF1, DevModeSet.Mode.STOPPED));
            r.expect(set, reqPartsSet(1, SET_ID, wire), resp(OK, Q_OK));
            assertEquals(24 + 8 + 67 + 5, r.ring.last().request().length, "padded to a multiple of 8");
            assertTrue(m.hasStagedParts());
            assertEquals(0L, m.driverFeatures(0), "not applied while stopped");

            r.client.execute(AdminCommands.devModeSet(VF1, DevModeSet.Mode.RUNNING));
            assertEquals(drv, m.driverFeatures(0));
            assertEquals(2, m.queueSelect());
            assertEquals(0x0fL, r.client.execute(AdminCommands.legacyCommonCfgRead(VF1, LegacyCommonField.STATUS)));
            assertEquals(0x20L, r.client.execute(AdminCommands.legacyCommonCfgRead(VF1,
                    LegacyCommonField.GUEST_FEATURES)), "legacy view: feature bits 0-31");
        }
    }

    @Test
    void devPartsSetFailuresStageNothing() throws Exception {
        try (Rig r = rig()) {
            MemberState m = r.model.engine().member(1);
            r.client.execute(AdminCommands.devModeSet(VF1, DevModeSet.Mode.STOPPED));

            // Bit 0 is not a device feature: DRV_FEATURES must be a subset of DEV_FEATURES.
            var bad = AdminCommands.devPartsSet(VF1, SET_ID, List.of(DrvFeaturesPart.of(FeatureBits.of(1, 0))));
            r.expectFailure(bad, reqPartsSet(1, SET_ID, partHdr(LeBytes.le(), PART_DRV_FEATURES, 0, 0, 16).u64(1)
                    .u64(0)), EINVAL, Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);

            // Out of order: the typed API refuses it, and so does the device when the check is skipped.
            var outOfOrder = List.<DevicePart>of(DeviceStatusPart.of(1), DrvFeaturesPart.of(FeatureBits.of(0, 0)));
            assertThrows(IllegalArgumentException.class, () -> AdminCommands.devPartsSet(VF1, SET_ID, outOfOrder));
            LeBytes wire = partHdr(LeBytes.le(), PART_DEVICE_STATUS, 0, 0, 1).u8(1);
            partHdr(wire, PART_DRV_FEATURES, 0, 0, 16).u64(0).u64(0);
            r.expectFailure(new DevPartsSet(VF1, SET_ID, outOfOrder, false), reqPartsSet(1, SET_ID, wire), EINVAL,
                    Q_INVALID_FIELD, AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);

            // Parts go into a SET object, not a GET one.
            var one = List.<DevicePart>of(DeviceStatusPart.of(1));
            r.expectFailure(AdminCommands.devPartsSet(VF1, GET_ID, one), reqPartsSet(1, GET_ID,
                    partHdr(LeBytes.le(), PART_DEVICE_STATUS, 0, 0, 1).u8(1)), EINVAL, Q_INVALID_FIELD,
                    AdminStatus.EINVAL, StatusQualifier.INVALID_FIELD);
            assertFalse(m.hasStagedParts(), "no failed SET staged anything");
        }
    }

    @Test
    void whatGetAllReadsFromOneVfSetRestoresOnAnotherByteForByte() throws Exception {
        try (Rig r = rig()) {
            r.client.execute(AdminCommands.legacyCommonCfgWrite(VF1, LegacyCommonField.GUEST_FEATURES, 0x20));
            r.client.execute(AdminCommands.legacyDevCfgWrite(VF1, 0, Bytes.ofHex("0a0b0c0d0e0f")));
            r.client.execute(AdminCommands.devModeSet(VF1, DevModeSet.Mode.STOPPED));
            List<DevicePart> parts = r.client.execute(AdminCommands.devPartsGetAll(VF1, GET_ID, PARTS_SIZE));
            byte[] got = r.ring.last().response();

            r.client.execute(AdminCommands.devPartsObjectCreate(VF2, 2, DevicePartsObject.Mode.SET));
            r.client.execute(AdminCommands.devModeSet(VF2, DevModeSet.Mode.STOPPED));
            r.client.execute(AdminCommands.devPartsSet(VF2, 2, parts));
            byte[] sent = r.ring.last().request();
            // Header (24) + object header (8), then the parts exactly as the device returned them (8-byte status
            // block before them), then zero padding.
            assertArrayEquals(Arrays.copyOfRange(got, 8, 8 + PARTS_SIZE), Arrays.copyOfRange(sent, 32, 32 + PARTS_SIZE));
            assertArrayEquals(new byte[sent.length - 32 - PARTS_SIZE], Arrays.copyOfRange(sent, 32 + PARTS_SIZE,
                    sent.length));
            r.client.execute(AdminCommands.devModeSet(VF2, DevModeSet.Mode.RUNNING));
            r.client.execute(AdminCommands.devModeSet(VF1, DevModeSet.Mode.RUNNING));
            assertTrue(r.model.engine().member(2).sameStateAs(r.model.engine().member(1)));
        }
    }

    /** All 15 parts of net member {@code vf} (3 queues, default queues and MSI-X) with the given registers. */
    static LeBytes allParts(int vf, long drvFeatures, int queueSelect, int status) {
        LeBytes b = partHdr(LeBytes.le(), PART_DEV_FEATURES, 1, 0, 16).u64(MEMBER_FEATURES).u64(0);
        partHdr(b, PART_DRV_FEATURES, 0, 0, 16).u64(drvFeatures).u64(0);
        partHdr(b, PART_PCI_COMMON_CFG, 0, 0, 4).u32(0);
        partHdr(b, PART_PCI_COMMON_CFG, 0, 8, 4).u32(0);
        partHdr(b, PART_PCI_COMMON_CFG, 0, 16, 2).u16(0xffff);
        partHdr(b, PART_PCI_COMMON_CFG, 0, 18, 2).u16(3);
        partHdr(b, PART_PCI_COMMON_CFG, 0, 22, 2).u16(queueSelect);
        partHdr(b, PART_DEVICE_STATUS, 0, 0, 1).u8(status);
        for (int q = 0; q < 3; q++) {
            // queue_size, vector, enabled, reserved, desc, driver, device
            partHdr(b, PART_VQ_CFG, 0, q, 32).u16(256).u16(0xffff).u16(0).u16(0).u64(0).u64(0).u64(0);
        }
        for (int q = 0; q < 3; q++) {
            // queue_notify_off, queue_notif_config_data, reserved[4]: the model gives queue q slot q.
            partHdr(b, PART_VQ_NOTIFY_CFG, 0, q, 8).u16(q).u16(q).zeros(4);
        }
        return partHdr(b, PART_NET_CVQ_CFG, 0, 0x0101, 6).hex("026a7600").u16(vf << 8);
    }

    static List<DevicePart> expectedParts(int vf, long drvFeatures, int queueSelect, int status) {
        List<DevicePart> p = new ArrayList<>();
        p.add(new DevFeaturesPart(FeatureBits.of(MEMBER_FEATURES, 0), true));
        p.add(DrvFeaturesPart.of(FeatureBits.of(drvFeatures, 0)));
        p.add(new PciCommonCfgPart(0, 4, 0, false));
        p.add(new PciCommonCfgPart(8, 4, 0, false));
        p.add(new PciCommonCfgPart(16, 2, 0xffff, false));
        p.add(new PciCommonCfgPart(18, 2, 3, false));
        p.add(new PciCommonCfgPart(22, 2, queueSelect, false));
        p.add(DeviceStatusPart.of(status));
        for (int q = 0; q < 3; q++) {
            p.add(new VqCfgPart(q, 256, 0xffff, 0, 0, 0, 0, false));
        }
        for (int q = 0; q < 3; q++) {
            p.add(new VqNotifyCfgPart(q, q, q, false));
        }
        p.add(DeviceTypePart.netCvq(1, 1, Bytes.of((byte) 0x02, (byte) 0x6a, (byte) 0x76, (byte) 0, (byte) 0,
                (byte) vf)));
        return p;
    }
}
