package dev.jvirtio.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
 * P3: admin command throughput with 1, 8 and 32 commands outstanding. One benchmark operation
 * completes the oldest command and submits a new one, so {@code outstanding} commands are always in
 * flight and ops/s is commands/s. Driver thread and device thread on the machine's two cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
public class P3AdminThroughputBenchmark {
    /** Commands kept in flight. */
    @Param({"1", "8", "32"})
    public int outstanding;

    private AdminRig rig;
    private long[] tickets;
    private int next;

    /** Brings the model and the client up and fills the pipeline. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        rig = new AdminRig(128);
        tickets = new long[outstanding];
        for (int i = 0; i < outstanding; i++) {
            tickets[i] = rig.queue.submitTicket(rig.command);
        }
    }

    /** Drains the pipeline and shuts down. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (int i = 0; i < outstanding; i++) {
            rig.queue.await(tickets[(next + i) % outstanding], rig.command, 5_000_000_000L);
        }
        rig.close();
    }

    /** Completes the oldest outstanding command and submits its replacement. */
    @Benchmark
    public void pipelined() {
        int i = next;
        rig.queue.await(tickets[i], rig.command, 5_000_000_000L);
        tickets[i] = rig.queue.submitTicket(rig.command);
        next = i + 1 == outstanding ? 0 : i + 1;
    }
}
