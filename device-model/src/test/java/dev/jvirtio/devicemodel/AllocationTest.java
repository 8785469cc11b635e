package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The hot-path commands allocate nothing per command (the JMH -prof gc benchmarks measure the same thing; this
 * test only guards against regressions, it measures no time). Uses the JDK's per-thread allocation counter,
 * reached reflectively because the test module does not read java.management.
 */
class AllocationTest {
    private static final int N = 20_000;

    private Object bean;
    private Method allocatedBytes;

    private long allocated() throws ReflectiveOperationException {
        return (Long) allocatedBytes.invoke(bean);
    }

    @Test
    void hotPathCommandsDoNotAllocate() throws ReflectiveOperationException {
        try {
            bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> ext = Class.forName("com.sun.management.ThreadMXBean");
            Assumptions.assumeTrue(ext.isInstance(bean)
                    && (Boolean) ext.getMethod("isThreadAllocatedMemoryEnabled").invoke(bean));
            allocatedBytes = ext.getMethod("getCurrentThreadAllocatedBytes");
        } catch (ClassNotFoundException ex) {
            Assumptions.abort("no per-thread allocation counter: " + ex);
        }
        AdminCommandEngine e = useAll(net(2));
        try (Arena arena = Arena.ofConfined()) {
            byte[][] cmds = {
                cmd(0x0, SRIOV, 0),
                cmd(0x3, SRIOV, 1, w().u8(0).done()),
                cmd(0x2, SRIOV, 1, w().u8(14).zeros(7).u16(1).done()),
                cmd(0x5, SRIOV, 2, w().u8(0).done()),
                cmd(0x4, SRIOV, 2, w().u8(0).zeros(7).fill(6, 2).done()),
                cmd(0x6, SRIOV, 1),
                cmd(0x7, SELF, 0),
                cmd(0x8, SELF, 0, w().u16(0x801).zeros(6).done()),
                cmd(0x11, SRIOV, 1, w().u8(1).zeros(7).done()),
                cmd(0x11, SRIOV, 1, w().u8(0).zeros(7).done()),
            };
            int[] outSizes = {16, 12, 8, 14, 8, 72, 512, 512, 8, 8};
            MemorySegment[] in = new MemorySegment[cmds.length];
            MemorySegment[] out = new MemorySegment[cmds.length];
            for (int i = 0; i < cmds.length; i++) {
                in[i] = arena.allocate(cmds[i].length);
                MemorySegment.copy(MemorySegment.ofArray(cmds[i]), 0, in[i], 0, cmds[i].length);
                out[i] = arena.allocate(outSizes[i]);
            }
            for (int c = 0; c < cmds.length; c++) {
                for (int k = 0; k < 1_000; k++) { // warm up, and check every command succeeds
                    e.process(in[c], out[c]);
                }
                assertEquals(0, out[c].get(java.lang.foreign.ValueLayout.JAVA_SHORT, 0), "command " + c + " failed");
            }
            for (int c = 0; c < cmds.length; c++) {
                long before = allocated();
                for (int k = 0; k < N; k++) {
                    e.process(in[c], out[c]);
                }
                long allocated = allocated() - before;
                // One allocation per command would be >= 16 * N bytes; allow a little counter noise.
                int cc = c;
                assertTrue(allocated < 4096, () -> "command " + cc + " allocated " + allocated + " bytes");
            }
        }
    }
}
