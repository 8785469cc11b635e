package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_DEV_PART_DEVICE_STATUS (0x103): the device status byte.
 *
 * @param status   the status bits (ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4, FEATURES_OK 8, ...)
 * @param optional whether the OPTIONAL flag is set
 */
public record DeviceStatusPart(int status, boolean optional) implements DevicePart {
    /** Validates the byte range. */
    public DeviceStatusPart {
        if (status < 0 || status > 0xff) {
            throw new IllegalArgumentException("device status must fit in a byte, got " + status);
        }
    }

    /** The part, not optional. */
    public static DeviceStatusPart of(int status) {
        return new DeviceStatusPart(status, false);
    }

    @Override
    public PartType type() {
        return PartType.DEVICE_STATUS;
    }

    @Override
    public int flags() {
        return optional ? DevicePartHeader.F_OPTIONAL : 0;
    }

    @Override
    public long selector() {
        return 0;
    }

    @Override
    public int valueLength() {
        return 1;
    }

    @Override
    public void encodeValue(MemorySegment dst, long offset) {
        Wire.putU8(dst, offset, status);
    }
}
