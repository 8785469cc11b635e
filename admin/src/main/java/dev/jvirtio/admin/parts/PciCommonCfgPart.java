package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_DEV_PART_PCI_COMMON_CFG (0x102): the value of one field of the PCI common configuration, selected by
 * the field's byte offset ({@code selector.pci_common_cfg.offset}).
 *
 * <p>For the fields the spec defines (offsets below 64) the width must match the field; offsets past them are
 * accepted with widths 1, 2, 4 or 8 so parts of newer devices survive.
 *
 * @param offset   byte offset of the field
 * @param width    value length in bytes: 1, 2, 4 or 8
 * @param value    the field value, unsigned, fitting in {@code width} bytes
 * @param optional whether the OPTIONAL flag is set
 */
public record PciCommonCfgPart(int offset, int width, long value, boolean optional) implements DevicePart {
    /** Validates offset, width and value. */
    public PciCommonCfgPart {
        if (offset < 0) {
            throw new IllegalArgumentException("common-cfg offset must be >= 0, got " + offset);
        }
        if (width != 1 && width != 2 && width != 4 && width != 8) {
            throw new IllegalArgumentException("common-cfg part width must be 1, 2, 4 or 8, got " + width);
        }
        PciCommonCfgField f = PciCommonCfgField.at(offset);
        if (f != null && f.width() != width) {
            throw new IllegalArgumentException("common-cfg field " + f + " at offset " + offset + " is "
                    + f.width() + " bytes wide, not " + width);
        }
        if (!Wire.fitsUnsigned(value, width)) {
            throw new IllegalArgumentException("value 0x" + Long.toHexString(value) + " does not fit in " + width
                    + " bytes");
        }
    }

    /** The part for a known field, not optional. */
    public static PciCommonCfgPart of(PciCommonCfgField field, long value) {
        return new PciCommonCfgPart(field.offset(), field.width(), value, false);
    }

    /** The known field this part holds, or {@code null} for an offset past the known fields. */
    public PciCommonCfgField field() {
        return PciCommonCfgField.at(offset);
    }

    @Override
    public PartType type() {
        return PartType.PCI_COMMON_CFG;
    }

    @Override
    public int flags() {
        return optional ? DevicePartHeader.F_OPTIONAL : 0;
    }

    @Override
    public long selector() {
        return Integer.toUnsignedLong(offset); // offset le32, then 4 reserved zero bytes
    }

    @Override
    public int valueLength() {
        return width;
    }

    @Override
    public void encodeValue(MemorySegment dst, long off) {
        Wire.putUN(dst, off, width, value);
    }
}
