package dev.jvirtio.devicemodel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Bounded little-endian accessors implementing the admin-command buffer rules: a read beyond the end of the
 * device-readable part yields zero bytes, a write beyond the end of the device-writable part is discarded.
 * Allocation-free; segments may have any alignment.
 */
final class Le {
    private Le() {}

    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Reads {@code n} (1..8) bytes at {@code off} as an unsigned little-endian value, zero-extending past the end. */
    static long read(MemorySegment s, long off, int n) {
        long size = s.byteSize();
        if (off >= 0 && off + n <= size) {
            switch (n) {
                case 1: return Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, off));
                case 2: return Short.toUnsignedLong(s.get(U16, off));
                case 4: return Integer.toUnsignedLong(s.get(U32, off));
                case 8: return s.get(U64, off);
                default: break;
            }
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            long p = off + i;
            if (p >= 0 && p < size) {
                v |= Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, p)) << (8 * i);
            }
        }
        return v;
    }

    static int u8(MemorySegment s, long off) {
        return (int) read(s, off, 1);
    }

    static int u16(MemorySegment s, long off) {
        return (int) read(s, off, 2);
    }

    static long u32(MemorySegment s, long off) {
        return read(s, off, 4);
    }

    static long u64(MemorySegment s, long off) {
        return read(s, off, 8);
    }

    /** Writes the low {@code n} (1..8) bytes of {@code v} little-endian at {@code off}, dropping bytes past the end. */
    static void write(MemorySegment s, long off, int n, long v) {
        long size = s.byteSize();
        if (off >= 0 && off + n <= size) {
            switch (n) {
                case 1: s.set(ValueLayout.JAVA_BYTE, off, (byte) v); return;
                case 2: s.set(U16, off, (short) v); return;
                case 4: s.set(U32, off, (int) v); return;
                case 8: s.set(U64, off, v); return;
                default: break;
            }
        }
        for (int i = 0; i < n; i++) {
            long p = off + i;
            if (p >= 0 && p < size) {
                s.set(ValueLayout.JAVA_BYTE, p, (byte) (v >>> (8 * i)));
            }
        }
    }

    /** Source of zero bytes for {@link #zero}; copying from it avoids allocating a slice per call. */
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[4096]);

    /** Zeroes {@code [from, to)} clipped to the segment. */
    static void zero(MemorySegment s, long from, long to) {
        long end = Math.min(to, s.byteSize());
        long p = Math.max(from, 0);
        while (p < end) {
            long n = Math.min(end - p, ZEROS.byteSize());
            MemorySegment.copy(ZEROS, 0, s, p, n);
            p += n;
        }
    }

    /** Copies {@code len} bytes from {@code src@srcOff} to {@code dst@dstOff}, clipped to the destination end. */
    static void copyClipped(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long len) {
        long n = Math.min(len, dst.byteSize() - dstOff);
        if (n > 0) {
            MemorySegment.copy(src, srcOff, dst, dstOff, n);
        }
    }

    /** Copies {@code len} bytes from {@code src@srcOff} into {@code dst@dstOff}, reading zeros past the source end. */
    static void copyZeroExtended(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long len) {
        long avail = Math.max(0, Math.min(len, src.byteSize() - srcOff));
        if (avail > 0) {
            MemorySegment.copy(src, srcOff, dst, dstOff, avail);
        }
        if (avail < len) {
            zero(dst, dstOff + avail, dstOff + len);
        }
    }

    static long roundUp8(long v) {
        return (v + 7) & ~7L;
    }
}
