package dev.jvirtio.vmtests.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.vmtests.blk.BlkWritePlan.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host-side: the write plan is consistent, and the manifest round-trips and rejects nonsense. */
class BlkWritePlanTest {

    @Test
    void plannedRegionsAreDisjointAndFitTheDefaultDisk() {
        for (Region a : BlkWritePlan.ALL) {
            assertTrue(a.first() >= BlkCase.MARGIN, a + " leaves no margin before it");
            assertTrue(a.end() + BlkCase.MARGIN <= dev.jvirtio.vmtests.DiskPattern.DEFAULT_SECTORS, a.toString());
            for (Region b : BlkWritePlan.ALL) {
                if (a != b) {
                    assertFalse(a.overlaps(b), a + " overlaps " + b);
                    assertTrue(!a.tag().equals(b.tag()), "tags are unique");
                }
            }
        }
    }

    @Test
    void recordedRegionsParseBack(@TempDir Path ctl) throws IOException {
        BlkWritePlan.record(ctl, BlkWritePlan.SPLIT_POLLED);
        BlkWritePlan.record(ctl, BlkWritePlan.PACKED_MSIX);
        BlkWritePlan.record(ctl, BlkWritePlan.SPLIT_POLLED); // a repeat is harmless
        List<Region> back = BlkWritePlan.parse(Files.readString(ctl.resolve(BlkWritePlan.MANIFEST)));
        assertEquals(List.of(BlkWritePlan.SPLIT_POLLED, BlkWritePlan.PACKED_MSIX), back);
        assertEquals(List.of(), BlkWritePlan.parse(""));
        assertEquals(List.of(new Region("blk", "t", 3, 4)), BlkWritePlan.parse("\n  blk t 3 4  \n\n"));
    }

    @Test
    void malformedManifestsNameTheLine() {
        for (String bad : new String[] {"blk t 3", "blk t 3 4 5", "blk t x 4", "blk t 3 0", "blk t -1 4",
                "BLK t 3 4", "blk T 3 4", "blk t 3 99999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BlkWritePlan.parse("blk ok 100 1\n" + bad + "\n"), bad);
            assertTrue(e.getMessage().startsWith("manifest line 2"), e.getMessage());
        }
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> BlkWritePlan.parse("blk a 10 10\nblk b 19 5\n"));
        assertTrue(overlap.getMessage().contains("overlaps"), overlap.getMessage());
        assertEquals(3, BlkWritePlan.parse("blk a 10 10\nblk b 20 5\nblk-packed c 10 10\n").size(),
                "adjacent regions and other disks do not overlap");
    }
}
