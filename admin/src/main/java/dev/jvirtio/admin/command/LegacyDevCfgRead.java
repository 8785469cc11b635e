package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_LEGACY_DEV_CFG_READ (0x5): read {@code length} bytes of a VF's legacy device-specific
 * configuration at {@code offset} (relative to the start of the device-specific area). The access must cover
 * exactly one field of the device type's configuration; the device checks that. Result: the bytes.
 *
 * <p>Not padded (see {@link AdminCommand#padded()}): the read width is the result buffer length.
 *
 * @param vf     the member
 * @param offset byte offset in the device-specific configuration, 0..255
 * @param length bytes to read, 1..(256 - offset)
 */
public record LegacyDevCfgRead(VfNumber vf, int offset, int length) implements AdminCommand<Bytes> {
    /** Validates the access range. */
    public LegacyDevCfgRead {
        if (vf == null) {
            throw new NullPointerException("vf");
        }
        checkAccess(offset, length);
    }

    static void checkAccess(int offset, int length) {
        if (offset < 0 || offset > 0xff) {
            throw new IllegalArgumentException("legacy device-cfg offset is a byte (0..255), got " + offset);
        }
        if (length < 1 || length > 0x100 - offset) {
            throw new IllegalArgumentException("legacy device-cfg access of " + length + " bytes at offset "
                    + offset + " must be 1.." + (0x100 - offset) + " bytes");
        }
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.LEGACY_DEV_CFG_READ;
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
    public void encodeData(MemorySegment dst, long off) {
        Wire.putU8(dst, off, offset);
    }

    @Override
    public int resultCapacity() {
        return length;
    }

    @Override
    public Bytes decodeResult(MemorySegment result, int resultLength) {
        return Bytes.copyOf(result, 0, length);
    }

    @Override
    public boolean padded() {
        return false;
    }
}
