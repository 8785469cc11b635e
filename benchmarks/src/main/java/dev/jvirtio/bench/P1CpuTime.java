package dev.jvirtio.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * P1 diagnostic, not a benchmark result: the thread CPU time of {@link CycleRig#cycle} per chain, which a busy
 * machine disturbs far less than wall-clock time. One ring format and batch size per JVM, as in a JMH fork;
 * the C side is {@code p1cycle} built with {@code -DP1_CLOCK=CLOCK_THREAD_CPUTIME_ID}. Used for interleaved
 * A/B comparisons of ring-engine changes (see {@code RESULTS.md}); JMH ({@link P1CycleBenchmark}) stays the
 * measurement of record.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -Xms256m -Xmx256m -cp benchmarks/target/benchmarks.jar \
 *     dev.jvirtio.bench.P1CpuTime split 32 [runs=10] [warmupMillis=3000]
 * }</pre>
 *
 * <p>Prints {@code <ring>.batch<n> <median> min <min>} in ns per chain over {@code runs} runs of 2,000,000
 * chains, after {@code warmupMillis} of warm-up (long enough for C2 to compile the cycle).
 */
public final class P1CpuTime {
    private static long sink;

    private P1CpuTime() {
    }

    /** Runs the diagnostic; arguments: ring (split|packed), batch, [runs], [warm-up milliseconds]. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: P1CpuTime split|packed batch [runs [warmupMillis]]");
            System.exit(2);
        }
        CycleRig.Ring ring = CycleRig.Ring.parse(args[0]);
        int batch = Integer.parseInt(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        long warmupMillis = args.length > 3 ? Long.parseLong(args[3]) : 3000;
        if (runs < 1 || batch < 1 || batch > CycleRig.MAX_BATCH || warmupMillis < 0) {
            throw new IllegalArgumentException("runs >= 1, batch in 1.." + CycleRig.MAX_BATCH + ", warm-up >= 0");
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (CycleRig rig = new CycleRig(ring, P1CycleBenchmark.QUEUE_SIZE)) {
            long cycles = Math.max(1, 2_000_000 / batch);
            long end = System.nanoTime() + warmupMillis * 1_000_000;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 10_000; i++) {
                    sink += rig.cycle(batch);
                }
            }
            double[] ns = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = mx.getCurrentThreadCpuTime();
                long sum = 0;
                for (long c = 0; c < cycles; c++) {
                    sum += rig.cycle(batch);
                }
                long t1 = mx.getCurrentThreadCpuTime();
                if (sum != cycles * CycleRig.expectedChecksum(batch)) {
                    throw new IllegalStateException("checksum mismatch: " + sum);
                }
                sink += sum;
                ns[r] = (double) (t1 - t0) / ((double) cycles * batch);
            }
            Arrays.sort(ns);
            System.out.printf(Locale.ROOT, "%s.batch%d %.2f min %.2f%n", args[0], batch, ns[runs / 2], ns[0]);
            rig.checkIdle();
        }
        if (sink == 42) {
            System.out.println(); // keeps sink observable
        }
    }
}
