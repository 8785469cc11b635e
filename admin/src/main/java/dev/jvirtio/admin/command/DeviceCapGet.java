package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.cap.Capability;
import dev.jvirtio.admin.cap.CapabilityKind;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_DEVICE_CAP_GET (0x8, self group): the device's value of one capability. Data: {@code id}
 * le16, 6 reserved bytes. Result: the capability, decoded by {@code kind}.
 *
 * @param kind what to get and how to decode it
 * @param <C>  the capability type
 */
public record DeviceCapGet<C extends Capability>(CapabilityKind<C> kind) implements AdminCommand<C> {
    /** Validates the argument. */
    public DeviceCapGet {
        if (kind == null) {
            throw new NullPointerException("kind");
        }
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.DEVICE_CAP_GET;
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
        return 8;
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        Wire.putU16(dst, offset, kind.id());
    }

    @Override
    public int resultCapacity() {
        return kind.resultCapacity();
    }

    @Override
    public C decodeResult(MemorySegment result, int resultLength) {
        return kind.decode(result, resultLength);
    }
}
