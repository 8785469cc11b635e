package dev.jvirtio.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Host-side tests of the small capability walker the guest tests use. */
class VirtioPciCapsTest {
    /** Non-vendor capability IDs a real function mixes in: PM, MSI, PCIe, MSI-X. */
    private static final int[] OTHER_CAP_IDS = {0x01, 0x05, 0x10, 0x11};

    /** Builds config space images: a header with the cap-list status bit and a chain of capabilities. */
    static final class ConfigBuilder {
        final byte[] cfg;
        private int last = -1;

        ConfigBuilder(int size) {
            cfg = new byte[size];
            cfg[0] = (byte) 0xf4; // 1af4
            cfg[1] = 0x1a;
            cfg[VirtioPciCaps.PCI_STATUS] = VirtioPciCaps.PCI_STATUS_CAP_LIST;
        }

        /** Appends a capability at {@code at} to the end of the chain and returns {@code at}. */
        int cap(int at, int id, int len) {
            cfg[at] = (byte) id;
            cfg[at + 1] = 0;
            if (len > 0) {
                cfg[at + 2] = (byte) len;
            }
            if (last < 0) {
                cfg[VirtioPciCaps.PCI_CAPABILITY_LIST] = (byte) at;
            } else {
                cfg[last + 1] = (byte) at;
            }
            last = at;
            return at;
        }

        void virtio(int at, int cfgType, int bar, int id, long offset, long length, long mult) {
            int len = cfgType == VirtioPciCaps.NOTIFY_CFG ? 20 : 16;
            cap(at, VirtioPciCaps.PCI_CAP_ID_VNDR, len);
            cfg[at + 3] = (byte) cfgType;
            cfg[at + 4] = (byte) bar;
            cfg[at + 5] = (byte) id;
            le32(at + 8, offset);
            le32(at + 12, length);
            if (cfgType == VirtioPciCaps.NOTIFY_CFG) {
                le32(at + 16, mult);
            }
        }

        void le32(int at, long v) {
            for (int i = 0; i < 4; i++) {
                cfg[at + i] = (byte) (v >>> (8 * i));
            }
        }
    }

    /** QEMU's modern virtio-pci layout behind a PCIe root port: MSI-X first, then the virtio caps. */
    static byte[] qemuLike() {
        ConfigBuilder b = new ConfigBuilder(4096);
        b.cap(0x98, 0x11, 0); // MSI-X
        b.virtio(0x84, VirtioPciCaps.PCI_CFG, 0, 0, 0, 0, -1);
        b.virtio(0x70, VirtioPciCaps.NOTIFY_CFG, 4, 0, 0x3000, 0x1000, 4);
        b.virtio(0x60, VirtioPciCaps.DEVICE_CFG, 4, 0, 0x2000, 0x1000, -1);
        b.virtio(0x50, VirtioPciCaps.ISR_CFG, 4, 0, 0x1000, 0x1000, -1);
        b.virtio(0x40, VirtioPciCaps.COMMON_CFG, 4, 0, 0, 0x1000, -1);
        return b.cfg;
    }

    @Test
    void parsesQemuLayoutInChainOrder() {
        List<VirtioPciCaps.Cap> caps = VirtioPciCaps.parse(qemuLike());
        assertEquals(List.of(5, 2, 4, 3, 1), caps.stream().map(VirtioPciCaps.Cap::cfgType).toList());
        VirtioPciCaps.Cap notify = caps.get(1);
        assertEquals(new VirtioPciCaps.Cap(0x70, 20, 2, 4, 0, 0x3000, 0x1000, 4), notify);
        VirtioPciCaps.Cap common = caps.get(4);
        assertEquals(new VirtioPciCaps.Cap(0x40, 16, 1, 4, 0, 0, 0x1000, -1), common);
    }

    @Test
    void offsetsAndLengthsAreUnsignedLittleEndian() {
        ConfigBuilder b = new ConfigBuilder(256);
        b.virtio(0x40, VirtioPciCaps.DEVICE_CFG, 2, 7, 0xfedc_ba98L, 0x8000_0001L, -1);
        VirtioPciCaps.Cap c = VirtioPciCaps.parse(b.cfg).get(0);
        assertEquals(0xfedc_ba98L, c.offset());
        assertEquals(0x8000_0001L, c.length());
        assertEquals(2, c.bar());
        assertEquals(7, c.id());
    }

    @Test
    void noCapabilityListMeansNoCaps() {
        byte[] cfg = qemuLike();
        cfg[VirtioPciCaps.PCI_STATUS] = 0;
        assertTrue(VirtioPciCaps.parse(cfg).isEmpty());
    }

    @Test
    void loopIsRejected() {
        ConfigBuilder b = new ConfigBuilder(256);
        b.virtio(0x40, VirtioPciCaps.COMMON_CFG, 4, 0, 0, 0x38, -1);
        b.cap(0x50, 0x11, 0);
        b.cfg[0x51] = 0x40; // back to the first capability
        var e = assertThrows(VirtioPciCaps.MalformedCapabilityListException.class, () -> VirtioPciCaps.parse(b.cfg));
        assertTrue(e.getMessage().contains("loops"), e.getMessage());
    }

    @Test
    void pointerIntoHeaderIsRejected() {
        byte[] cfg = new ConfigBuilder(256).cfg;
        cfg[VirtioPciCaps.PCI_CAPABILITY_LIST] = 0x20;
        assertThrows(VirtioPciCaps.MalformedCapabilityListException.class, () -> VirtioPciCaps.parse(cfg));
    }

    @Test
    void truncatedReadIsRejectedWithAHint() {
        byte[] full = qemuLike();
        byte[] user = java.util.Arrays.copyOf(full, 64); // what a non-root reader gets from sysfs
        var e = assertThrows(VirtioPciCaps.MalformedCapabilityListException.class, () -> VirtioPciCaps.parse(user));
        assertTrue(e.getMessage().contains("root"), e.getMessage());
    }

    @Test
    void shortNotifyCapIsRejected() {
        ConfigBuilder b = new ConfigBuilder(256);
        b.virtio(0x40, VirtioPciCaps.NOTIFY_CFG, 4, 0, 0x3000, 0x1000, 4);
        b.cfg[0x42] = 16; // notify cap without room for notify_off_multiplier
        assertThrows(VirtioPciCaps.MalformedCapabilityListException.class, () -> VirtioPciCaps.parse(b.cfg));
    }

    @Test
    void capRunningPastStandardConfigIsRejected() {
        ConfigBuilder b = new ConfigBuilder(4096);
        b.virtio(0xf8, VirtioPciCaps.COMMON_CFG, 4, 0, 0, 0x38, -1);
        assertThrows(VirtioPciCaps.MalformedCapabilityListException.class, () -> VirtioPciCaps.parse(b.cfg));
    }

    @Test
    void tooShortConfigIsRejected() {
        assertThrows(VirtioPciCaps.MalformedCapabilityListException.class, () -> VirtioPciCaps.parse(new byte[16]));
    }

    /**
     * Random chains of virtio and other capabilities at random aligned slots: the walker must return
     * exactly the virtio ones, in chain order, with their fields. Replay with -Dvmrig.seed=N.
     */
    @Test
    void randomChainsRoundTrip() {
        long seed = Long.getLong("vmrig.seed", System.nanoTime());
        System.out.println("VirtioPciCapsTest.randomChainsRoundTrip seed=" + seed + " (replay: -Dvmrig.seed=" + seed + ")");
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 2000; round++) {
            ConfigBuilder b = new ConfigBuilder(rnd.nextBoolean() ? 256 : 4096);
            // 24-byte slots from 0x40 leave room for the longest cap (20 bytes) and never overlap.
            List<Integer> slots = new ArrayList<>();
            for (int at = 0x40; at + 24 <= 256; at += 24) {
                slots.add(at);
            }
            java.util.Collections.shuffle(slots, new java.util.Random(rnd.nextLong()));
            int n = rnd.nextInt(slots.size() + 1);
            List<VirtioPciCaps.Cap> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int at = slots.get(i);
                if (rnd.nextInt(3) == 0) {
                    b.cap(at, OTHER_CAP_IDS[rnd.nextInt(OTHER_CAP_IDS.length)], 0);
                } else {
                    int type = 1 + rnd.nextInt(8);
                    int bar = rnd.nextInt(6);
                    int id = rnd.nextInt(256);
                    long off = rnd.nextLong(1L << 32);
                    long len = rnd.nextLong(1L << 32);
                    long mult = type == VirtioPciCaps.NOTIFY_CFG ? rnd.nextLong(1L << 32) : -1;
                    b.virtio(at, type, bar, id, off, len, mult);
                    expected.add(new VirtioPciCaps.Cap(at, type == 2 ? 20 : 16, type, bar, id, off, len, mult));
                }
            }
            assertEquals(expected, VirtioPciCaps.parse(b.cfg), "seed=" + seed + " round=" + round);
        }
    }
}
