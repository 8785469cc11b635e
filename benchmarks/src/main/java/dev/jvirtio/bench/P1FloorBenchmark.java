package dev.jvirtio.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * P1 floor (a diagnostic beside P1, not one of its rows): the memory-ordering skeleton of one unbatched
 * cycle ({@link FloorRig}) over MemorySegments and over byte arrays, set against the same skeleton in C
 * ({@code src/main/c/p1floor.c}) by {@code benchmarks/run.sh p1-floor}. Same JMH settings as
 * {@link P1CycleBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
public class P1FloorBenchmark {
    /**
     * Where the skeleton's rings live: {@code segment} (native, as the rings), {@code array} (Java heap) or
     * {@code constant} (native, through static final segments).
     */
    @Param({"segment", "array", "constant"})
    public String memory;

    private FloorRig rig;

    /** Creates the skeleton over the chosen memory. */
    @Setup(Level.Trial)
    public void setUp() {
        rig = new FloorRig(FloorRig.Memory.parse(memory));
    }

    /** Frees the native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        rig.close();
    }

    /** One skeleton cycle. */
    @Benchmark
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public long cycle() {
        return rig.cycle();
    }
}
