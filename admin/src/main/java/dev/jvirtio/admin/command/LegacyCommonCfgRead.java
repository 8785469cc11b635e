package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_LEGACY_COMMON_CFG_READ (0x3): read one legacy common-configuration field of a VF. Data:
 * {@code offset} u8. Result: the field's bytes, little-endian; the result buffer length is the read width.
 *
 * <p>Not padded (see {@link AdminCommand#padded()}): the device takes the access width from the result
 * buffer length, so a 2-byte field is read with a 2-byte result buffer, as Linux does.
 *
 * @param vf    the member
 * @param field the field
 */
public record LegacyCommonCfgRead(VfNumber vf, LegacyCommonField field) implements AdminCommand<Long> {
    /** Validates the arguments. */
    public LegacyCommonCfgRead {
        if (vf == null || field == null) {
            throw new NullPointerException("vf and field are required");
        }
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.LEGACY_COMMON_CFG_READ;
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
        return 1;
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        Wire.putU8(dst, offset, field.offset());
    }

    @Override
    public int resultCapacity() {
        return field.width();
    }

    @Override
    public Long decodeResult(MemorySegment result, int resultLength) {
        return Wire.uN(result, 0, field.width());
    }

    @Override
    public boolean padded() {
        return false;
    }
}
