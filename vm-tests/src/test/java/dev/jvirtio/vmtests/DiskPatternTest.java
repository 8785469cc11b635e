package dev.jvirtio.vmtests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Host-side: the Java pattern and the image the rig writes (disk-pattern.awk) are byte-identical. */
class DiskPatternTest {

    @Test
    void lineLayout() {
        String l = DiskPattern.line(12, 3);
        assertEquals(DiskPattern.LINE_SIZE, l.length());
        assertEquals("VMRIG-DISK-SECTOR-0000000012-LINE-3-", l.substring(0, 36));
        assertEquals(".".repeat(27) + "\n", l.substring(36));
        assertEquals(DiskPattern.SECTOR_SIZE, DiskPattern.sector(0).length);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DiskPattern.line(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> DiskPattern.line(0, 8));
    }

    @Test
    void matchesTheRigGenerator() throws Exception {
        Path script = Path.of(System.getProperty("vmrig.dir", "rig")).resolve("disk-pattern.awk");
        int sectors = 300;
        Process p = new ProcessBuilder("awk", "-v", "sectors=" + sectors, "-f", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] image = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("awk did not finish");
        }
        assertEquals(0, p.exitValue(), "awk exit status");
        assertEquals(sectors * DiskPattern.SECTOR_SIZE, image.length);
        for (int k = 0; k < sectors; k++) {
            byte[] got = Arrays.copyOfRange(image, k * DiskPattern.SECTOR_SIZE, (k + 1) * DiskPattern.SECTOR_SIZE);
            assertArrayEquals(DiskPattern.sector(k), got,
                    () -> "sector mismatch, awk wrote: " + new String(got, StandardCharsets.US_ASCII));
        }
    }
}
