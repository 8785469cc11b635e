package dev.jvirtio.pci.vfio;

import dev.jvirtio.pci.MmioRegion;
import dev.jvirtio.pci.TrappedMmioRegion;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A BAR with an MSI-X table page that may not be mapped: windows [0, 0x1000) and [0x2000, 0x4000) are
 * memory, [0x1000, 0x2000) goes to the fallback (pread/pwrite in real use).
 */
class SparseMmioRegionTest {
    static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final class Recorder implements TrappedMmioRegion.Handler {
        final List<String> log = new ArrayList<>();

        @Override
        public int read(long offset, int width) {
            log.add("r" + width + "@" + Long.toHexString(offset));
            return 0x5a5a5a5a;
        }

        @Override
        public void write(long offset, int width, int value) {
            log.add("w" + width + "@" + Long.toHexString(offset) + "=" + Integer.toHexString(value));
        }
    }

    @Test
    void windowsAreMemoryAndTheHoleGoesToTheFallback() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment low = arena.allocate(0x1000, 4096);
            MemorySegment high = arena.allocate(0x2000, 4096);
            Recorder fb = new Recorder();
            MmioRegion r = new SparseMmioRegion(List.of(new SparseArea(0, 0x1000), new SparseArea(0x2000, 0x2000)),
                    List.of(low, high), fb, 0x4000);
            assertEquals(0x4000, r.size());

            r.write32(0x10, 0xcafef00d);
            assertEquals(0xcafef00d, low.get(LE32, 0x10));
            r.write16(0x2006, 0xbeef);
            assertEquals((short) 0xbeef, high.get(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN), 6));
            r.write8(0x3fff, 0x7f);
            assertEquals(0x7f, high.get(ValueLayout.JAVA_BYTE, 0x1fff));
            assertEquals(0xcafef00d, r.read32(0x10));
            assertEquals(0xbeef, r.read16(0x2006));
            assertEquals(0x7f, r.read8(0x3fff));
            assertEquals(List.of(), fb.log, "nothing in a window reaches the fallback");

            assertEquals(0x5a5a5a5a, r.read32(0x1000));
            r.write32(0x1ffc, 1);
            assertEquals(0x5a, r.read8(0x1800));
            assertEquals(List.of("r4@1000", "w4@1ffc=1", "r1@1800"), fb.log);
        }
    }

    @Test
    void windowsOfTheRegionKeepAbsoluteOffsetsForTheFallback() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment low = arena.allocate(0x1000, 4096);
            MemorySegment high = arena.allocate(0x2000, 4096);
            Recorder fb = new Recorder();
            MmioRegion r = new SparseMmioRegion(List.of(new SparseArea(0, 0x1000), new SparseArea(0x2000, 0x2000)),
                    List.of(low, high), fb, 0x4000);
            MmioRegion w = r.window(0x800, 0x2000); // [0x800, 0x2800)
            assertEquals(0x2000, w.size());
            w.write32(0, 0x11223344);                // absolute 0x800: low window
            assertEquals(0x11223344, low.get(LE32, 0x800));
            w.read16(0x800);                         // absolute 0x1000: hole
            w.write32(0x1800, 9);                    // absolute 0x2000: high window
            assertEquals(9, high.get(LE32, 0));
            assertEquals(List.of("r2@1000"), fb.log);
            assertThrows(IndexOutOfBoundsException.class, () -> w.read32(0x2000));
            assertThrows(IndexOutOfBoundsException.class, () -> r.window(0x3000, 0x2000));
        }
    }

    @Test
    void accessesAreCheckedBeforeAnythingHappens() {
        try (Arena arena = Arena.ofConfined()) {
            Recorder fb = new Recorder();
            MmioRegion r = new SparseMmioRegion(List.of(new SparseArea(0, 0x1000)),
                    List.of(arena.allocate(0x1000, 4096)), fb, 0x2000);
            assertThrows(IllegalArgumentException.class, () -> r.read32(0x1002), "misaligned");
            assertThrows(IndexOutOfBoundsException.class, () -> r.read32(0x2000));
            assertThrows(IndexOutOfBoundsException.class, () -> r.write8(-1, 0));
            assertEquals(List.of(), fb.log);
        }
    }

    @Test
    void mappingsMustMatchTheirAreas() {
        try (Arena arena = Arena.ofConfined()) {
            Recorder fb = new Recorder();
            assertThrows(IllegalArgumentException.class, () -> new SparseMmioRegion(
                    List.of(new SparseArea(0, 0x1000)), List.of(arena.allocate(0x800)), fb, 0x1000));
            assertThrows(IllegalArgumentException.class, () -> new SparseMmioRegion(
                    List.of(new SparseArea(0x800, 0x1000)), List.of(arena.allocate(0x1000)), fb, 0x1000));
            assertThrows(IllegalArgumentException.class, () -> new SparseMmioRegion(
                    List.of(new SparseArea(0, 0x1000)), List.of(), fb, 0x1000));
        }
    }

    @Test
    void accessAfterTheMappingIsGoneThrowsInsteadOfFaulting() {
        Arena arena = Arena.ofShared();
        MmioRegion r = new SparseMmioRegion(List.of(new SparseArea(0, 0x1000)),
                List.of(arena.allocate(0x1000, 4096)), new Recorder(), 0x1000);
        r.write32(0, 1);
        arena.close();
        assertThrows(IllegalStateException.class, () -> r.read32(0));
    }
}
