package dev.jvirtio.vmtests.blk;

import dev.jvirtio.vmtests.DiskPattern;

/**
 * The pattern the guest's write tests put on the disk, in the same shape as {@link DiskPattern} (8 lines of
 * 64 bytes per sector) but with different text, so that the host can tell written sectors from untouched
 * ones byte for byte: line j of sector k written under {@code tag} reads
 * {@code JVIRTIO-WROTE-<tag>-SECTOR-<k, 10 digits>-LINE-<j>-}, padded with '.' to 63 bytes, then '\n'.
 * The tag names the test that wrote it, so a write that lands in another test's region is caught too.
 */
public final class WritePattern {
    /** Longest tag that still fits a 64-byte line. */
    public static final int MAX_TAG = 12;

    private WritePattern() {}

    /** Whether {@code tag} is usable: 1 to 12 characters of [a-z0-9-]. */
    public static boolean validTag(String tag) {
        return tag != null && tag.matches("[a-z0-9-]{1," + MAX_TAG + "}");
    }

    /** Line {@code j} of sector {@code k} written under {@code tag}, 64 bytes including the newline. */
    public static String line(String tag, long sector, int line) {
        if (!validTag(tag)) {
            throw new IllegalArgumentException("tag must be 1-" + MAX_TAG + " chars of [a-z0-9-]: " + tag);
        }
        if (sector < 0 || sector > 9_999_999_999L) {
            throw new IllegalArgumentException("sector out of range: " + sector);
        }
        if (line < 0 || line >= DiskPattern.LINES_PER_SECTOR) {
            throw new IllegalArgumentException("line out of range: " + line);
        }
        StringBuilder sb = new StringBuilder(DiskPattern.LINE_SIZE);
        sb.append("JVIRTIO-WROTE-").append(tag).append("-SECTOR-").append(String.format("%010d", sector))
                .append("-LINE-").append(line).append('-');
        while (sb.length() < DiskPattern.LINE_SIZE - 1) {
            sb.append('.');
        }
        return sb.append('\n').toString();
    }

    /** The 512 bytes of sector {@code k} written under {@code tag}. */
    public static byte[] sector(String tag, long sector) {
        if (!validTag(tag)) {
            throw new IllegalArgumentException("tag must be 1-" + MAX_TAG + " chars of [a-z0-9-]: " + tag);
        }
        return DiskPattern.render("JVIRTIO-WROTE-" + tag + "-", sector);
    }

    /** Sectors {@code first .. first + count - 1} written under {@code tag}, back to back. */
    public static byte[] sectors(String tag, long first, int count) {
        byte[] out = new byte[Math.multiplyExact(count, DiskPattern.SECTOR_SIZE)];
        for (int i = 0; i < count; i++) {
            System.arraycopy(sector(tag, first + i), 0, out, i * DiskPattern.SECTOR_SIZE, DiskPattern.SECTOR_SIZE);
        }
        return out;
    }
}
