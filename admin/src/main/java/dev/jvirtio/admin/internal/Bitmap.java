package dev.jvirtio.admin.internal;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Operations on the spec's "array of le64 words, bit n = id n" bitmaps over a 16-bit id space (admin
 * opcodes, capability ids). Arrays handled here are always trimmed: no trailing zero words, so two equal
 * sets have equal arrays. Not exported.
 */
public final class Bitmap {
    /** Ids are 16-bit, so 1024 words cover every possible id. */
    public static final int MAX_WORDS = 1024;
    public static final int MAX_ID = 0xffff;

    private static final long[] EMPTY = new long[0];

    private Bitmap() {
    }

    public static long[] empty() {
        return EMPTY;
    }

    public static void checkId(int id, String what) {
        if (id < 0 || id > MAX_ID) {
            throw new IllegalArgumentException(what + " must be in 0..0xffff, got " + id);
        }
    }

    /** Drops trailing zero words so equal sets compare equal. */
    public static long[] trim(long[] w) {
        int n = w.length;
        while (n > 0 && w[n - 1] == 0) {
            n--;
        }
        return n == w.length ? w : Arrays.copyOf(w, n);
    }

    public static boolean contains(long[] w, int id) {
        if (id < 0 || id > MAX_ID) {
            return false;
        }
        int word = id >>> 6;
        return word < w.length && (w[word] & (1L << (id & 63))) != 0;
    }

    public static long[] with(long[] w, int id) {
        int word = id >>> 6;
        long[] r = Arrays.copyOf(w, Math.max(w.length, word + 1));
        r[word] |= 1L << (id & 63);
        return r;
    }

    public static long[] without(long[] w, int id) {
        int word = id >>> 6;
        if (word >= w.length) {
            return w;
        }
        long[] r = w.clone();
        r[word] &= ~(1L << (id & 63));
        return trim(r);
    }

    public static long[] and(long[] a, long[] b) {
        long[] r = new long[Math.min(a.length, b.length)];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] & b[i];
        }
        return trim(r);
    }

    public static long[] or(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a.length >= b.length ? a : b, Math.max(a.length, b.length));
        long[] other = a.length >= b.length ? b : a;
        for (int i = 0; i < other.length; i++) {
            r[i] |= other[i];
        }
        return r;
    }

    public static int count(long[] w) {
        int c = 0;
        for (long x : w) {
            c += Long.bitCount(x);
        }
        return c;
    }

    public static int[] ids(long[] w) {
        int[] r = new int[count(w)];
        int k = 0;
        for (int i = 0; i < w.length; i++) {
            long x = w[i];
            while (x != 0) {
                int bit = Long.numberOfTrailingZeros(x);
                r[k++] = (i << 6) | bit;
                x &= x - 1;
            }
        }
        return r;
    }

    /** Writes the words little-endian at {@code off}; returns the number of bytes written. */
    public static int encode(long[] w, MemorySegment dst, long off) {
        for (int i = 0; i < w.length; i++) {
            Wire.putU64(dst, off + 8L * i, w[i]);
        }
        return w.length * 8;
    }

    /**
     * Reads a bitmap of {@code len} bytes. A trailing partial word (a truncated result) reads its missing
     * bytes as zero, as the spec requires for anything past the used length. Words past id 0xffff must be
     * zero: a set bit there cannot name any id and is reported through {@code error}.
     */
    public static long[] decode(MemorySegment src, long off, long len, IntFunction<RuntimeException> error) {
        if (len < 0) {
            throw new IllegalArgumentException("negative length " + len);
        }
        long fullWords = len >>> 3;
        int tail = (int) (len & 7);
        int kept = (int) Math.min(fullWords + (tail > 0 ? 1 : 0), MAX_WORDS);
        long[] w = new long[kept];
        for (long i = 0; i < fullWords; i++) {
            long v = Wire.u64(src, off + 8 * i);
            if (i < MAX_WORDS) {
                w[(int) i] = v;
            } else if (v != 0) {
                throw error.apply((int) Math.min(i, Integer.MAX_VALUE));
            }
        }
        if (tail > 0) {
            long v = Wire.uN(src, off + 8 * fullWords, tail);
            if (fullWords < MAX_WORDS) {
                w[(int) fullWords] = v;
            } else if (v != 0) {
                throw error.apply((int) Math.min(fullWords, Integer.MAX_VALUE));
            }
        }
        return trim(w);
    }

    public static String describe(long[] w, IntFunction<String> name) {
        StringBuilder sb = new StringBuilder("[");
        int[] ids = ids(w);
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(name.apply(ids[i]));
        }
        return sb.append(']').toString();
    }
}
