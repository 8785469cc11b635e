package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.DmaException;
import dev.jvirtio.dma.PagemapException;
import dev.jvirtio.dma.PagemapReader;
import dev.jvirtio.ffm.Syscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The no-IOMMU contiguity check on fake page maps. The "buffers" are address ranges described by segments
 * that are never dereferenced ({@code Syscalls.segmentAt} at made-up addresses), so the fake map decides what
 * is physically behind them.
 */
class NoIommuDmaMapperTest {
    static final long PAGE = 4096;
    static final long PRESENT = 1L << 63;

    @TempDir
    Path tmp;

    /** A fake pagemap whose entries for virtual pages {@code firstPage..} are {@code entries}. */
    Path pagemap(long firstPage, long... entries) throws IOException {
        Path f = tmp.resolve("pagemap-" + firstPage + "-" + entries.length);
        ByteBuffer b = ByteBuffer.allocate(entries.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long e : entries) {
            b.putLong(e);
        }
        b.flip();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(b, firstPage * 8); // sparse file: entries before read as 0, "not present"
        }
        return f;
    }

    /** A segment describing {@code [vaddr, vaddr + length)}; only its address and size are ever used. */
    static MemorySegment range(long vaddr, long length) {
        return Syscalls.segmentAt(vaddr, length, Arena.global());
    }

    static long check(Path map, MemorySegment buffer) throws DmaException {
        try (PagemapReader r = PagemapReader.open(map, PAGE)) {
            return NoIommuDmaMapper.contiguousPhysicalAddress(r, buffer);
        }
    }

    @Test
    void consecutiveFramesGiveTheFirstPhysicalAddress() throws Exception {
        Path map = pagemap(0x200, PRESENT | 0x800, PRESENT | 0x801, PRESENT | 0x802, PRESENT | 0x803);
        assertEquals(0x800L * PAGE, check(map, range(0x200 * PAGE, 4 * PAGE)));
        // unaligned start, touching pages 1..3: the offset inside the page is kept
        assertEquals(0x801L * PAGE + 0x10, check(map, range(0x201 * PAGE + 0x10, 2 * PAGE)));
    }

    @Test
    void aGapInTheFramesIsRefusedNamingWhere() throws Exception {
        Path map = pagemap(0x200, PRESENT | 0x800, PRESENT | 0x801, PRESENT | 0x900);
        DmaException e = assertThrows(DmaException.class, () -> check(map, range(0x200 * PAGE, 3 * PAGE)));
        assertTrue(e.getMessage().contains("not physically contiguous"), e.getMessage());
        assertTrue(e.getMessage().contains("offset 0x2000 is at physical 0x900000, expected 0x802000"),
                e.getMessage());
    }

    @Test
    void framesInReverseOrderAreNotContiguous() throws Exception {
        Path map = pagemap(0x10, PRESENT | 0x801, PRESENT | 0x800);
        assertThrows(DmaException.class, () -> check(map, range(0x10 * PAGE, 2 * PAGE)));
    }

    @Test
    void absentPageAndHiddenFramesAreReportedWithTheirReason() throws Exception {
        Path absent = pagemap(0x200, PRESENT | 0x800, 0x801);
        PagemapException e = assertThrows(PagemapException.class, () -> check(absent, range(0x200 * PAGE, 2 * PAGE)));
        assertEquals(PagemapException.Reason.NOT_PRESENT, e.reason());
        Path hidden = pagemap(0x300, PRESENT, PRESENT);
        assertEquals(PagemapException.Reason.NO_PERMISSION,
                assertThrows(PagemapException.class, () -> check(hidden, range(0x300 * PAGE, PAGE))).reason());
    }

    @Test
    void aSinglePageBufferNeedsOnlyItsOwnEntry() throws Exception {
        Path map = pagemap(0x40, PRESENT | 0x77);
        assertEquals(0x77L * PAGE + 0x100, check(map, range(0x40 * PAGE + 0x100, 0x100)));
    }

    @Test
    void liveSelfPagemapForALockedPage() throws Exception {
        // Reads (never writes) this process's own page map; frame numbers are visible to root only.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(PAGE, PAGE);
            page.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            NoIommuDmaMapper m = new NoIommuDmaMapper(PagemapReader.open());
            long iova;
            try {
                iova = m.iovaFor(page);
            } catch (DmaException e) {
                m.close();
                assumeTrue(false, "physical addresses not available here: " + e.getMessage());
                return;
            }
            assertNotEquals(0, iova);
            assertEquals(0, iova & (PAGE - 1), "a page-aligned buffer has a page-aligned physical address");
            assertThrows(IllegalArgumentException.class, () -> m.map(page, iova + PAGE, DmaAccess.READ),
                    "without an IOMMU the IOVA is not negotiable");
            assertEquals(0, m.mappingCount());
            m.map(page, iova, DmaAccess.READ_WRITE);
            assertEquals(1, m.mappingCount());
            m.close();
            assertEquals(0, m.mappingCount());
            assertThrows(IllegalStateException.class, () -> m.map(page, iova, DmaAccess.READ));
            assertFalse(NoIommuDmaMapper.warnOnce(), "the no-isolation warning is logged once per process");
        }
    }
}
