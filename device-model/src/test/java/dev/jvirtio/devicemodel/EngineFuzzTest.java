package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.*;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Randomised robustness test: the driver is untrusted, so random and mutated command bytes must never make the
 * engine throw, and every completion must carry a defined status, a qualifier in 0..7, a used length within the
 * buffer (a multiple of 8 when the buffer is), and nothing written past the used length.
 * Replay a failure with {@code -Djvirtio.test.seed=<seed>}.
 */
class EngineFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("jvirtio.test.iterations", 60_000);

    private static byte[] mutate(SplittableRandom rnd, byte[] seed) {
        byte[] b = seed;
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(7)) {
                case 0 -> { // flip a bit
                    if (b.length > 0) {
                        int p = rnd.nextInt(b.length);
                        b = b.clone();
                        b[p] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> { // random byte
                    if (b.length > 0) {
                        b = b.clone();
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
                }
                case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1)); // truncate
                case 3 -> { // extend with random bytes
                    int old = b.length;
                    b = Arrays.copyOf(b, old + rnd.nextInt(64));
                    for (int k = old; k < b.length; k++) {
                        b[k] = (byte) rnd.nextInt(256);
                    }
                }
                case 4 -> { // interesting small field values
                    if (b.length >= 4) {
                        b = b.clone();
                        int p = rnd.nextInt(b.length - 1);
                        int[] v = {0, 1, 2, 0xff, 0xffff, 0x8000, 0x7f};
                        int x = v[rnd.nextInt(v.length)];
                        b[p] = (byte) x;
                        b[p + 1] = (byte) (x >>> 8);
                    }
                }
                case 5 -> { // a different opcode in a well-formed frame
                    if (b.length >= 2) {
                        b = b.clone();
                        b[0] = (byte) rnd.nextInt(0x14);
                        b[1] = 0;
                    }
                }
                default -> { // pure noise
                    b = new byte[rnd.nextInt(96)];
                    for (int k = 0; k < b.length; k++) {
                        b[k] = (byte) rnd.nextInt(256);
                    }
                }
            }
        }
        return b;
    }

    @Test
    void randomAndMutatedCommandsNeverBreakTheEngine() {
        long seed = Long.getLong("jvirtio.test.seed", System.nanoTime());
        System.out.println("EngineFuzzTest seed = " + seed + " (replay: -Djvirtio.test.seed=" + seed + ")");
        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> corpus = EngineInvariants.wellFormedCommands();
        MutableSrIovState sriov = EngineInvariants.sriov();
        AdminCommandEngine e = EngineInvariants.engine(sriov);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] in = rnd.nextInt(10) == 0 ? corpus.get(rnd.nextInt(corpus.size()))
                    : mutate(rnd, corpus.get(rnd.nextInt(corpus.size())));
            int outSize = switch (rnd.nextInt(4)) {
                case 0 -> 8 * rnd.nextInt(80);
                case 1 -> rnd.nextInt(24);
                case 2 -> 8 + rnd.nextInt(9);
                default -> 8 * rnd.nextInt(8);
            };
            byte[] out = new byte[outSize];
            Arrays.fill(out, FILL);
            int used;
            try {
                used = e.process(MemorySegment.ofArray(in), MemorySegment.ofArray(out));
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + " iteration " + i + " input " + hex(in)
                        + " outSize " + outSize, ex);
            }
            final int iter = i;
            final byte[] input = in;
            final int size = outSize;
            Supplier<String> ctx = () -> "seed " + seed + " iteration " + iter + " input " + hex(input)
                    + " outSize " + size;
            EngineInvariants.checkCompletion(out, used, ctx);
            // Now and then the world changes under the driver.
            switch (rnd.nextInt(500)) {
                case 0 -> e.reset();
                case 1 -> { // device reset, then the driver enables everything again (group may be gone)
                    e.reset();
                    sriov.vfEnable(true);
                    sriov.numVfs(4);
                    useAll(e);
                }
                case 2 -> sriov.numVfs(rnd.nextInt(7));
                case 3 -> sriov.vfEnable(!sriov.vfEnable());
                case 4 -> e.resetMember(1 + rnd.nextInt(6));
                default -> { }
            }
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }
}
