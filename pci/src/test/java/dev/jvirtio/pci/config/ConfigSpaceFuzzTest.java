package dev.jvirtio.pci.config;

import dev.jvirtio.pci.testing.Seeds;
import dev.jvirtio.pci.testing.SysfsFixtureTree;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Randomised robustness: random and mutated config spaces must parse to a consistent result or to a
 * {@link ConfigSpaceException}, never to another exception or a hang. Seeded; replay a failure with
 * {@code -Djvirtio.test.seed=<seed>}.
 */
class ConfigSpaceFuzzTest {

    @Test
    void randomBytes() {
        long seed = Seeds.seed("ConfigSpaceFuzzTest.randomBytes");
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 3_000; i++) {
            int len = r.nextInt(0, 4200);
            byte[] b = new byte[len];
            r.nextBytes(b);
            if (len >= 8 && r.nextBoolean()) {
                b[6] |= 0x10;     // capability list bit, so the walk runs more often
                b[0] = (byte) 0xf4;
                b[1] = 0x1a;      // virtio vendor, so vendor caps decode as virtio
            }
            check(seed, i, b);
        }
    }

    /** Flips bytes of the real snapshots, mostly inside the capability region, where the parser branches most. */
    @Test
    void mutatedSnapshots() {
        long seed = Seeds.seed("ConfigSpaceFuzzTest.mutatedSnapshots");
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> bases = SysfsFixtureTree.FUNCTIONS.stream()
                .map(bdf -> SysfsFixtureTree.resource(bdf, "config")).toList();
        for (int i = 0; i < 20_000; i++) {
            byte[] b = bases.get(r.nextInt(bases.size())).clone();
            if (b.length == 4096 || r.nextInt(4) == 0) {
                b = java.util.Arrays.copyOf(b, r.nextBoolean() ? 4096 : r.nextInt(64, 4097));
                if (r.nextBoolean() && b.length >= 0x104) {
                    b[0x100 + r.nextInt(4)] = (byte) r.nextInt(); // perturb the first extended header
                }
            }
            int flips = 1 + r.nextInt(6);
            for (int f = 0; f < flips; f++) {
                int at = r.nextInt(4) == 0 ? r.nextInt(b.length) : 0x34 + r.nextInt(Math.min(b.length, 256) - 0x34);
                b[at] = (byte) r.nextInt(256);
            }
            check(seed, i, b);
        }
    }

    private static void check(long seed, int iteration, byte[] b) {
        String where = "seed " + seed + " iteration " + iteration + " length " + b.length;
        ConfigSpace cs;
        try {
            cs = ConfigSpace.parse(b);
        } catch (ConfigSpaceException e) {
            switch (e.reason()) {
                case TRUNCATED_HEADER -> assertTrue(b.length < 64, where);
                case TOO_LONG -> assertTrue(b.length > 4096, where);
                case NO_DEVICE -> assertTrue((b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xff, where);
            }
            return;
        } catch (RuntimeException e) {
            fail(where + ": unexpected " + e, e);
            return;
        }
        assertTrue(b.length >= 64 && b.length <= 4096, where);
        assertTrue(cs.capabilities().size() <= 48, where);
        Set<Integer> seen = new HashSet<>();
        for (PciCapability c : cs.capabilities()) {
            assertTrue(c.offset() >= 0x40 && c.offset() <= 0xfc && c.offset() % 4 == 0, where + " cap at " + c.offset());
            assertTrue(seen.add(c.offset()), where + " revisited " + c.offset());
            if (c instanceof MalformedCapability m) {
                assertTrue(cs.problems().contains(m.problem()), where);
            }
            if (c instanceof VirtioCapability v) {
                assertTrue(v.offset() + v.capLength() <= Math.min(b.length, 256), where);
            }
            assertTrue(!c.name().isEmpty(), where);
        }
        Set<Integer> seenExt = new HashSet<>();
        for (ExtendedCapability c : cs.extendedCapabilities()) {
            assertTrue(c.offset() >= 0x100 && c.offset() + 4 <= b.length && c.offset() % 4 == 0, where);
            assertTrue(seenExt.add(c.offset()), where);
            if (c instanceof MalformedExtendedCapability m) {
                assertTrue(cs.problems().contains(m.problem()), where);
            }
        }
        int walkEnders = 0;
        for (ConfigProblem p : cs.problems()) {
            if (p.kind().stopsWalk()) {
                walkEnders++;
            }
            assertTrue(!p.message().isEmpty(), where);
        }
        assertTrue(walkEnders <= 2, where + ": at most one per walk");
        try {
            ConfigSpace again = ConfigSpace.parse(b);
            assertEquals(cs.capabilities(), again.capabilities(), where);
            assertEquals(cs.extendedCapabilities(), again.extendedCapabilities(), where);
            assertEquals(cs.problems(), again.problems(), where);
        } catch (ConfigSpaceException e) {
            fail(where + ": second parse disagreed", e);
        }
    }
}
