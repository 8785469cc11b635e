package dev.jvirtio.admin.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A regression guard, not a benchmark (speed is JMH's job): in steady state the blocking path of the engine
 * (local opcode gate, slot, framing, ring, doorbell, polling, status check) allocates nothing on the calling
 * thread for a pre-built status-only command. The device model runs on its own thread, so its allocations
 * are not counted.
 */
class BlockingPathAllocationTest {
    private static final int WARM_UP = 5_000;
    private static final int ITERATIONS = 5_000;

    @Test
    void executingAStatusOnlyCommandAllocatesNothingInSteadyState() throws Exception {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        var mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counting disabled");

        try (Rig r = Rig.start(ProcessingMode.THREAD).discovered()) {
            r.client.tracer(null);      // the recorder copies bytes by design; the engine without it must not
            AdminCommand<Void> stop = AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED);
            AdminCommand<Void> run = AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.RUNNING);
            long completed = r.model.adminCommandsCompleted();
            loop(r.client, stop, run, WARM_UP);    // let the JIT compile the path
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            loop(r.client, stop, run, ITERATIONS);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            System.out.println("BlockingPathAllocationTest: " + allocated + " bytes over " + 2 * ITERATIONS
                    + " commands");

            assertEquals(completed + 2L * (WARM_UP + ITERATIONS), r.model.adminCommandsCompleted(),
                    "every command reached the device");
            assertFalse(r.model.engine().member(1).stopped(), "the last command (RUNNING) took effect");
            // Any real per-command allocation costs at least 16 bytes; allow well under one byte per command
            // for one-off noise (a lazily grown structure, a safepoint's bookkeeping).
            assertTrue(allocated < ITERATIONS, "the blocking path allocated " + allocated + " bytes over "
                    + 2 * ITERATIONS + " commands");
        }
    }

    private static void loop(AdminClient c, AdminCommand<Void> a, AdminCommand<Void> b, int n) {
        for (int i = 0; i < n; i++) {
            c.execute(a);
            c.execute(b);
        }
    }
}
