package dev.jvirtio.admin.net;

import dev.jvirtio.admin.AdminProtocolException;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code struct virtio_net_ff_selector}: {@code type} u8 at 0, {@code flags} u8 at 1, 2 reserved bytes,
 * {@code length} u8 at 4, 3 reserved bytes, then {@code length} mask bytes in network byte order. Selectors in
 * an array follow each other with no padding.
 *
 * @param type  the header the mask covers
 * @param flags flags; bit 0 = VIRTIO_NET_FF_MASK_F_PARTIAL_MASK (in a selector capability)
 * @param mask  the mask bytes, at most 255
 */
public record FlowFilterSelector(FlowFilterSelectorType type, int flags, Bytes mask) {
    /** Partial masking supported (capability) for all fields of this selector. */
    public static final int F_PARTIAL_MASK = 1;
    /** Header bytes before the mask. */
    public static final int HEADER = 8;

    /** Validates the field ranges. */
    public FlowFilterSelector {
        if (type == null || mask == null) {
            throw new NullPointerException("type and mask are required");
        }
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("flags is a byte, got " + flags);
        }
        if (mask.length() > 0xff) {
            throw new IllegalArgumentException("mask length is a byte, got " + mask.length());
        }
    }

    /** True when the partial-mask flag is set. */
    public boolean partialMask() {
        return (flags & F_PARTIAL_MASK) != 0;
    }

    /** Bytes this selector occupies. */
    public int encodedLength() {
        return HEADER + mask.length();
    }

    /** Writes the selector at {@code offset} (reserved bytes must already be zero). */
    public void encode(MemorySegment dst, long offset) {
        Wire.putU8(dst, offset, type.code());
        Wire.putU8(dst, offset + 1, flags);
        Wire.putU8(dst, offset + 4, mask.length());
        mask.copyTo(dst, offset + HEADER);
    }

    static int encodedLength(List<FlowFilterSelector> selectors) {
        int n = 0;
        for (FlowFilterSelector s : selectors) {
            n += s.encodedLength();
        }
        return n;
    }

    static void encodeAll(List<FlowFilterSelector> selectors, MemorySegment dst, long offset) {
        long at = offset;
        for (FlowFilterSelector s : selectors) {
            s.encode(dst, at);
            at += s.encodedLength();
        }
    }

    /**
     * Decodes {@code count} selectors from {@code [offset, end)}.
     *
     * @throws AdminProtocolException if a selector header or mask runs past {@code end}
     */
    static List<FlowFilterSelector> decodeAll(MemorySegment src, long offset, long end, int count, String what) {
        List<FlowFilterSelector> out = new ArrayList<>(Math.min(count, 64));
        long at = offset;
        for (int i = 0; i < count; i++) {
            if (end - at < HEADER) {
                throw new AdminProtocolException(what + ": selector " + i + " of " + count
                        + " is truncated (header needs 8 bytes, " + Math.max(0, end - at) + " left)");
            }
            int len = Wire.u8(src, at + 4);
            if (end - at - HEADER < len) {
                throw new AdminProtocolException(what + ": selector " + i + " mask of " + len
                        + " bytes runs past the end of the data");
            }
            out.add(new FlowFilterSelector(new FlowFilterSelectorType(Wire.u8(src, at)), Wire.u8(src, at + 1),
                    Bytes.copyOf(src, at + HEADER, len)));
            at += HEADER + len;
        }
        return Collections.unmodifiableList(out);
    }
}
