package dev.jvirtio.vmtests.blk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which sectors the guest's write tests overwrite, shared by the tests (guest) and the host-side image check.
 *
 * <p>Each test appends its region to the manifest {@code $VMRIG_CTL/blk-writes.txt} <em>before</em> it writes
 * (one line {@code <disk> <tag> <first> <count>}). After the guest is gone, the host checks each disk image
 * byte for byte: sectors of a recorded region must hold {@link WritePattern} under the region's tag, every
 * other sector the original {@link dev.jvirtio.vmtests.DiskPattern}. A full suite run also requires every
 * region of {@link #ALL} in the manifest, so a write test that silently did not run fails the host check.
 */
public final class BlkWritePlan {
    /** File name of the manifest in the control dir. */
    public static final String MANIFEST = "blk-writes.txt";
    /** Disk name of the split-ring device (QEMU serial {@code vmrig-disk}, image {@code disk.img}). */
    public static final String BLK = "blk";
    /** Disk name of the packed-ring device (QEMU serial {@code vmrig-disk-packed}, {@code disk-packed.img}). */
    public static final String BLK_PACKED = "blk-packed";

    /** Sectors {@code first .. first + count - 1} of {@code disk}, written under {@code tag}. */
    public record Region(String disk, String tag, long first, int count) {
        /** Validates. */
        public Region {
            Objects.requireNonNull(disk, "disk");
            if (!disk.matches("[a-z0-9-]{1,32}")) {
                throw new IllegalArgumentException("disk name must be [a-z0-9-]{1,32}: " + disk);
            }
            if (!WritePattern.validTag(tag)) {
                throw new IllegalArgumentException("bad tag: " + tag);
            }
            if (first < 0 || count < 1 || first > Long.MAX_VALUE - count) {
                throw new IllegalArgumentException("bad sector range " + first + "+" + count);
            }
        }

        /** One past the last sector. */
        public long end() {
            return first + count;
        }

        /** Whether {@code sector} lies inside. */
        public boolean contains(long sector) {
            return sector >= first && sector < end();
        }

        /** Whether the two regions share a sector of the same disk. */
        public boolean overlaps(Region o) {
            return disk.equals(o.disk) && first < o.end() && o.first < end();
        }

        /** The manifest line (without the newline). */
        public String toLine() {
            return disk + " " + tag + " " + first + " " + count;
        }
    }

    /** Split ring, completion by polling. */
    public static final Region SPLIT_POLLED = new Region(BLK, "split-poll", 1000, 600);
    /** Split ring, completion by MSI-X. */
    public static final Region SPLIT_MSIX = new Region(BLK, "split-msix", 5000, 300);
    /** Packed ring, completion by polling. */
    public static final Region PACKED_POLLED = new Region(BLK_PACKED, "packed-poll", 1000, 600);
    /** Packed ring, completion by MSI-X. */
    public static final Region PACKED_MSIX = new Region(BLK_PACKED, "packed-msix", 5000, 300);
    /** Everything a full suite run writes. */
    public static final List<Region> ALL = List.of(SPLIT_POLLED, SPLIT_MSIX, PACKED_POLLED, PACKED_MSIX);

    private BlkWritePlan() {}

    /** Appends {@code r} to the manifest in {@code ctlDir} (call it before writing). */
    public static void record(Path ctlDir, Region r) throws IOException {
        Files.writeString(ctlDir.resolve(MANIFEST), r.toLine() + "\n", StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /**
     * Parses manifest text: one region per line, blank lines ignored, identical repeats merged.
     *
     * @throws IllegalArgumentException naming the line, for a malformed line or regions that overlap
     */
    public static List<Region> parse(String text) {
        List<Region> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            Region r;
            try {
                if (f.length != 4) {
                    throw new IllegalArgumentException("expected 4 fields, found " + f.length);
                }
                r = new Region(f[0], f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("manifest line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
            }
            if (out.contains(r)) {
                continue;
            }
            for (Region o : out) {
                if (o.overlaps(r)) {
                    throw new IllegalArgumentException("manifest line " + (i + 1) + ": " + r.toLine()
                            + " overlaps " + o.toLine());
                }
            }
            out.add(r);
        }
        return List.copyOf(out);
    }
}
