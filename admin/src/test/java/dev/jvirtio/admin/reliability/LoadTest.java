package dev.jvirtio.admin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.engine.AdminClientOptions;
import dev.jvirtio.devicemodel.DeviceModelConfig;
import dev.jvirtio.devicemodel.DeviceType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 4 threads x N admin commands (N = {@code -Djvirtio.load.commands}, default 5000 for CI) over two
 * admin queues of a device model with a device thread, mixed across opcodes (legacy device and common
 * cfg writes/reads, DEV_MODE_SET, DEVICE_CAP_GET, LIST_QUERY, LEGACY_NOTIFY_INFO) and members. Thread
 * t owns VF t and checks every result against a value only it could have produced (its MAC carries
 * its VF number and a sequence). Lost, duplicated and mismatched commands must all be zero: every
 * call returns, the device completed exactly as many commands as were sent, every value is right.
 */
class LoadTest {

    @Test
    void fourThreadsMixedOpcodesNoneLostDuplicatedOrMismatched() throws Exception {
        int n = Integer.getInteger("jvirtio.load.commands", 5000);
        long seed = Long.getLong("jvirtio.test.seed", System.nanoTime());
        System.out.println("LoadTest: 4 threads x " + n + " commands, seed " + seed
                + " (replay with -Djvirtio.test.seed=" + seed + ")");
        DeviceModelConfig cfg = DeviceModelConfig.of(DeviceType.NET, 4).withAdminQueues(2);
        AdminClientOptions o = AdminClientOptions.defaults().withQueues(2);
        try (Rig r = Rig.start(cfg, 4, o)) {
            OpcodeSet sriovSupported = r.client.supportedOpcodes(GroupType.SR_IOV);
            DevicePartsCap cap = r.client.execute(AdminCommands.deviceCapGet(DevicePartsCap.KIND));
            long devFeatures = r.model.engine().member(1).deviceFeatures(0) & 0xFFFF_FFFFL;
            long completedBefore = r.model.adminCommandsCompleted();
            AtomicLong sent = new AtomicLong();
            AtomicLong mismatched = new AtomicLong();
            List<Throwable> failures = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 1; t <= 4; t++) {
                VfNumber vf = VfNumber.of(t);
                SplittableRandom rnd = new SplittableRandom(seed + t);
                Thread th = new Thread(() -> {
                    try {
                        long seq = 0;
                        int done = 0;
                        while (done < n) {
                            int kind = rnd.nextInt(6);
                            switch (kind) {
                                case 0 -> {     // MAC write + read: 2 commands
                                    long v = (long) vf.value() << 40 | (++seq & 0xFF_FFFF_FFFFL);
                                    Bytes want = Bystanders.mac(v);
                                    r.client.execute(AdminCommands.legacyDevCfgWrite(vf, 0, want));
                                    Bytes got = r.client.execute(AdminCommands.legacyDevCfgRead(vf, 0, 6));
                                    if (!want.equals(got)) {
                                        mismatched.incrementAndGet();
                                    }
                                    done += 2;
                                }
                                case 1 -> {     // guest features write + read: 2 commands
                                    long v = (seq++ * 7 + vf.value()) & devFeatures;
                                    r.client.execute(AdminCommands.legacyCommonCfgWrite(vf,
                                            LegacyCommonField.GUEST_FEATURES, v));
                                    long got = r.client.execute(AdminCommands.legacyCommonCfgRead(vf,
                                            LegacyCommonField.GUEST_FEATURES));
                                    if (got != v) {
                                        mismatched.incrementAndGet();
                                    }
                                    done += 2;
                                }
                                case 2 -> {     // stop / run the own VF: 2 commands, state checked
                                    r.client.execute(AdminCommands.devModeSet(vf, DevModeSet.Mode.STOPPED));
                                    if (!r.model.engine().member(vf.value()).stopped()) {
                                        mismatched.incrementAndGet();
                                    }
                                    r.client.execute(AdminCommands.devModeSet(vf, DevModeSet.Mode.RUNNING));
                                    done += 2;
                                }
                                case 3 -> {
                                    if (!cap.equals(r.client.execute(AdminCommands.deviceCapGet(DevicePartsCap.KIND)))) {
                                        mismatched.incrementAndGet();
                                    }
                                    done++;
                                }
                                case 4 -> {
                                    if (!sriovSupported.equals(r.client.execute(AdminCommands.listQuery(GroupType.SR_IOV)))) {
                                        mismatched.incrementAndGet();
                                    }
                                    done++;
                                }
                                default -> {
                                    var info = r.client.execute(AdminCommands.legacyNotifyInfo(vf));
                                    if (info == null) {
                                        mismatched.incrementAndGet();
                                    }
                                    done++;
                                }
                            }
                            sent.addAndGet(kind <= 2 ? 2 : 1);
                        }
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }, "load-vf" + t);
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(600_000);
                assertTrue(!th.isAlive(), th.getName() + " hung");
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long completed = r.model.adminCommandsCompleted() - completedBefore;
            System.out.printf("LoadTest: %d commands in %.1f s (%.0f/s), device completed %d, mismatched %d, failures %d%n",
                    sent.get(), secs, sent.get() / secs, completed, mismatched.get(), failures.size());
            assertTrue(failures.isEmpty(), "lost (failed) commands: " + failures);
            assertEquals(0, mismatched.get(), "mismatched results");
            assertEquals(sent.get(), completed, "the device completed exactly what was sent: nothing lost or duplicated");
            assertEquals(0, r.client.recoveries());
        }
    }
}
