package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.cap.Capability;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_DRIVER_CAP_SET (0x9, self group): tell the device which part of a capability the driver
 * uses (limits no larger, flags and entries only out of what DEVICE_CAP_GET reported). Data: {@code id} le16,
 * 6 reserved bytes, then the capability. No result.
 *
 * @param capability the driver's capability value
 */
public record DriverCapSet(Capability capability) implements AdminCommand<Void> {
    /** Validates the argument. */
    public DriverCapSet {
        if (capability == null) {
            throw new NullPointerException("capability");
        }
        if (capability.id() < 0 || capability.id() > 0xffff) {
            throw new IllegalArgumentException("capability id must be in 0..0xffff, got " + capability.id());
        }
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.DRIVER_CAP_SET;
    }

    @Override
    public GroupType groupType() {
        return GroupType.SELF;
    }

    @Override
    public long memberId() {
        return 0;
    }

    @Override
    public int dataLength() {
        return 8 + capability.encodedLength();
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        Wire.putU16(dst, offset, capability.id());
        capability.encode(dst, offset + 8);
    }

    @Override
    public int resultCapacity() {
        return 0;
    }

    @Override
    public Void decodeResult(MemorySegment result, int resultLength) {
        return null;
    }
}
