package dev.jvirtio.devicemodel.pci;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigSpaceTest {

    @Test
    void onlyWritableBitsChangeAndRw1cBitsClear() {
        ConfigSpace cs = new ConfigSpace(256);
        cs.set(0x04, 2, 0x0000);
        cs.writableBits(0x04, 2, 0x0006);
        cs.set(0x06, 2, 0x8010);
        cs.clearOnOneBits(0x06, 2, 0x8000);
        cs.write(0x04, 2, 0xFFFF);
        assertEquals(0x0006, cs.read(0x04, 2));
        cs.write(0x06, 2, 0x0010);      // writing 0 to the RW1C bit keeps it
        assertEquals(0x8010, cs.read(0x06, 2));
        cs.write(0x06, 2, 0x8000);
        assertEquals(0x0010, cs.read(0x06, 2));
    }

    @Test
    void barSizingReadsBackTheSizeMask() {
        ConfigSpace cs = VirtioConfigSpaces.build(1, 0x020000, 4, 0, 8);
        cs.write(0x10, 4, 0xFFFF_FFFF);
        assertEquals(~(0x4000 - 1) | 0x4, cs.read(0x10, 4));
        cs.write(0x14, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_FFFF, cs.read(0x14, 4));
    }

    @Test
    void virtioHeaderAndCapabilityChain() {
        ConfigSpace cs = VirtioConfigSpaces.build(2, 0x010000, 8, 4, 0x3c);
        assertEquals(0x1AF4, cs.read(0, 2));
        assertEquals(0x1042, cs.read(2, 2));
        assertEquals(0x010000, cs.read(8, 4) >>> 8);
        assertEquals(0x10, cs.read(6, 2) & 0x10);
        // Walk the chain the way a driver would, collecting (id, cfg_type) pairs.
        List<String> caps = new ArrayList<>();
        int p = cs.read(0x34, 1);
        while (p != 0) {
            int id = cs.read(p, 1);
            caps.add(id == 9 ? "virtio" + cs.read(p + 3, 1) : "0x" + Integer.toHexString(id));
            p = cs.read(p + 1, 1);
        }
        assertEquals(List.of("0x11", "virtio1", "virtio2", "virtio3", "virtio4", "virtio5", "0x10"), caps);
        assertEquals(7, cs.read(0x42, 2) & 0x7FF, "MSI-X table size - 1");
        assertEquals(4, cs.read(0x60 + 16, 4), "notify_off_multiplier");
        assertEquals(0x40, cs.read(0x50 + 12, 4), "common cfg length: full layout");
        assertEquals(0x0010, cs.read(0x100, 4) & 0xFFFF, "SR-IOV extended capability");
        assertEquals(4, cs.read(0x100 + 0x0E, 2), "TotalVFs");
    }

    @Test
    void sriovControlAndNumVfsAreWritableAndHooked() {
        ConfigSpace cs = VirtioConfigSpaces.build(1, 0x020000, 4, 8, 8);
        List<String> seen = new ArrayList<>();
        cs.onWrite((off, w, old, now) -> seen.add(Integer.toHexString(off) + ":" + old + "->" + now));
        cs.write(0x110, 2, 3);
        cs.write(0x108, 2, 0x9);
        assertEquals(3, cs.read(0x110, 2));
        assertEquals(0x9, cs.read(0x108, 2));
        assertEquals(List.of("110:0->3", "108:0->9"), seen);
        cs.write(0x10E, 2, 99);          // TotalVFs is read-only
        assertEquals(8, cs.read(0x10E, 2));
    }

    @Test
    void outOfRangeAndUnalignedAccessesAreRefused() {
        ConfigSpace cs = new ConfigSpace(256);
        assertThrows(IndexOutOfBoundsException.class, () -> cs.read(256, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> cs.read(254, 4));
        assertThrows(IllegalArgumentException.class, () -> cs.read(2, 4));
        assertThrows(IllegalArgumentException.class, () -> new ConfigSpace(512));
    }
}
