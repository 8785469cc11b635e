package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_LEGACY_COMMON_CFG_WRITE (0x2): write one legacy common-configuration field of a VF. Data:
 * {@code offset} u8, 7 reserved bytes, then the value in the field's width, little-endian. No result.
 *
 * <p>Not padded (see {@link AdminCommand#padded()}): the device takes the access width from the data length.
 *
 * @param vf    the member
 * @param field the field; must be writable
 * @param value the value, fitting the field's width
 */
public record LegacyCommonCfgWrite(VfNumber vf, LegacyCommonField field, long value) implements AdminCommand<Void> {
    /** Validates writability and range. */
    public LegacyCommonCfgWrite {
        if (vf == null || field == null) {
            throw new NullPointerException("vf and field are required");
        }
        if (!field.writable()) {
            throw new IllegalArgumentException("legacy common-cfg field " + field + " is read-only");
        }
        if (!Wire.fitsUnsigned(value, field.width())) {
            throw new IllegalArgumentException("value 0x" + Long.toHexString(value) + " does not fit the "
                    + field.width() + "-byte field " + field);
        }
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.LEGACY_COMMON_CFG_WRITE;
    }

    @Override
    public GroupType groupType() {
        return GroupType.SR_IOV;
    }

    @Override
    public long memberId() {
        return vf.memberId();
    }

    @Override
    public int dataLength() {
        return 8 + field.width();
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        Wire.putU8(dst, offset, field.offset());
        Wire.putUN(dst, offset + 8, field.width(), value);
    }

    @Override
    public int resultCapacity() {
        return 0;
    }

    @Override
    public Void decodeResult(MemorySegment result, int resultLength) {
        return null;
    }

    @Override
    public boolean padded() {
        return false;
    }
}
