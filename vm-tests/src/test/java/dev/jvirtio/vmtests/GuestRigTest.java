package dev.jvirtio.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Guest: the environment later VFIO tests rely on (hugepages for DMA memory, a writable project tree). */
@Tag(Guest.TAG)
class GuestRigTest {

    @BeforeEach
    void onlyInGuest() {
        Guest.assumeGuest();
    }

    @Test
    void hugepagesAreReservedAndMounted() throws IOException {
        long want = Long.parseLong(Guest.require(Guest.HUGEPAGES_VAR));
        assertTrue(want > 0, "rig started without hugepages");
        long total = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("HugePages_Total:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim()))
                .findFirst().orElse(-1);
        assertEquals(want, total, "HugePages_Total");
        List<String> mounts = Files.readAllLines(Path.of("/proc/mounts"));
        assertTrue(mounts.stream().anyMatch(l -> l.matches("\\S+ /dev/hugepages hugetlbfs .*")),
                "/dev/hugepages is not a hugetlbfs mount");
    }

    @Test
    void projectTreeIsWritable() throws IOException {
        Path dir = Path.of("target");
        Files.createDirectories(dir);
        Path f = Files.createTempFile(dir, "vmrig-", ".probe");
        try {
            Files.writeString(f, "guest");
            assertEquals("guest", Files.readString(f));
        } finally {
            Files.delete(f);
        }
    }
}
