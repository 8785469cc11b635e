package dev.jvirtio.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jvirtio.admin.parts.DevFeaturesPart;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartsFormatException;
import dev.jvirtio.admin.parts.DevicePartsReader;
import dev.jvirtio.admin.parts.DevicePartsWriter;
import dev.jvirtio.admin.parts.DeviceStatusPart;
import dev.jvirtio.admin.parts.DeviceTypePart;
import dev.jvirtio.admin.parts.DrvFeaturesPart;
import dev.jvirtio.admin.parts.FeatureBits;
import dev.jvirtio.admin.parts.PartType;
import dev.jvirtio.admin.parts.PciCommonCfgField;
import dev.jvirtio.admin.parts.PciCommonCfgPart;
import dev.jvirtio.admin.parts.UnknownPart;
import dev.jvirtio.admin.parts.VqCfgPart;
import dev.jvirtio.admin.parts.VqNotifyCfgPart;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded random round trips over device-part sequences and opcode sets, plus byte-level mutation of encoded
 * parts (the reader must either parse or throw {@link DevicePartsFormatException}, nothing else).
 *
 * <p>The seed is printed; replay a failure with {@code -Djvirtio.test.seed=<seed>}.
 */
class RandomizedRoundTripTest {
    private static final int ROUNDS = Integer.getInteger("jvirtio.test.rounds", 400);
    private static long seed;

    @BeforeAll
    static void pickSeed() {
        Long fixed = Long.getLong("jvirtio.test.seed");
        seed = fixed != null ? fixed : new SplittableRandom().nextLong();
        System.out.println("RandomizedRoundTripTest seed=" + seed + " (replay with -Djvirtio.test.seed=" + seed + ")");
    }

    private static String ctx(int round) {
        return "seed=" + seed + " round=" + round;
    }

    private static Bytes randomBytes(SplittableRandom r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return Bytes.of(b);
    }

    private static FeatureBits randomFeatures(SplittableRandom r) {
        long[] w = new long[r.nextInt(4)];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextLong();
        }
        return FeatureBits.of(w);
    }

    /** A random sequence that obeys the spec order and uniqueness rules. */
    static List<DevicePart> randomOrderedParts(SplittableRandom r) {
        List<DevicePart> parts = new ArrayList<>();
        if (r.nextBoolean()) {
            parts.add(new DevFeaturesPart(randomFeatures(r), r.nextBoolean()));
        }
        if (r.nextBoolean()) {
            parts.add(new DrvFeaturesPart(randomFeatures(r), r.nextBoolean()));
        }
        PciCommonCfgField[] fields = PciCommonCfgField.values();
        for (PciCommonCfgField f : fields) {
            if (r.nextInt(4) == 0) {
                long v = f.width() == 8 ? r.nextLong() : r.nextLong(1L << (8 * f.width()));
                parts.add(new PciCommonCfgPart(f.offset(), f.width(), v, r.nextBoolean()));
            }
        }
        if (r.nextInt(3) == 0) {
            int[] widths = {1, 2, 4, 8};
            int w = widths[r.nextInt(4)];
            parts.add(new PciCommonCfgPart(64 + r.nextInt(1000), w, w == 8 ? r.nextLong() : r.nextLong(1L << (8 * w)),
                    false));
        }
        if (r.nextBoolean()) {
            parts.add(new DeviceStatusPart(r.nextInt(256), r.nextBoolean()));
        }
        TreeSet<Integer> queues = new TreeSet<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            queues.add(r.nextInt(0x10000));
        }
        for (int q : queues) {
            parts.add(new VqCfgPart(q, r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt(0x10000), r.nextLong(),
                    r.nextLong(), r.nextLong(), r.nextBoolean()));
        }
        for (int q : queues) {
            if (r.nextBoolean()) {
                parts.add(new VqNotifyCfgPart(q, r.nextInt(0x10000), r.nextInt(0x10000), r.nextBoolean()));
            }
        }
        // Device-type-specific and unknown parts have no place in the order: sprinkle them anywhere.
        for (int i = r.nextInt(4); i > 0; i--) {
            DevicePart raw = r.nextBoolean()
                    ? new DeviceTypePart(new PartType(0x200 + r.nextInt(0x400)), r.nextInt(256), r.nextLong(),
                            randomBytes(r, 40))
                    : new UnknownPart(new PartType(r.nextBoolean() ? r.nextInt(0x100) : 0x600 + r.nextInt(0xfa00)),
                            r.nextInt(256), r.nextLong(), randomBytes(r, 40));
            parts.add(r.nextInt(parts.size() + 1), raw);
        }
        return parts;
    }

    @Test
    void devicePartsRoundTrip() {
        SplittableRandom r = new SplittableRandom(seed);
        for (int round = 0; round < ROUNDS; round++) {
            List<DevicePart> parts = randomOrderedParts(r);
            long len = DevicePartsWriter.encodedLength(parts);
            // Write at a random offset into a larger buffer to catch absolute/relative offset mix-ups.
            int off = r.nextInt(16);
            byte[] buf = new byte[(int) len + off + 8];
            MemorySegment seg = MemorySegment.ofArray(buf);
            assertEquals(len, DevicePartsWriter.writeAll(parts, seg, off, true), ctx(round));
            List<DevicePart> back = DevicePartsReader.readAll(seg, off, len, true);
            assertEquals(parts, back, ctx(round));
            // Re-encoding the parsed parts gives the same bytes.
            byte[] again = new byte[(int) len];
            DevicePartsWriter.writeAll(back, MemorySegment.ofArray(again), 0, true);
            assertArrayEquals(Arrays.copyOfRange(buf, off, off + (int) len), again, ctx(round));
        }
    }

    @Test
    void mutatedPartsNeverCrashTheReader() {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5eed);
        int parsed = 0;
        int rejected = 0;
        for (int round = 0; round < ROUNDS * 4; round++) {
            List<DevicePart> parts = randomOrderedParts(r);
            byte[] b = new byte[(int) DevicePartsWriter.encodedLength(parts)];
            DevicePartsWriter.writeAll(parts, MemorySegment.ofArray(b), 0, false);
            byte[] m = mutate(r, b);
            boolean check = r.nextBoolean();
            try {
                List<DevicePart> out = DevicePartsReader.readAll(Wirebench.segment(m), 0, m.length, check);
                // Whatever parsed must survive its own round trip.
                byte[] re = new byte[(int) DevicePartsWriter.encodedLength(out)];
                DevicePartsWriter.writeAll(out, MemorySegment.ofArray(re), 0, false);
                assertEquals(out, DevicePartsReader.readAll(Wirebench.segment(re), 0, re.length, false), ctx(round));
                parsed++;
            } catch (DevicePartsFormatException e) {
                assertTrue(e.offset() >= 0 && e.offset() <= m.length, ctx(round) + " " + e);
                rejected++;
            } catch (RuntimeException e) {
                fail(ctx(round) + ": reader threw " + e + " on " + LeBytes.hex(m), e);
            }
        }
        assertTrue(parsed > 0 && rejected > 0, "mutation produced no mix: " + parsed + "/" + rejected);
    }

    private static byte[] mutate(SplittableRandom r, byte[] b) {
        byte[] m = b.clone();
        switch (r.nextInt(5)) {
            case 0 -> { // flip random bytes
                for (int i = r.nextInt(1, 4); i > 0 && m.length > 0; i--) {
                    m[r.nextInt(m.length)] ^= (byte) r.nextInt(1, 256);
                }
            }
            case 1 -> m = Arrays.copyOf(m, m.length == 0 ? 0 : r.nextInt(m.length)); // truncate
            case 2 -> { // hostile length field in the first header
                if (m.length >= 16) {
                    int v = r.nextBoolean() ? -1 : r.nextInt();
                    m[12] = (byte) v;
                    m[13] = (byte) (v >>> 8);
                    m[14] = (byte) (v >>> 16);
                    m[15] = (byte) (v >>> 24);
                }
            }
            case 3 -> { // random type in the first header
                if (m.length >= 2) {
                    m[0] = (byte) r.nextInt(256);
                    m[1] = (byte) (r.nextBoolean() ? 1 : r.nextInt(256));
                }
            }
            default -> { // append junk
                byte[] tail = new byte[r.nextInt(1, 24)];
                r.nextBytes(tail);
                m = Arrays.copyOf(m, m.length + tail.length);
                System.arraycopy(tail, 0, m, b.length, tail.length);
            }
        }
        return m;
    }

    @Test
    void opcodeSetsRoundTrip() {
        SplittableRandom r = new SplittableRandom(seed ^ 0x0bc0de);
        for (int round = 0; round < ROUNDS; round++) {
            TreeSet<Integer> model = new TreeSet<>();
            int n = r.nextInt(20);
            int bound = r.nextBoolean() ? 0x20 : 0x10000;
            for (int i = 0; i < n; i++) {
                model.add(r.nextInt(bound));
            }
            OpcodeSet s = OpcodeSet.ofCodes(model.stream().mapToInt(Integer::intValue).toArray());
            assertArrayEquals(model.stream().mapToInt(Integer::intValue).toArray(), s.codes(), ctx(round));
            assertEquals(model.size(), s.size(), ctx(round));
            int maxWord = model.isEmpty() ? -1 : model.last() >>> 6;
            assertEquals((maxWord + 1) * 8, s.encodedLength(), ctx(round));

            // Encode with random trailing zero words and a random offset; decode must give the same set.
            int trailing = r.nextInt(4);
            int off = r.nextInt(8);
            byte[] buf = new byte[off + s.encodedLength() + trailing * 8];
            s.encode(MemorySegment.ofArray(buf), off);
            OpcodeSet back = OpcodeSet.decode(Wirebench.segment(buf), off, buf.length - off);
            assertEquals(s, back, ctx(round));
            assertEquals(s.hashCode(), back.hashCode(), ctx(round));

            // Membership agrees with the model, including probes outside the set.
            for (int probe = 0; probe < 20; probe++) {
                int c = r.nextInt(bound);
                assertEquals(model.contains(c), s.contains(c), ctx(round) + " code " + c);
            }
            // mask/union against a second random set agree with the model.
            TreeSet<Integer> other = new TreeSet<>();
            for (int i = r.nextInt(20); i > 0; i--) {
                other.add(r.nextInt(bound));
            }
            OpcodeSet o = OpcodeSet.ofCodes(other.stream().mapToInt(Integer::intValue).toArray());
            TreeSet<Integer> inter = new TreeSet<>(model);
            inter.retainAll(other);
            TreeSet<Integer> uni = new TreeSet<>(model);
            uni.addAll(other);
            assertArrayEquals(inter.stream().mapToInt(Integer::intValue).toArray(), s.mask(o).codes(), ctx(round));
            assertArrayEquals(uni.stream().mapToInt(Integer::intValue).toArray(), s.union(o).codes(), ctx(round));
        }
    }
}
