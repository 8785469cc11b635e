package dev.jvirtio.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.LegacyCommonField;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The engine's per-command codec path for a pre-built command (encode the request, read the status word,
 * complete a result-less command) must not allocate. This checks allocation, not speed (speed is JMH's job):
 * after warm-up, 200k iterations may allocate less than one byte each on average, where any real per-call
 * allocation would cost at least 16.
 */
class HotPathAllocationTest {
    private static final int ITERATIONS = 200_000;

    @Test
    void encodeAndStatusPathIsAllocationFree() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        var mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counting disabled");

        AdminCodec codec = new AdminCodec(OpcodeNumbering.COMMAND_TEXT);
        AdminCommand<Void> stop = AdminCommands.devModeSet(VfNumber.of(3), DevModeSet.Mode.STOPPED);
        AdminCommand<Void> write = AdminCommands.legacyCommonCfgWrite(VfNumber.of(3), LegacyCommonField.QUEUE_NOTIFY, 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(4096);
            MemorySegment resp = arena.allocate(64);
            long sink = run(codec, stop, write, req, resp, 50_000); // warm up: let the JIT compile the path
            long before = mx.getCurrentThreadAllocatedBytes();
            sink += run(codec, stop, write, req, resp, ITERATIONS);
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertEquals((50_000L + ITERATIONS) * (32 + 34), sink, "path did not run");
            assertTrue(allocated < ITERATIONS, "codec hot path allocated " + allocated + " bytes over " + ITERATIONS
                    + " iterations");
        }
    }

    private static long run(AdminCodec codec, AdminCommand<Void> a, AdminCommand<Void> b, MemorySegment req,
            MemorySegment resp, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += codec.encodeRequest(a, req, 0);
            sum += codec.encodeRequest(b, req, 64);
            int word = AdminCodec.statusWord(resp, 0, 8);
            if (!AdminCodec.isOk(word)) {
                throw AdminCodec.failure(a, word);
            }
            codec.decodeResponse(a, resp, 0, 8);
        }
        return sum;
    }
}
