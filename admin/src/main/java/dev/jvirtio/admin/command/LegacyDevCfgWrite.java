package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_LEGACY_DEV_CFG_WRITE (0x4): write bytes into a VF's legacy device-specific configuration.
 * Data: {@code offset} u8, 7 reserved bytes, then the bytes. No result.
 *
 * <p>Not padded (see {@link AdminCommand#padded()}): the write width is the data length.
 *
 * @param vf     the member
 * @param offset byte offset in the device-specific configuration, 0..255
 * @param data   the bytes to write, 1..(256 - offset) of them
 */
public record LegacyDevCfgWrite(VfNumber vf, int offset, Bytes data) implements AdminCommand<Void> {
    /** Validates the access range. */
    public LegacyDevCfgWrite {
        if (vf == null || data == null) {
            throw new NullPointerException("vf and data are required");
        }
        LegacyDevCfgRead.checkAccess(offset, data.length());
    }

    /** Writes a {@code width}-byte (1, 2, 4 or 8) little-endian value. */
    public static LegacyDevCfgWrite ofValue(VfNumber vf, int offset, int width, long value) {
        if (width != 1 && width != 2 && width != 4 && width != 8) {
            throw new IllegalArgumentException("width must be 1, 2, 4 or 8, got " + width);
        }
        if (!Wire.fitsUnsigned(value, width)) {
            throw new IllegalArgumentException("value 0x" + Long.toHexString(value) + " does not fit " + width
                    + " bytes");
        }
        byte[] b = new byte[width];
        for (int i = 0; i < width; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        return new LegacyDevCfgWrite(vf, offset, Bytes.of(b));
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.LEGACY_DEV_CFG_WRITE;
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
        return 8 + data.length();
    }

    @Override
    public void encodeData(MemorySegment dst, long off) {
        Wire.putU8(dst, off, offset);
        data.copyTo(dst, off + 8);
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
