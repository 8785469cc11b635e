package dev.jvirtio.dma;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PagemapReaderTest {
    private static final long PRESENT = 1L << 63;
    private static final long SWAPPED = 1L << 62;

    private static void entry(FileChannel ch, long vpn, long value) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        ch.write(b, vpn * 8);
    }

    @Test
    void decodesASyntheticPagemap(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pagemap");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            entry(ch, 5, PRESENT | (1L << 55) | 0x1234);     // soft-dirty bit 55 must not leak into the PFN
            entry(ch, 6, PRESENT);                             // present, PFN hidden: no CAP_SYS_ADMIN
            entry(ch, 7, 0);                                   // not present
            entry(ch, 8, SWAPPED | 0x77);                      // swapped
        }
        try (PagemapReader r = PagemapReader.open(file, 4096)) {
            assertEquals(0x1234L * 4096 + 0x10, r.physicalAddressOf(5 * 4096 + 0x10));
            assertEquals(PagemapException.Reason.NO_PERMISSION,
                    assertThrows(PagemapException.class, () -> r.physicalAddressOf(6 * 4096)).reason());
            PagemapException np = assertThrows(PagemapException.class, () -> r.physicalAddressOf(7 * 4096 + 5));
            assertEquals(PagemapException.Reason.NOT_PRESENT, np.reason());
            assertTrue(np.getMessage().contains("mlock"), np.getMessage());
            assertEquals(PagemapException.Reason.NOT_PRESENT,
                    assertThrows(PagemapException.class, () -> r.physicalAddressOf(8 * 4096)).reason());
            assertEquals(PagemapException.Reason.IO_ERROR,
                    assertThrows(PagemapException.class, () -> r.physicalAddressOf(100 * 4096)).reason(),
                    "past the end of the file");
        }
        assertTrue(Files.size(file) > 0);
    }

    @Test
    void noPermissionMessageSaysWhatIsNeeded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pagemap");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            entry(ch, 1, PRESENT);
        }
        try (PagemapReader r = PagemapReader.open(file, 4096)) {
            PagemapException e = assertThrows(PagemapException.class, () -> r.physicalAddressOf(4096));
            assertTrue(e.getMessage().contains("CAP_SYS_ADMIN"), e.getMessage());
        }
    }

    @Test
    void readsThisProcessOrSaysWhyNot() throws Exception {
        try (Arena a = Arena.ofConfined(); PagemapReader r = PagemapReader.open()) {
            MemorySegment seg = a.allocate(4096, 4096);
            seg.fill((byte) 1); // make the page present
            try {
                long phys = r.physicalAddress(seg, 123);
                assertEquals(123, phys % 4096, "the page offset is preserved");
                assertTrue(phys > 4096);
                assertTrue(r.isPhysicallyContiguous(seg.asSlice(0, 4096)), "a single page is contiguous");
            } catch (PagemapException e) {
                // Unprivileged (or a container without CAP_SYS_ADMIN): the typed error, nothing else.
                assertEquals(PagemapException.Reason.NO_PERMISSION, e.reason(), e.getMessage());
            }
            assertThrows(IndexOutOfBoundsException.class, () -> r.physicalAddress(seg, 4096));
            assertThrows(IllegalArgumentException.class,
                    () -> r.physicalAddress(MemorySegment.ofArray(new byte[8]), 0));
        }
    }
}
