package dev.jvirtio.vmtests.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvirtio.vmtests.DiskPattern;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Host-side: the write pattern's layout, and that it can never be mistaken for the rig's pattern. */
class WritePatternTest {

    @Test
    void lineLayout() {
        String l = WritePattern.line("split-poll", 1234, 7);
        assertEquals(DiskPattern.LINE_SIZE, l.length());
        assertEquals("JVIRTIO-WROTE-split-poll-SECTOR-0000001234-LINE-7-", l.substring(0, 50));
        assertEquals(".".repeat(13) + "\n", l.substring(50));
    }

    @Test
    void fastSectorEqualsTheLines() {
        for (String tag : new String[] {"a", "split-poll", "packed-msix", "x".repeat(WritePattern.MAX_TAG)}) {
            for (long k : new long[] {0, 1, 9, 10, 4095, 9_999_999_999L}) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < DiskPattern.LINES_PER_SECTOR; j++) {
                    sb.append(WritePattern.line(tag, k, j));
                }
                assertArrayEquals(sb.toString().getBytes(StandardCharsets.US_ASCII), WritePattern.sector(tag, k),
                        tag + " sector " + k);
            }
        }
    }

    @Test
    void sectorsAreConsecutiveSectors() {
        byte[] three = WritePattern.sectors("t", 41, 3);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(WritePattern.sector("t", 41 + i),
                    Arrays.copyOfRange(three, i * DiskPattern.SECTOR_SIZE, (i + 1) * DiskPattern.SECTOR_SIZE));
        }
        assertArrayEquals(DiskPattern.sector(7), Arrays.copyOfRange(DiskPattern.sectors(6, 2), 512, 1024));
    }

    @Test
    void differsFromTheRigPatternAndBetweenTagsInEveryLine() {
        byte[] rig = DiskPattern.sector(5);
        byte[] a = WritePattern.sector("a", 5);
        byte[] b = WritePattern.sector("b", 5);
        for (int j = 0; j < DiskPattern.LINES_PER_SECTOR; j++) {
            int from = j * DiskPattern.LINE_SIZE;
            int to = from + DiskPattern.LINE_SIZE;
            assertFalse(Arrays.equals(rig, from, to, a, from, to), "line " + j);
            assertFalse(Arrays.equals(a, from, to, b, from, to), "line " + j);
        }
    }

    @Test
    void badTagsAndSectorsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> WritePattern.sector("", 0));
        assertThrows(IllegalArgumentException.class, () -> WritePattern.sector("x".repeat(13), 0));
        assertThrows(IllegalArgumentException.class, () -> WritePattern.sector("Upper", 0));
        assertThrows(IllegalArgumentException.class, () -> WritePattern.sector("with space", 0));
        assertThrows(IllegalArgumentException.class, () -> WritePattern.sector("ok", -1));
        assertThrows(IllegalArgumentException.class, () -> WritePattern.line("ok", 0, 8));
    }
}
