package dev.jvirtio.admin.cap;

import dev.jvirtio.admin.AdminProtocolException;
import dev.jvirtio.admin.internal.Bitmap;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * An immutable set of capability ids, the CAP_ID_LIST_QUERY result ({@code le64 supported_caps[]}, bit
 * {@code n % 64} of word {@code n / 64} = id {@code n}). Decoding accepts trailing zero words and a truncated
 * last word.
 *
 * <pre>{@code
 * CapabilityIdSet caps = ...;
 * if (caps.contains(DevicePartsCap.ID)) { ... }
 * }</pre>
 */
public final class CapabilityIdSet {
    private static final CapabilityIdSet EMPTY = new CapabilityIdSet(Bitmap.empty());

    private final long[] words;

    private CapabilityIdSet(long[] trimmed) {
        this.words = trimmed;
    }

    /** The empty set. */
    public static CapabilityIdSet empty() {
        return EMPTY;
    }

    /** A set of ids. */
    public static CapabilityIdSet of(int... ids) {
        long[] w = Bitmap.empty();
        for (int id : ids) {
            Bitmap.checkId(id, "capability id");
            w = Bitmap.with(w, id);
        }
        return new CapabilityIdSet(Bitmap.trim(w));
    }

    /**
     * Decodes {@code length} bytes at {@code offset}.
     *
     * @throws AdminProtocolException if a bit beyond id 0xffff is set
     */
    public static CapabilityIdSet decode(MemorySegment src, long offset, long length) {
        return new CapabilityIdSet(Bitmap.decode(src, offset, length, word -> new AdminProtocolException(
                "capability bitmap word " + word + " has bits set beyond the 16-bit id space")));
    }

    /** True when {@code id} is in the set. */
    public boolean contains(int id) {
        return Bitmap.contains(words, id);
    }

    /** This set plus {@code id}. */
    public CapabilityIdSet with(int id) {
        Bitmap.checkId(id, "capability id");
        return contains(id) ? this : new CapabilityIdSet(Bitmap.with(words, id));
    }

    /** The number of ids. */
    public int size() {
        return Bitmap.count(words);
    }

    /** True when empty. */
    public boolean isEmpty() {
        return words.length == 0;
    }

    /** The ids in ascending order. */
    public int[] ids() {
        return Bitmap.ids(words);
    }

    /** Bytes {@link #encode} writes (no trailing zero words). */
    public int encodedLength() {
        return words.length * 8;
    }

    /** Writes the words little-endian at {@code offset}; returns the bytes written. */
    public int encode(MemorySegment dst, long offset) {
        return Bitmap.encode(words, dst, offset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapabilityIdSet s && Arrays.equals(words, s.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    /** E.g. {@code [VIRTIO_DEV_PARTS_CAP, 0x0800]}: device-type-specific ids have no unique name. */
    @Override
    public String toString() {
        return Bitmap.describe(words, id -> id == DevicePartsCap.ID ? "VIRTIO_DEV_PARTS_CAP" : Wire.hex16(id));
    }
}
