package dev.jvirtio.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** Hex dumps and number parsing shared by the admin commands. */
final class Hex {
    private Hex() {
    }

    /**
     * Dump lines of {@code length} bytes of {@code seg}: a 4-digit hex offset, two spaces, then up to 16 bytes
     * as two-digit lower-case hex separated by single spaces, e.g. {@code 0000  00 00 01 00}.
     */
    static List<String> dump(MemorySegment seg, long length) {
        List<String> lines = new ArrayList<>();
        for (long off = 0; off < length; off += 16) {
            StringBuilder sb = new StringBuilder(String.format("%04x ", off));
            for (long i = off; i < Math.min(off + 16, length); i++) {
                sb.append(' ').append(String.format("%02x", seg.get(ValueLayout.JAVA_BYTE, i) & 0xff));
            }
            lines.add(sb.toString());
        }
        return lines;
    }

    /** Lower-case hex digits of {@code bytes}, no separators. */
    static String of(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /**
     * Parses a non-negative number written in decimal or with a {@code 0x} prefix in hex.
     *
     * @throws UsageException naming {@code what} if it is not a number or exceeds {@code max}
     */
    static long parse(String text, String what, long max) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT).replace("_", "");
        long v;
        try {
            v = t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new UsageException(what + " '" + text + "' is not a number (decimal or 0x-prefixed hex)");
        }
        if (v < 0 || Long.compareUnsigned(v, max) > 0) {
            throw new UsageException(what + " " + text + " is out of range (0.." + max + ", 0x" + Long.toHexString(max)
                    + ")");
        }
        return v;
    }
}
