package dev.jvirtio.admin.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian field access and zeroing helpers shared by every admin wire structure.
 *
 * <p>All virtio admin structures are little-endian and packed, and device parts follow each other with no
 * alignment, so every accessor here is the unaligned little-endian variant. Nothing here allocates.
 * This package is not exported from the module.
 */
public final class Wire {
    /** Unaligned little-endian 16-bit layout. */
    public static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Unaligned little-endian 32-bit layout. */
    public static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Unaligned little-endian 64-bit layout. */
    public static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Shared source of zero bytes for bulk clearing without slicing (slicing would allocate a segment). */
    private static final int ZERO_CHUNK = 4096;
    private static final MemorySegment ZEROS = Arena.global().allocate(ZERO_CHUNK, 8).asReadOnly();

    private Wire() {
    }

    /** Rounds {@code n} up to the next multiple of 8, the granule the spec requires for both buffer parts. */
    public static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /** Rounds {@code n} up to the next multiple of 8. */
    public static int align8(int n) {
        return (n + 7) & ~7;
    }

    public static int u8(MemorySegment s, long off) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, off));
    }

    public static int u16(MemorySegment s, long off) {
        return Short.toUnsignedInt(s.get(LE16, off));
    }

    public static long u32(MemorySegment s, long off) {
        return Integer.toUnsignedLong(s.get(LE32, off));
    }

    public static long u64(MemorySegment s, long off) {
        return s.get(LE64, off);
    }

    public static void putU8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    public static void putU16(MemorySegment s, long off, int v) {
        s.set(LE16, off, (short) v);
    }

    public static void putU32(MemorySegment s, long off, long v) {
        s.set(LE32, off, (int) v);
    }

    public static void putU64(MemorySegment s, long off, long v) {
        s.set(LE64, off, v);
    }

    /**
     * Reads a little-endian unsigned value of {@code width} bytes (1..8) starting at {@code off}.
     * Used for fields whose width is only known at run time (legacy config fields, common-cfg parts).
     */
    public static long uN(MemorySegment s, long off, int width) {
        return switch (width) {
            case 1 -> u8(s, off);
            case 2 -> u16(s, off);
            case 4 -> u32(s, off);
            case 8 -> u64(s, off);
            default -> {
                long v = 0;
                for (int i = width - 1; i >= 0; i--) {
                    v = (v << 8) | u8(s, off + i);
                }
                yield v;
            }
        };
    }

    /** Writes the low {@code width} bytes (1..8) of {@code v} little-endian at {@code off}. */
    public static void putUN(MemorySegment s, long off, int width, long v) {
        switch (width) {
            case 1 -> putU8(s, off, (int) v);
            case 2 -> putU16(s, off, (int) v);
            case 4 -> putU32(s, off, v);
            case 8 -> putU64(s, off, v);
            default -> {
                for (int i = 0; i < width; i++) {
                    putU8(s, off + i, (int) (v >>> (8 * i)));
                }
            }
        }
    }

    /** True when {@code v} fits in an unsigned field of {@code width} bytes. */
    public static boolean fitsUnsigned(long v, int width) {
        return width >= 8 || (v >>> (8 * width)) == 0;
    }

    /**
     * Zeroes {@code len} bytes of {@code s} starting at {@code off} without allocating: bulk copies from a
     * shared zero segment instead of {@code asSlice(..).fill(0)}, which would create a segment object.
     */
    public static void zero(MemorySegment s, long off, long len) {
        if (len <= 64) {
            for (long i = 0; i < len; i++) {
                s.set(ValueLayout.JAVA_BYTE, off + i, (byte) 0);
            }
            return;
        }
        long done = 0;
        while (done < len) {
            long n = Math.min(ZERO_CHUNK, len - done);
            MemorySegment.copy(ZEROS, 0, s, off + done, n);
            done += n;
        }
    }

    /** True when every byte of {@code s} in {@code [off, off+len)} is zero. */
    public static boolean allZero(MemorySegment s, long off, long len) {
        for (long i = 0; i < len; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, off + i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Formats a 16-bit code as {@code 0x%04x} without String.format (used only on slow paths anyway). */
    public static String hex16(int v) {
        String h = Integer.toHexString(v & 0xffff);
        return "0x" + "0000".substring(h.length()) + h;
    }
}
