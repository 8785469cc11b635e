package dev.jvirtio.admin.ring;

import static dev.jvirtio.admin.ring.Spec.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.cap.CapabilityIdSet;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.DevPartsMetadata;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.command.LegacyNotifyInfo;
import dev.jvirtio.admin.parts.DevicePartHeader;
import dev.jvirtio.admin.parts.DeviceStatusPart;
import dev.jvirtio.admin.parts.DrvFeaturesPart;
import dev.jvirtio.admin.parts.FeatureBits;
import dev.jvirtio.admin.parts.PartType;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import dev.jvirtio.virtq.PollPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One session that puts every opcode 0x0-0x11 on the ring, in an order that makes each meaningful
 * (discovery, legacy access, capabilities, objects, device parts, stop/restore/resume), compared byte for byte
 * with the spec encoding, in both processing modes (a device thread, and inline in the doorbell) and with
 * both RESOURCE_OBJ_QUERY/MODIFY numberings.
 */
class EveryOpcodeTranscriptTest {
    static final VfNumber VF1 = VfNumber.of(1);
    static final VfNumber VF2 = VfNumber.of(2);

    record Step(AdminCommand<?> command, byte[] request, byte[] response, Object result) {
    }

    static Stream<Arguments> modesAndNumberings() {
        List<Arguments> a = new ArrayList<>();
        for (ProcessingMode m : ProcessingMode.values()) {
            for (ResourceObjectRingTest.Numbering n : ResourceObjectRingTest.Numbering.values()) {
                a.add(Arguments.of(m, n));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modesAndNumberings")
    void everyOpcodeOnceInOneSession(ProcessingMode mode, ResourceObjectRingTest.Numbering n) throws Exception {
        try (Rig r = Rig.start(mode, b -> b.numbering(n.device), o -> o.withNumbering(n.client), Rig.NUM_VFS)) {
            var vf1 = GroupMember.vf(VF1);
            List<Step> steps = List.of(
                    step(AdminCommands.legacyCommonCfgWrite(VF1, LegacyCommonField.GUEST_FEATURES, 0x0003_0021L),
                            reqLegacyCommonWrite(1, 4, 4, 0x0003_0021L), resp(OK, Q_OK), null),
                    step(AdminCommands.legacyCommonCfgRead(VF1, LegacyCommonField.GUEST_FEATURES),
                            reqLegacyCommonRead(1, 4), respOkExact(LeBytes.le().u32(0x0003_0020L)), 0x0003_0020L),
                    step(AdminCommands.legacyDevCfgWrite(VF2, 0, Bytes.ofHex("0a0b0c0d0e0f")),
                            reqLegacyDevWrite(2, 0, "0a0b0c0d0e0f"), resp(OK, Q_OK), null),
                    step(AdminCommands.legacyDevCfgRead(VF2, 0, 6), reqLegacyDevRead(2, 0),
                            respOkExact(LeBytes.le().hex("0a0b0c0d0e0f")), Bytes.ofHex("0a0b0c0d0e0f")),
                    step(AdminCommands.legacyNotifyInfo(VF1), reqNotifyInfo(1),
                            respOk(LeBytes.le().u8(2).u8(2).zeros(6).u64(0x3000).zeros(48)),
                            new LegacyNotifyInfo.Result(List.of(new LegacyNotifyInfo.Entry(
                                    LegacyNotifyInfo.Region.MEMBER_DEVICE, 2, 0x3000)), 0)),
                    step(AdminCommands.capIdListQuery(), reqCapIdListQuery(),
                            respOk(LeBytes.le().u64(1).zeros(31 * 8).u64(7)),
                            CapabilityIdSet.of(0x0000, 0x0800, 0x0801, 0x0802)),
                    step(AdminCommands.deviceCapGet(DevicePartsCap.KIND), reqDeviceCapGet(CAP_DEV_PARTS),
                            respOk(LeBytes.le().u8(4).u8(4)), new DevicePartsCap(4, 4)),
                    step(AdminCommands.driverCapSet(new DevicePartsCap(2, 2)), reqDriverCapSet(CAP_DEV_PARTS, "0202"),
                            resp(OK, Q_OK), null),
                    step(AdminCommands.devPartsObjectCreate(VF1, 0, DevicePartsObject.Mode.GET),
                            reqObjWrite(RESOURCE_OBJ_CREATE, SRIOV, 1, OBJ_DEV_PARTS, 0, "00 00000000000000"),
                            resp(OK, Q_OK), null),
                    step(AdminCommands.resourceObjQuery(vf1, DevicePartsObject.KIND, 0),
                            reqObjQuery(n.query, SRIOV, 1, OBJ_DEV_PARTS, 0), respOk(LeBytes.le().u8(0).zeros(7)),
                            DevicePartsObject.forGet()),
                    step(AdminCommands.resourceObjModify(vf1, 0, DevicePartsObject.forGet()),
                            reqObjWrite(n.modify, SRIOV, 1, OBJ_DEV_PARTS, 0, "00 00000000000000"), resp(OK, Q_OK),
                            null),
                    step(AdminCommands.devPartsCount(VF1, 0), reqPartsMetadata(1, 0, 1),
                            respOk(LeBytes.le().u32(15).u32(0)), new DevPartsMetadata.PartsCount(15)),
                    step(AdminCommands.devPartsGetSelected(VF1, 0,
                                    List.of(DevicePartHeader.select(PartType.DRV_FEATURES, 0)), 64),
                            reqPartsGetSelected(1, 0, partHdr(LeBytes.le(), PART_DRV_FEATURES, 0, 0, 0)),
                            respOk(partHdr(LeBytes.le(), PART_DRV_FEATURES, 0, 0, 16).u64(0x0003_0020L).u64(0)),
                            List.of(DrvFeaturesPart.of(FeatureBits.of(0x0003_0020L, 0)))),
                    step(AdminCommands.devModeSet(VF1, DevModeSet.Mode.STOPPED), reqDevModeSet(1, 1), resp(OK, Q_OK),
                            null),
                    step(AdminCommands.devPartsObjectCreate(VF1, 1, DevicePartsObject.Mode.SET),
                            reqObjWrite(RESOURCE_OBJ_CREATE, SRIOV, 1, OBJ_DEV_PARTS, 1, "01 00000000000000"),
                            resp(OK, Q_OK), null),
                    step(AdminCommands.devPartsSet(VF1, 1, List.of(DeviceStatusPart.of(0x0f))),
                            reqPartsSet(1, 1, partHdr(LeBytes.le(), PART_DEVICE_STATUS, 0, 0, 1).u8(0x0f)),
                            resp(OK, Q_OK), null),
                    step(AdminCommands.devModeSet(VF1, DevModeSet.Mode.RUNNING), reqDevModeSet(1, 0), resp(OK, Q_OK),
                            null),
                    step(AdminCommands.legacyCommonCfgRead(VF1, LegacyCommonField.STATUS), reqLegacyCommonRead(1, 18),
                            respOkExact(LeBytes.le().u8(0x0f)), 0x0fL),
                    step(AdminCommands.devPartsObjectDestroy(VF1, 1), reqObjDestroy(SRIOV, 1, OBJ_DEV_PARTS, 1),
                            resp(OK, Q_OK), null),
                    step(AdminCommands.devPartsObjectDestroy(VF1, 0), reqObjDestroy(SRIOV, 1, OBJ_DEV_PARTS, 0),
                            resp(OK, Q_OK), null));

            List<String> expected = new ArrayList<>();
            expected.add(line(reqListQuery(SELF), respOk(LeBytes.le().u64(ListCommandsRingTest.SELF_SUPPORTED))));
            expected.add(line(reqListUse(SELF, ListCommandsRingTest.SELF_SUPPORTED), resp(OK, Q_OK)));
            expected.add(line(reqListQuery(SRIOV), respOk(LeBytes.le().u64(ListCommandsRingTest.SRIOV_SUPPORTED))));
            expected.add(line(reqListUse(SRIOV, ListCommandsRingTest.SRIOV_SUPPORTED), resp(OK, Q_OK)));
            List<Object> expectedResults = new ArrayList<>();
            expectedResults.add(OpcodeSet.fromWords(ListCommandsRingTest.SELF_SUPPORTED));
            expectedResults.add(OpcodeSet.fromWords(ListCommandsRingTest.SRIOV_SUPPORTED));
            for (Step s : steps) {
                expected.add(line(s.request(), s.response()));
                expectedResults.add(s.result());
            }

            List<Object> results = new ArrayList<>();
            results.add(r.client.enabledOpcodes(GroupType.SELF));
            results.add(r.client.enabledOpcodes(GroupType.SR_IOV));
            for (Step s : steps) {
                results.add(r.client.execute(s.command()));
            }

            List<String> actual = new ArrayList<>();
            for (RingRecorder.Exchange x : r.ring.exchanges()) {
                actual.add(x.requestHex() + " -> " + x.responseHex());
            }
            assertEquals(String.join("\n", expected), String.join("\n", actual), "ring transcript");
            assertEquals(expectedResults, results, "typed results");
            assertEquals(0, r.model.engine().resourceObjectCount());
        }
    }

    @ParameterizedTest
    @EnumSource(ProcessingMode.class)
    void pipelinedCommandsEachCarryTheirOwnBytes(ProcessingMode mode) throws Exception {
        try (Rig r = Rig.start(mode).discovered()) {
            r.client.startPollers(PollPolicy.spinThenYield(1000));
            // Legacy reads of both VFs' MAC bytes: each answer is tied to its own request.
            Map<AdminCommand<?>, byte[]> expectedRequest = new HashMap<>();
            Map<AdminCommand<?>, byte[]> expectedResponse = new HashMap<>();
            List<CompletableFuture<Bytes>> fs = new ArrayList<>();
            List<Bytes> expectedResult = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                int vf = 1 + i % 2;
                int off = i % 6;
                var cmd = AdminCommands.legacyDevCfgRead(VfNumber.of(vf), off, 1);
                int mac = new int[] {0x02, 0x6a, 0x76, 0x00, 0x00, vf}[off];
                expectedRequest.put(cmd, reqLegacyDevRead(vf, off));
                expectedResponse.put(cmd, respOkExact(LeBytes.le().u8(mac)));
                expectedResult.add(Bytes.of((byte) mac));
                fs.add(r.client.submit(cmd));
            }
            List<Bytes> got = new ArrayList<>();
            for (CompletableFuture<Bytes> f : fs) {
                got.add(f.get(10, TimeUnit.SECONDS));
            }
            assertEquals(expectedResult, got);
            List<RingRecorder.Exchange> xs = r.ring.exchanges();
            assertEquals(48, xs.size());
            for (RingRecorder.Exchange x : xs) {
                assertEquals(LeBytes.hex(expectedRequest.get(x.command())), x.requestHex());
                assertEquals(LeBytes.hex(expectedResponse.get(x.command())), x.responseHex());
            }
        }
    }

    static Step step(AdminCommand<?> cmd, byte[] req, byte[] resp, Object result) {
        return new Step(cmd, req, resp, result);
    }

    static String line(byte[] req, byte[] resp) {
        return LeBytes.hex(req) + " -> " + LeBytes.hex(resp);
    }
}
