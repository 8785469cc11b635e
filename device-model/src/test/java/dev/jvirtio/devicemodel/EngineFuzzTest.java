package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
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
    private static final Set<Integer> STATUSES = Set.of(OK, ENXIO, EAGAIN, ENOMEM, EBUSY, EEXIST, EINVAL, ENOSPC);
    private static final int ITERATIONS = Integer.getInteger("jvirtio.test.iterations", 60_000);

    /** Well-formed seeds the mutator starts from: every opcode with plausible data. */
    private static List<byte[]> corpus() {
        List<byte[]> c = new ArrayList<>();
        c.add(cmd(0x0, SRIOV, 0));
        c.add(cmd(0x1, SRIOV, 0, w().u64(0x3FC7FL).done()));
        c.add(cmd(0x1, SELF, 0, w().u64(0x3F83L).done()));
        c.add(cmd(0x2, SRIOV, 1, w().u8(14).zeros(7).u16(1).done()));
        c.add(cmd(0x2, SRIOV, 1, w().u8(8).zeros(7).u32(0x1234).done()));
        c.add(cmd(0x3, SRIOV, 2, w().u8(0).done()));
        c.add(cmd(0x4, SRIOV, 1, w().u8(0).zeros(7).fill(6, 7).done()));
        c.add(cmd(0x5, SRIOV, 1, w().u8(6).done()));
        c.add(cmd(0x6, SRIOV, 3));
        c.add(cmd(0x7, SELF, 0));
        c.add(cmd(0x8, SELF, 0, w().u16(0x801).zeros(6).done()));
        c.add(cmd(0x9, SELF, 0, w().u16(0).zeros(6).u8(2).u8(2).zeros(6).done()));
        c.add(cmd(0x9, SELF, 0, w().u16(0x800).zeros(6).bytes(CapabilityTest.ffResource(4, 4, 8, 4, 10, 3)).done()));
        c.add(cmd(0x9, SELF, 0, w().u16(0x801).zeros(6).u8(1).zeros(7)
                .u8(1).u8(1).zeros(2).u8(14).zeros(3).fill(14, 0xff).done()));
        c.add(cmd(0x9, SELF, 0, w().u16(0x802).zeros(6).u8(2).zeros(7).u8(1).u8(2).done()));
        c.add(cmd(0xa, SRIOV, 1, objData(0, 0, 0, w().u8(0).zeros(7).done())));
        c.add(cmd(0xa, SRIOV, 1, objData(0, 1, 0, w().u8(1).zeros(7).done())));
        c.add(cmd(0xa, SELF, 0, objData(0x200, 0, 0, w().u16(3).zeros(6).done())));
        c.add(cmd(0xa, SELF, 0, objData(0x201, 0, 0, w().u8(1).zeros(7)
                .u8(1).u8(0).zeros(2).u8(14).zeros(3).fill(14, 0xff).done())));
        c.add(cmd(0xa, SELF, 0, objData(0x202, 0, 0, w().u32(0).u32(0).u8(1).u8(14).u8(1).u8(0).u16(0).zeros(2)
                .fill(14, 1).done())));
        c.add(cmd(0xb, SRIOV, 1, objData(0, 0, 0, new byte[0])));
        c.add(cmd(0xc, SELF, 0, objData(0x200, 0, 0, w().u16(4).zeros(6).done())));
        c.add(cmd(0xd, SRIOV, 1, w().u16(0).zeros(2).u32(0).done()));
        c.add(cmd(0xe, SRIOV, 1, w().u16(0).zeros(2).u32(0).u8(2).zeros(7).done()));
        c.add(cmd(0xf, SRIOV, 1, w().u16(0).zeros(2).u32(0).u8(1).zeros(7).done()));
        c.add(cmd(0xf, SRIOV, 1, w().u16(0).zeros(2).u32(0).u8(0).zeros(7)
                .u16(0x104).zeros(2).u16(1).zeros(6).u32(0).done()));
        c.add(cmd(0x10, SRIOV, 1, w().u16(0).zeros(2).u32(1).u16(0x103).zeros(2).zeros(8).u32(1).u8(7).done()));
        c.add(cmd(0x11, SRIOV, 1, w().u8(1).zeros(7).done()));
        c.add(cmd(0x11, SRIOV, 1, w().u8(0).zeros(7).done()));
        return c;
    }

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
        List<byte[]> corpus = corpus();
        MutableSrIovState sriov = sriov(4);
        AdminCommandEngine e = new AdminCommandEngine(AdminEngineConfig.builder(DeviceType.NET).totalVfs(6)
                .devPartsLimits(3, 3).build(), sriov);
        useAll(e);
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
            assertTrue(used >= Math.min(outSize, 4) && used <= outSize, () -> "used " + used + ": " + ctx.get());
            if (outSize % 8 == 0) {
                assertEquals(0, used % 8, ctx);
            }
            if (outSize >= 4) {
                R r = new R(used, out);
                if (!STATUSES.contains(r.status()) || r.qualifier() > 7) {
                    fail("bad status block " + r.status() + "/" + r.qualifier() + ": " + ctx.get());
                }
                if (r.status() == OK && outSize >= 8) {
                    assertEquals(0, r.u16(2) | r.u32(4), ctx);
                }
            }
            for (int k = Math.max(used, 0); k < outSize; k++) {
                assertEquals(FILL, out[k], ctx);
            }
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
