package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.DmaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

/** Physical-address lookup and the contiguity check of the no-IOMMU backend, on fake page maps. */
class PagemapReaderTest {
    static final long PAGE = 4096;
    static final long PRESENT = 1L << 63;

    @TempDir
    Path tmp;

    /** A fake pagemap whose entries for virtual pages {@code firstPage..} are {@code entries}. */
    Path pagemap(long firstPage, long... entries) throws IOException {
        Path f = tmp.resolve("pagemap-" + firstPage + "-" + entries.length);
        ByteBuffer b = ByteBuffer.allocate(entries.length * 8).order(ByteOrder.nativeOrder());
        for (long e : entries) {
            b.putLong(e);
        }
        b.flip();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(b, firstPage * 8); // sparse file: earlier entries read as zero (not present)
        }
        return f;
    }

    @Test
    void physicalAddressKeepsTheOffsetInsideThePage() throws Exception {
        PagemapReader r = new PagemapReader(pagemap(0x100, PRESENT | 0x12345), PAGE);
        assertEquals(0x12345L * PAGE + 0x678, r.physicalAddress(0x100 * PAGE + 0x678));
    }

    @Test
    void consecutiveFramesAreContiguous() throws Exception {
        PagemapReader r = new PagemapReader(pagemap(0x200, PRESENT | 0x800, PRESENT | 0x801, PRESENT | 0x802,
                PRESENT | 0x803), PAGE);
        assertEquals(0x800L * PAGE, r.contiguousPhysicalAddress(0x200 * PAGE, 4 * PAGE));
        // an unaligned buffer that touches pages 1..3
        assertEquals(0x801L * PAGE + 0x10, r.contiguousPhysicalAddress(0x201 * PAGE + 0x10, 2 * PAGE));
    }

    @Test
    void aGapInTheFramesIsRefusedNamingThePage() throws Exception {
        PagemapReader r = new PagemapReader(pagemap(0x200, PRESENT | 0x800, PRESENT | 0x801, PRESENT | 0x900), PAGE);
        DmaException e = assertThrows(DmaException.class, () -> r.contiguousPhysicalAddress(0x200 * PAGE, 3 * PAGE));
        assertTrue(e.getMessage().contains("not physically contiguous: page 2"), e.getMessage());
        assertTrue(e.getMessage().contains("frame 0x900, expected 0x802"), e.getMessage());
    }

    @Test
    void framesInReverseOrderAreNotContiguous() throws Exception {
        PagemapReader r = new PagemapReader(pagemap(0x10, PRESENT | 0x801, PRESENT | 0x800), PAGE);
        assertThrows(DmaException.class, () -> r.contiguousPhysicalAddress(0x10 * PAGE, 2 * PAGE));
    }

    @Test
    void absentPageIsRefused() throws Exception {
        PagemapReader r = new PagemapReader(pagemap(0x200, PRESENT | 0x800, 0x801), PAGE);
        DmaException e = assertThrows(DmaException.class, () -> r.contiguousPhysicalAddress(0x200 * PAGE, 2 * PAGE));
        assertTrue(e.getMessage().contains("not present"), e.getMessage());
    }

    @Test
    void hiddenFrameNumbersMeanNotRoot() throws Exception {
        PagemapReader r = new PagemapReader(pagemap(0x200, PRESENT), PAGE);
        DmaException e = assertThrows(DmaException.class, () -> r.physicalAddress(0x200 * PAGE));
        assertTrue(e.getMessage().contains("need root"), e.getMessage());
    }

    @Test
    void softDirtyAndExclusiveBitsAreNotPartOfTheFrame() throws Exception {
        // bit 55 soft-dirty, bit 56 exclusively mapped, bit 61 file page: none belongs to the PFN
        PagemapReader r = new PagemapReader(pagemap(1, PRESENT | (1L << 55) | (1L << 56) | (1L << 61) | 0x42), PAGE);
        assertEquals(0x42L * PAGE, r.physicalAddress(PAGE));
    }

    @Test
    void fileEndingEarlyIsAnError() throws Exception {
        PagemapReader r = new PagemapReader(pagemap(0x200, PRESENT | 1), PAGE);
        assertThrows(DmaException.class, () -> r.contiguousPhysicalAddress(0x200 * PAGE, 2 * PAGE));
        assertThrows(DmaException.class, () -> new PagemapReader(tmp.resolve("none"), PAGE).physicalAddress(0));
    }

    @Test
    void liveSelfPagemapForALockedPage() throws Exception {
        // Reads (never writes) this process's own page map; frame numbers are visible to root only.
        PagemapReader r = new PagemapReader();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(PAGE, PAGE);
            page.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 1); // fault it in
            long phys;
            try {
                phys = r.physicalAddress(page.address() + 0x123);
            } catch (DmaException e) {
                assumeTrue(false, "pagemap frame numbers not available here: " + e.getMessage());
                return;
            }
            assertNotEquals(0, phys);
            assertEquals(0x123, phys & (PAGE - 1), "offset within the page is kept");

            NoIommuDmaMapper m = new NoIommuDmaMapper(r);
            long iova = m.iovaFor(page);
            assertEquals(phys - 0x123, iova);
            assertThrows(IllegalArgumentException.class, () -> m.map(page, iova + PAGE, DmaAccess.READ),
                    "without an IOMMU the IOVA is not negotiable");
            m.map(page, iova, DmaAccess.READ_WRITE);
            assertEquals(1, m.mappingCount());
            m.close();
            assertEquals(0, m.mappingCount());
            assertFalse(NoIommuDmaMapper.warnOnce(), "the no-isolation warning is logged once per process");
        }
    }
}
