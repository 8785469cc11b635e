package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * {@code struct virtio_dev_part_hdr}, 16 bytes: {@code part_type} le16 at 0, {@code flags} u8 at 2, a reserved
 * byte, the 8-byte {@code selector} at 4 and the value {@code length} le32 at 12.
 *
 * <p>Used on its own in DEV_PARTS_METADATA_GET (LIST) results and DEV_PARTS_GET (SELECTED) requests. The
 * selector is kept as the little-endian 64-bit number its 8 bytes form: the PCI common-cfg byte offset or the
 * virtqueue index sit in its low bits, device-type-specific selectors are opaque.
 *
 * @param type     the part type
 * @param flags    the flags byte; bit 0 = VIRTIO_DEV_PART_F_OPTIONAL
 * @param selector the selector bytes as a little-endian u64
 * @param length   the value length, 0..0xffffffff
 */
public record DevicePartHeader(PartType type, int flags, long selector, long length) {
    /** Size on the wire. */
    public static final int SIZE = 16;
    /** The OPTIONAL flag (bit 0). */
    public static final int F_OPTIONAL = 1;

    static final int OFF_TYPE = 0;
    static final int OFF_FLAGS = 2;
    static final int OFF_SELECTOR = 4;
    static final int OFF_LENGTH = 12;

    /** Validates the field ranges. */
    public DevicePartHeader {
        if (type == null) {
            throw new NullPointerException("type");
        }
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("flags must fit in a byte, got " + flags);
        }
        if (length < 0 || length > 0xffff_ffffL) {
            throw new IllegalArgumentException("length must fit in 32 bits, got " + length);
        }
    }

    /** A header naming a part to select: no flags, length 0. */
    public static DevicePartHeader select(PartType type, long selector) {
        return new DevicePartHeader(type, 0, selector, 0);
    }

    /** Selects the PCI_COMMON_CFG part for the field at {@code offset}. */
    public static DevicePartHeader selectCommonCfg(int offset) {
        return select(PartType.PCI_COMMON_CFG, Integer.toUnsignedLong(offset));
    }

    /** Selects a per-virtqueue part (VQ_CFG, VQ_NOTIFY_CFG) of queue {@code index}. */
    public static DevicePartHeader selectQueue(PartType type, int index) {
        if (index < 0 || index > 0xffff) {
            throw new IllegalArgumentException("virtqueue index must be in 0..0xffff, got " + index);
        }
        return select(type, index);
    }

    /** True when the OPTIONAL flag is set. */
    public boolean optional() {
        return (flags & F_OPTIONAL) != 0;
    }

    /** Writes the 16 bytes at {@code offset} (the reserved byte is written as zero). */
    public void encode(MemorySegment dst, long offset) {
        Wire.putU16(dst, offset + OFF_TYPE, type.code());
        Wire.putU8(dst, offset + OFF_FLAGS, flags);
        Wire.putU8(dst, offset + OFF_FLAGS + 1, 0);
        Wire.putU64(dst, offset + OFF_SELECTOR, selector);
        Wire.putU32(dst, offset + OFF_LENGTH, length);
    }

    /** Reads 16 bytes at {@code offset}; the reserved byte is ignored. */
    public static DevicePartHeader decode(MemorySegment src, long offset) {
        return new DevicePartHeader(PartType.of(Wire.u16(src, offset + OFF_TYPE)),
                Wire.u8(src, offset + OFF_FLAGS), Wire.u64(src, offset + OFF_SELECTOR),
                Wire.u32(src, offset + OFF_LENGTH));
    }
}
