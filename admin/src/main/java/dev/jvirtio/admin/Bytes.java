package dev.jvirtio.admin;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string for the opaque parts of admin structures: device-specific configuration bytes,
 * raw capabilities and resource objects the library does not model, device-type-specific device parts.
 *
 * <p>Value semantics ({@code equals} compares contents), hex {@code toString}, never exposes its array.
 *
 * <pre>{@code
 * Bytes mac = Bytes.ofHex("52540012 3456");
 * mac.length();   // 6
 * }</pre>
 */
public final class Bytes {
    private static final Bytes EMPTY = new Bytes(new byte[0]);
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] data;

    private Bytes(byte[] owned) {
        this.data = owned;
    }

    /** The empty byte string. */
    public static Bytes empty() {
        return EMPTY;
    }

    /** A copy of {@code bytes}. */
    public static Bytes of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    /** Parses hex digits; spaces, underscores and colons between digit pairs are ignored. */
    public static Bytes ofHex(String hex) {
        String digits = hex.replaceAll("[\\s_:]", "");
        return new Bytes(HEX.parseHex(digits));
    }

    /** A copy of {@code length} bytes of {@code src} at {@code offset}. */
    public static Bytes copyOf(MemorySegment src, long offset, int length) {
        if (length == 0) {
            return EMPTY;
        }
        byte[] b = new byte[length];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, b, 0, length);
        return new Bytes(b);
    }

    /** The number of bytes. */
    public int length() {
        return data.length;
    }

    /** True when there are no bytes. */
    public boolean isEmpty() {
        return data.length == 0;
    }

    /** The byte at {@code index}, as an unsigned value 0..255. */
    public int get(int index) {
        return Byte.toUnsignedInt(data[index]);
    }

    /** A copy of the contents. */
    public byte[] toArray() {
        return data.clone();
    }

    /** Copies the contents into {@code dst} at {@code offset}. */
    public void copyTo(MemorySegment dst, long offset) {
        MemorySegment.copy(data, 0, dst, ValueLayout.JAVA_BYTE, offset, data.length);
    }

    /** Lower-case hex digits, no separators. */
    public String toHex() {
        return HEX.formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return data.length <= 64 ? "Bytes[" + toHex() + "]"
                : "Bytes[" + data.length + " bytes: " + HEX.formatHex(data, 0, 32) + "...]";
    }
}
