package dev.jvirtio.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * P2: latency of one admin command round trip — the driver thread frames the command, publishes it
 * and spins; the device-model thread (busy polling) takes it, runs it and posts the completion; the
 * driver sees it and decodes the status. Sampled, so JMH reports p50/p99. The baseline is
 * {@code pingpong.c}: one cache line bounced between two threads, the floor of any such exchange.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
public class P2AdminRoundTripBenchmark {
    private AdminRig rig;

    /** Brings the model and the client up. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        rig = new AdminRig(64);
    }

    /** Shuts both down. */
    @TearDown(Level.Trial)
    public void tearDown() {
        rig.close();
    }

    /** One blocking DEV_MODE_SET through the admin client: local gate, framing, ring, device, status. */
    @Benchmark
    public void adminRoundTrip() {
        rig.client.execute(rig.command);
    }
}
