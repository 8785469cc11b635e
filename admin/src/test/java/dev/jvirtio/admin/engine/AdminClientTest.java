package dev.jvirtio.admin.engine;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.devicemodel.AdminEngineConfig;
import dev.jvirtio.devicemodel.DeviceModel;
import dev.jvirtio.devicemodel.DeviceModelConfig;
import dev.jvirtio.devicemodel.DeviceType;
import dev.jvirtio.virtq.PollPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AdminClientTest {

    static final long SHORT = TimeUnit.MILLISECONDS.toNanos(300);

    static DeviceModel model(DeviceModelConfig.ProcessingMode mode, int vfs) throws Exception {
        DeviceModel m = DeviceModel.start(DeviceModelConfig.of(DeviceType.NET, 4).withMode(mode));
        if (vfs > 0) {
            m.pf().configWrite(0x110, 2, vfs);
            m.pf().configWrite(0x108, 2, 0x9);
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(DeviceModelConfig.ProcessingMode.class)
    void discoveryEnablesWhatTheDeviceOffersAndJvirtioImplements(DeviceModelConfig.ProcessingMode mode)
            throws Exception {
        try (DeviceModel m = model(mode, 2);
             AdminClient c = AdminClient.open(m.pf(), AdminClientOptions.defaults())) {
            OpcodeSet self = c.enabledOpcodes(GroupType.SELF);
            assertTrue(self.contains(0x7) && self.contains(0x8) && self.contains(0x9), self.toString());
            OpcodeSet sriov = c.enabledOpcodes(GroupType.SR_IOV);
            for (int op = 0x2; op <= 0x6; op++) {
                assertTrue(sriov.contains(op), "legacy opcode " + op + " in " + sriov);
            }
            assertTrue(sriov.contains(0x11), "DEV_MODE_SET");
            // The device now has exactly that list in use (bit n = opcode n).
            assertArrayEquals(sriov.words(), new long[] {m.engine().inUse(1)});
            long features = c.execute(AdminCommands.legacyCommonCfgRead(VfNumber.of(2), LegacyCommonField.HOST_FEATURES));
            assertEquals(m.engine().member(2).deviceFeatures(0) & 0xFFFF_FFFFL, features);
        }
    }

    @Test
    void theSriovGroupDoesNotExistWhileVfsAreDisabled() throws Exception {
        try (DeviceModel m = model(DeviceModelConfig.ProcessingMode.INLINE, 0);
             AdminClient c = AdminClient.open(m.pf(), AdminClientOptions.defaults())) {
            AdminCommandException e = assertThrows(AdminCommandException.class,
                    () -> c.enabledOpcodes(GroupType.SR_IOV));
            assertEquals(AdminStatus.EINVAL, e.status());
            assertEquals(StatusQualifier.INVALID_GROUP, e.qualifier());
            m.pf().configWrite(0x110, 2, 1);
            m.pf().configWrite(0x108, 2, 0x9);
            assertTrue(c.enabledOpcodes(GroupType.SR_IOV).contains(0x11), "discovered once VFs exist");
        }
    }

    @Test
    void anOpcodeTheDeviceDoesNotOfferIsRefusedLocally() throws Exception {
        AdminEngineConfig ec = AdminEngineConfig.builder(DeviceType.NET).totalVfs(2)
                .supportedSriov((1L << 0) | (1L << 1) | (1L << 2) | (1L << 3) | (1L << 4) | (1L << 5)).build();
        try (DeviceModel m = DeviceModel.start(DeviceModelConfig.of(DeviceType.NET, 2).withEngine(ec)
                .withMode(DeviceModelConfig.ProcessingMode.INLINE));
             AdminClient c = AdminClient.open(m.pf(), AdminClientOptions.defaults())) {
            m.pf().configWrite(0x110, 2, 2);
            m.pf().configWrite(0x108, 2, 0x9);
            c.enabledOpcodes(GroupType.SR_IOV);
            long before = m.adminCommandsCompleted();
            UnsupportedAdminCommandException e = assertThrows(UnsupportedAdminCommandException.class,
                    () -> c.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED), SHORT));
            assertEquals(AdminOpcode.DEV_MODE_SET, e.opcode());
            assertEquals(before, m.adminCommandsCompleted(), "nothing reached the device");
        }
    }

    @Test
    void eagainIsRetriedWithinTheBudgetAndReportedBeyondIt() throws Exception {
        try (DeviceModel m = model(DeviceModelConfig.ProcessingMode.THREAD, 1);
             AdminClient c = AdminClient.open(m.pf(), AdminClientOptions.defaults().withRetries(4, 1000))) {
            var cmd = AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED);
            c.enabledOpcodes(GroupType.SR_IOV);
            m.faults().eagainStorm(3);
            c.execute(cmd);
            assertTrue(m.engine().member(1).stopped());
            m.faults().eagainStorm(10);
            AdminCommandException e = assertThrows(AdminCommandException.class,
                    () -> c.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.RUNNING)));
            assertEquals(AdminStatus.EAGAIN, e.status());
            assertTrue(e.isRetryable());
            assertTrue(m.engine().member(1).stopped(), "EAGAIN has no side effect");
            m.faults().clear();
        }
    }

    @ParameterizedTest
    @EnumSource(DeviceModelConfig.ProcessingMode.class)
    void aLostCompletionTimesOutAndTheQueueIsResetForTheNextCommand(DeviceModelConfig.ProcessingMode mode)
            throws Exception {
        try (DeviceModel m = model(mode, 1);
             AdminClient c = AdminClient.open(m.pf(), AdminClientOptions.defaults())) {
            c.enabledOpcodes(GroupType.SR_IOV);
            m.faults().dropCompletions(1);
            AdminQueueException e = assertThrows(AdminQueueException.class,
                    () -> c.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED), SHORT));
            assertEquals(AdminQueueException.Reason.TIMEOUT, e.reason());
            assertEquals(1, c.recoveries());
            assertEquals(0, c.queues()[0].inFlight(), "the timed-out slot was freed by the queue reset");
            c.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.RUNNING));
            assertFalse(m.engine().member(1).stopped());
        }
    }

    @Test
    void aPerCommandDeadlineMustBePositive() throws Exception {
        try (DeviceModel m = model(DeviceModelConfig.ProcessingMode.INLINE, 1); AdminClient c = AdminClient.open(m.pf(), AdminClientOptions.defaults())) {
            var cmd = AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED);
            assertThrows(IllegalArgumentException.class, () -> c.execute(cmd, 0));
            assertThrows(IllegalArgumentException.class, () -> c.execute(cmd, -5));
            assertFalse(m.engine().member(1).stopped(), "nothing was sent");
            c.execute(cmd, SHORT);
            assertTrue(m.engine().member(1).stopped());
        }
    }

    @Test
    void aCorruptUsedIdBreaksTheQueueWithATypedErrorAndRecovers() throws Exception {
        try (DeviceModel m = model(DeviceModelConfig.ProcessingMode.THREAD, 1);
             AdminClient c = AdminClient.open(m.pf(), AdminClientOptions.defaults())) {
            c.enabledOpcodes(GroupType.SR_IOV);
            m.ringFaults().corruptUsedId(1, 999);
            AdminQueueException e = assertThrows(AdminQueueException.class,
                    () -> c.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED), SHORT));
            assertEquals(AdminQueueException.Reason.QUEUE_BROKEN, e.reason());
            assertTrue(e.getMessage().contains("999"), e.getMessage());
            c.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED));
            assertTrue(m.engine().member(1).stopped());
        }
    }

    @Test
    void deviceNeedsResetLeadsToAFullResetThatRestoresTheOpcodeSets() throws Exception {
        try (DeviceModel m = model(DeviceModelConfig.ProcessingMode.THREAD, 1);
             AdminClient c = AdminClient.open(m.pf(), AdminClientOptions.defaults())) {
            OpcodeSet before = c.enabledOpcodes(GroupType.SR_IOV);
            m.raiseNeedsReset();
            m.faults().dropCompletions(1);
            assertThrows(AdminQueueException.class,
                    () -> c.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED), SHORT));
            assertEquals(0, m.pfStatus() & 64, "DEVICE_NEEDS_RESET cleared by the device reset");
            assertArrayEquals(before.words(), new long[] {m.engine().inUse(1)}, "LIST_USE replayed");
            c.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED));
            assertTrue(m.engine().member(1).stopped());
        }
    }

    @Test
    void pipelinedAsyncCommandsAllComplete() throws Exception {
        try (DeviceModel m = model(DeviceModelConfig.ProcessingMode.THREAD, 4);
             AdminClient c = AdminClient.open(m.pf(), AdminClientOptions.defaults().withQueueSize(64))) {
            c.enabledOpcodes(GroupType.SR_IOV);
            c.startPollers(PollPolicy.spinThenYield(1000));
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                fs.add(c.submit(AdminCommands.legacyCommonCfgRead(VfNumber.of(1 + i % 4), LegacyCommonField.QUEUE_NUM)));
            }
            for (CompletableFuture<Long> f : fs) {
                assertEquals(256L, f.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void manyThreadsShareOneQueueWithoutLosingOrMixingCommands() throws Exception {
        try (DeviceModel m = model(DeviceModelConfig.ProcessingMode.THREAD, 4);
             AdminClient c = AdminClient.open(m.pf(), AdminClientOptions.defaults())) {
            c.enabledOpcodes(GroupType.SR_IOV);
            // Each VF gets its own guest-features value; each thread checks it reads back its own.
            List<Thread> ts = new ArrayList<>();
            List<Throwable> errors = new ArrayList<>();
            for (int t = 1; t <= 4; t++) {
                VfNumber vf = VfNumber.of(t);
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 2000; i++) {
                            long v = (vf.value() << 16) | i;
                            c.execute(AdminCommands.legacyCommonCfgWrite(vf, LegacyCommonField.GUEST_FEATURES, v & 0x1F));
                            long got = c.execute(AdminCommands.legacyCommonCfgRead(vf, LegacyCommonField.GUEST_FEATURES));
                            assertEquals(v & 0x1F & m.engine().member(vf.value()).deviceFeatures(0), got);
                        }
                    } catch (Throwable e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    }
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            assertTrue(errors.isEmpty(), errors.toString());
        }
    }
}
