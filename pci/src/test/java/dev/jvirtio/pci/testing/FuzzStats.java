package dev.jvirtio.pci.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Measures a Jazzer fuzz test class: how many times its target ran and how much CPU the fuzzing thread used.
 *
 * <p>Jazzer drives libFuzzer on the JUnit test thread and libFuzzer calls the target back on that same thread,
 * so the CPU time of the thread that runs {@code beforeAll} and {@code afterAll} is the fuzzing CPU time
 * (target plus libFuzzer's own mutation work), unaffected by other processes sharing the machine. JIT and GC
 * threads are reported separately as the process total. {@code scripts/fuzz} greps the line this prints.
 *
 * <pre>{@code
 * @ExtendWith(FuzzStats.class)
 * class MyFuzzTest {
 *     @FuzzTest
 *     void target(byte[] input) {
 *         FuzzStats.count();
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class FuzzStats implements BeforeAllCallback, AfterAllCallback {
    /** Prefix of the summary line, for scripts. */
    public static final String PREFIX = "jvirtio-fuzz-stats:";

    // Written only by the single test thread (fuzz targets run sequentially on it); no synchronisation needed.
    private static long executions;
    private static long threadCpuStart;
    private static long processCpuStart;
    private static long wallStart;

    /** Counts one execution of the fuzz target; call it first thing in the target. */
    public static void count() {
        executions++;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        executions = 0;
        threadCpuStart = threadCpu();
        processCpuStart = processCpu();
        wallStart = System.nanoTime();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double thread = (threadCpu() - threadCpuStart) / 1e9;
        double process = (processCpu() - processCpuStart) / 1e9;
        // JUnit runs see JAZZER_FUZZ in the environment; Jazzer's own CLI sets it as a system property instead.
        String flag = System.getenv("JAZZER_FUZZ") != null ? System.getenv("JAZZER_FUZZ")
                : System.getProperty("JAZZER_FUZZ", "");
        String mode = flag.isEmpty() ? "regression" : "fuzzing";
        System.out.println(String.format(Locale.ROOT,
                "%s %s mode=%s executions=%d thread_cpu_s=%.1f process_cpu_s=%.1f wall_s=%.1f",
                PREFIX, context.getRequiredTestClass().getSimpleName(), mode, executions, thread, process, wall));
    }

    private static long threadCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : 0;
    }

    private static long processCpu() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
    }
}
