package dev.jvirtio.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * P1: the ring-engine cost of one virtqueue cycle per chain, driver and device on the benchmark thread
 * (no cross-core traffic). One chain = add a one-descriptor chain, device pop + push used, driver poll.
 *
 * <ul>
 *   <li>{@link #batch1}: publish, publishUsed and the reclaim run for every single chain.</li>
 *   <li>{@link #batch32}: 32 adds, one publish, 32 pops and pushes, one publishUsed, 32 polls; the score
 *       is per chain ({@link OperationsPerInvocation}).</li>
 * </ul>
 *
 * <p>Both methods are compiled on their own ({@code DONT_INLINE} into JMH's loop): one call per invocation,
 * as the C baseline makes one call of its {@code noinline} cycle function per cycle. (A fork still now and
 * then recompiles mid-warm-up into slower code for the rest of the fork; benchmarks/RESULTS.md.)
 *
 * <p>Run through {@code benchmarks/run.sh p1}, which puts the C baseline ({@code src/main/c/p1cycle.c})
 * beside these numbers, or directly: {@code java -jar benchmarks/target/benchmarks.jar P1CycleBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
public class P1CycleBenchmark {
    /** Chains per invocation of {@link #batch32}; must match the annotation below. */
    static final int BATCH = 32;
    /** Queue size of both rings (the C baseline uses the same). */
    static final int QUEUE_SIZE = 256;

    /** Ring format under test. */
    @Param({"split", "packed"})
    public String ring;

    private CycleRig rig;

    /** Creates the rig for the chosen ring format. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        rig = new CycleRig(CycleRig.Ring.parse(ring), QUEUE_SIZE);
    }

    /** Checks that no cycle left anything behind, then frees the rig. */
    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            rig.checkIdle();
        } finally {
            rig.close();
        }
    }

    /** Unbatched: one chain per publish. */
    @Benchmark
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public long batch1() {
        return rig.cycle(1);
    }

    /** Batched: 32 chains per publish; reported per chain. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public long batch32() {
        return rig.cycle(BATCH);
    }
}
