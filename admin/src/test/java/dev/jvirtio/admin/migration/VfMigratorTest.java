package dev.jvirtio.admin.migration;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.admin.engine.AdminClientOptions;
import dev.jvirtio.admin.engine.AdminTracer;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DrvFeaturesPart;
import dev.jvirtio.admin.parts.FeatureBits;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.devicemodel.AdminEngineConfig;
import dev.jvirtio.devicemodel.DeviceModel;
import dev.jvirtio.devicemodel.DeviceModelConfig;
import dev.jvirtio.devicemodel.DeviceType;
import dev.jvirtio.devicemodel.MemberState;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.transport.CommonCfg;
import dev.jvirtio.transport.DeviceStatus;
import dev.jvirtio.transport.FeatureSet;
import dev.jvirtio.transport.VirtioFeature;
import dev.jvirtio.transport.VirtioPciDevice;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saves and restores VF state between software PFs through the real admin-queue engine. */
class VfMigratorTest {

    static final VfNumber VF1 = VfNumber.of(1);
    static final VfNumber VF2 = VfNumber.of(2);
    static final PciAddress SECOND_PF = new PciAddress(0xF001, 0, 0, 0);

    @TempDir
    Path tmp;

    static DeviceModel model(DeviceModelConfig cfg) throws Exception {
        DeviceModel m = DeviceModel.start(cfg);
        m.pf().configWrite(0x110, 2, 4);    // NumVFs
        m.pf().configWrite(0x108, 2, 0x9);  // VF Enable | VF MSE
        return m;
    }

    static DeviceModel net(PciAddress at) throws Exception {
        return model(DeviceModelConfig.of(DeviceType.NET, 4).withAddress(at));
    }

    static DeviceModel withLimits(int get, int set) throws Exception {
        return model(DeviceModelConfig.of(DeviceType.NET, 4).withEngine(
                AdminEngineConfig.builder(DeviceType.NET).totalVfs(4).devPartsLimits(get, set).build()));
    }

    static AdminClient client(DeviceModel m) throws Exception {
        return AdminClient.open(m.pf(), AdminClientOptions.defaults());
    }

    /** Counts the commands of each opcode that reach the ring. */
    static final class Counter implements AdminTracer {
        final List<AdminOpcode> seen = new ArrayList<>();

        @Override
        public synchronized void submitted(int queueIndex, AdminCommand<?> command, MemorySegment request) {
            seen.add(command.opcode());
        }

        @Override
        public void completed(int queueIndex, AdminCommand<?> command, MemorySegment response, int usedLength,
                long latencyNanos) {
        }

        synchronized long count(AdminOpcode op) {
            return seen.stream().filter(op::equals).count();
        }
    }

    @Test
    void aRunningVfMigratesBetweenTwoPfsAndReadsBackTheSameState() throws Exception {
        try (DeviceModel src = net(DeviceModelConfig.DEFAULT_PF);
             DeviceModel dst = net(SECOND_PF);
             AdminClient srcAdmin = client(src);
             AdminClient dstAdmin = client(dst);
             VirtioPciDevice vf = VirtioPciDevice.attach(src.vf(2).orElseThrow())) {
            // A guest driver brings VF 2 up on its own function: features, status, one configured queue.
            FeatureSet wanted = FeatureSet.of(VirtioFeature.VERSION_1, VirtioFeature.ACCESS_PLATFORM).with(5).with(17);
            assertEquals(wanted, vf.initialize(wanted, FeatureSet.of(VirtioFeature.VERSION_1)));
            CommonCfg cc = vf.commonCfg();
            cc.queueSelect(1);
            cc.queueSize(128);
            cc.queueMsixVector(2);
            cc.queueDesc(0x1234_5000L);
            cc.queueDriver(0x1234_6000L);
            cc.queueDevice(0x1234_7000L);
            cc.enableQueue();
            vf.driverOk();
            // The PF changes more of VF 2's state through legacy admin commands.
            srcAdmin.execute(AdminCommands.legacyDevCfgWrite(VF2, 0, Bytes.ofHex("02aabbccddee")));
            srcAdmin.execute(AdminCommands.legacyCommonCfgWrite(VF2, LegacyCommonField.CONFIG_VECTOR, 3));
            MemberState before = src.engine().member(2);
            assertEquals(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.FEATURES_OK
                    | DeviceStatus.DRIVER_OK, before.deviceStatus());
            assertFalse(dst.engine().member(2).sameStateAs(before), "the destination starts out different");

            List<String> events = new ArrayList<>();
            MigrationProgress record = (phase, done, total) -> events.add(phase + " " + done + "/" + total);
            Path file = tmp.resolve("vf2.parts");
            long written = VfMigrator.of(srcAdmin).saveTo(VF2, file, record);
            assertEquals(Files.size(file), written);
            assertTrue(src.engine().member(2).stopped(), "save stops the VF");
            assertEquals(0, src.engine().resourceObjectCount(), "the GET object was destroyed");

            VfMigrator to = VfMigrator.of(dstAdmin);
            DevicePartsSnapshot restored = to.restoreFrom(VF2, file, record);
            assertEquals(VF2, restored.vf());
            assertEquals(1, restored.deviceType(), "saved from a virtio-net PF");
            assertTrue(dst.engine().member(2).stopped(), "restore stops the destination");
            assertTrue(dst.engine().member(2).hasStagedParts(), "parts wait for the resume");
            assertEquals(0, dst.engine().resourceObjectCount(), "the SET object was destroyed");
            to.resume(VF2);
            VfMigrator.of(srcAdmin).resume(VF2);   // both running, nothing staged: comparable

            assertTrue(dst.engine().member(2).sameStateAs(src.engine().member(2)), "migrated state differs");
            // The destination's VF 2 reads the migrated queue through its own common configuration.
            try (VirtioPciDevice moved = VirtioPciDevice.attach(dst.vf(2).orElseThrow())) {
                CommonCfg d = moved.commonCfg();
                assertEquals(15, d.deviceStatus());
                assertEquals(wanted, d.driverFeatures());
                d.queueSelect(1);
                assertEquals(128, d.queueSize());
                assertEquals(2, d.queueMsixVector());
                assertEquals(1, d.queueEnable());
                assertEquals(0x1234_5000L, d.queueDesc());
                assertEquals(0x1234_6000L, d.queueDriver());
                assertEquals(0x1234_7000L, d.queueDevice());
                assertEquals(3, d.configMsixVector());
                assertEquals(0xaa, dst.engine().member(2).configByte(1), "the MAC travelled as a device-type part");
            }
            assertEquals(List.of("DEVICE_READ", "STREAM_WRITE", "STREAM_READ", "DEVICE_WRITE"),
                    events.stream().map(e -> e.substring(0, e.indexOf(' '))).distinct().toList(), events.toString());
            long len = written;
            assertTrue(events.contains("STREAM_WRITE " + len + "/" + len), events.toString());
            assertTrue(events.contains("STREAM_READ " + len + "/" + len), events.toString());
            assertTrue(src.driverViolations().isEmpty() && dst.driverViolations().isEmpty());
        }
    }

    @Test
    void theCapabilityIsSetOnceAndObjectIdsAreReusedWithinALimitOfOne() throws Exception {
        try (DeviceModel m = withLimits(1, 1); AdminClient admin = client(m)) {
            Counter counter = new Counter();
            admin.tracer(counter);
            VfMigrator mig = VfMigrator.of(admin);
            for (int round = 0; round < 3; round++) {
                DevicePartsSnapshot s = mig.save(VF1, MigrationProgress.NONE);
                mig.restore(VF1, s, MigrationProgress.NONE);
                mig.resume(VF1);
                assertEquals(0, m.engine().resourceObjectCount(), "round " + round);
            }
            assertEquals(1, counter.count(AdminOpcode.DEVICE_CAP_GET));
            assertEquals(1, counter.count(AdminOpcode.DRIVER_CAP_SET));
            assertEquals(6, counter.count(AdminOpcode.RESOURCE_OBJ_CREATE));
            assertEquals(6, counter.count(AdminOpcode.RESOURCE_OBJ_DESTROY));
        }
    }

    @Test
    void anIdAnotherUserHoldsIsSkippedAndNoFreeIdIsATypedError() throws Exception {
        try (DeviceModel m = withLimits(2, 2); AdminClient admin = client(m)) {
            VfMigrator mig = VfMigrator.of(admin);
            assertEquals(2, mig.driverCapability().getPartsObjectsLimit());
            admin.execute(AdminCommands.devPartsObjectCreate(VF1, 0, DevicePartsObject.Mode.GET));
            assertEquals(15, mig.save(VF2, MigrationProgress.NONE).parts().size(),
                    "2 feature parts, 5 common fields, status, 3 VQ_CFG, 3 VQ_NOTIFY_CFG, MAC");
            assertEquals(1, m.engine().resourceObjectCount(), "only the other user's object is left");
            admin.execute(AdminCommands.devPartsObjectCreate(VF1, 1, DevicePartsObject.Mode.GET));
            MigrationException e = assertThrows(MigrationException.class, () -> mig.save(VF2, MigrationProgress.NONE));
            assertEquals(MigrationException.Step.CREATE_OBJECT, e.step());
            assertTrue(e.getMessage().contains("limit is 2"), e.getMessage());
            assertEquals(2, m.engine().resourceObjectCount());
        }
    }

    @Test
    void aRefusedPartsGetStillDestroysItsObject() throws Exception {
        try (DeviceModel m = net(DeviceModelConfig.DEFAULT_PF); AdminClient admin = client(m)) {
            VfMigrator mig = VfMigrator.of(admin);
            admin.enabledOpcodes(GroupType.SR_IOV);
            m.faults().shrinkSupported(1, 1L << 0xf);   // the device stops supporting DEV_PARTS_GET
            MigrationException e = assertThrows(MigrationException.class, () -> mig.save(VF1, MigrationProgress.NONE));
            assertEquals(MigrationException.Step.GET_PARTS, e.step());
            AdminCommandException cause = assertInstanceOf(AdminCommandException.class, e.getCause());
            assertEquals(AdminStatus.EINVAL, cause.status());
            assertEquals(StatusQualifier.INVALID_OPCODE, cause.qualifier());
            assertEquals(0, e.getSuppressed().length);
            assertEquals(0, m.engine().resourceObjectCount(), "the GET object was destroyed");
            assertTrue(m.engine().member(1).stopped(), "the VF stays stopped for the caller to decide");
        }
    }

    @Test
    void aRefusedPartsSetDestroysItsObjectAndAppliesNothing() throws Exception {
        try (DeviceModel m = net(DeviceModelConfig.DEFAULT_PF); AdminClient admin = client(m)) {
            VfMigrator mig = VfMigrator.of(admin);
            DevicePartsSnapshot s = mig.save(VF1, MigrationProgress.NONE);
            mig.resume(VF1);
            // Feature bit 0 (VIRTIO_NET_F_CSUM) is not offered by the VF: the device must refuse the parts.
            List<DevicePart> bad = new ArrayList<>(s.parts());
            for (int i = 0; i < bad.size(); i++) {
                if (bad.get(i) instanceof DrvFeaturesPart) {
                    bad.set(i, DrvFeaturesPart.of(FeatureBits.of(1L, 0L)));
                }
            }
            MigrationException e = assertThrows(MigrationException.class,
                    () -> mig.restore(VF2, new DevicePartsSnapshot(VF1, 1, bad), MigrationProgress.NONE));
            assertEquals(MigrationException.Step.SET_PARTS, e.step());
            assertEquals(AdminStatus.EINVAL, ((AdminCommandException) e.getCause()).status());
            assertTrue(e.getMessage().contains("DEV_PARTS_SET on VF 2 failed"), e.getMessage());
            assertEquals(0, m.engine().resourceObjectCount(), "the SET object was destroyed");
            assertFalse(m.engine().member(2).hasStagedParts(), "a failed DEV_PARTS_SET has no side effects");
        }
    }

    @Test
    void aVfNumberBeyondNumVfsIsRefusedAtTheStopStep() throws Exception {
        try (DeviceModel m = net(DeviceModelConfig.DEFAULT_PF); AdminClient admin = client(m)) {
            MigrationException e = assertThrows(MigrationException.class,
                    () -> VfMigrator.of(admin).save(VfNumber.of(5), MigrationProgress.NONE));
            assertEquals(MigrationException.Step.STOP, e.step());
            assertEquals(StatusQualifier.INVALID_MEMBER, ((AdminCommandException) e.getCause()).qualifier());
        }
    }

    @Test
    void aFileFromAnotherDeviceTypeOrACorruptFileNeverTouchesTheDestination() throws Exception {
        try (DeviceModel net = net(DeviceModelConfig.DEFAULT_PF);
             DeviceModel blk = model(DeviceModelConfig.of(DeviceType.BLOCK, 4).withAddress(SECOND_PF));
             AdminClient netAdmin = client(net);
             AdminClient blkAdmin = client(blk)) {
            Path file = tmp.resolve("net.parts");
            VfMigrator.of(netAdmin).saveTo(VF1, file, MigrationProgress.NONE);
            VfMigrator toBlk = VfMigrator.of(blkAdmin);
            assertEquals(2, toBlk.deviceType());
            AtomicInteger sent = new AtomicInteger();
            blkAdmin.tracer(new AdminTracer() {
                @Override
                public void submitted(int q, AdminCommand<?> c, MemorySegment r) {
                    sent.incrementAndGet();
                }

                @Override
                public void completed(int q, AdminCommand<?> c, MemorySegment r, int used, long latency) {
                }
            });
            MigrationFileException e = assertThrows(MigrationFileException.class,
                    () -> toBlk.restoreFrom(VF1, file, MigrationProgress.NONE));
            assertEquals(MigrationFileException.Problem.DEVICE_TYPE_MISMATCH, e.problem());
            assertTrue(e.getMessage().contains("network") && e.getMessage().contains("block"), e.getMessage());

            byte[] b = Files.readAllBytes(file);
            b[MigrationFile.HEADER_SIZE + 20] ^= 0x40;
            Files.write(file, b);
            VfMigrator toNet = VfMigrator.of(netAdmin);
            MigrationFileException crc = assertThrows(MigrationFileException.class,
                    () -> toNet.restoreFrom(VF2, file, MigrationProgress.NONE));
            assertEquals(MigrationFileException.Problem.CRC_MISMATCH, crc.problem());
            assertFalse(net.engine().member(2).stopped(), "rejected before the VF was touched");
            assertEquals(0, sent.get(), "no command reached the block PF");
        }
    }
}
