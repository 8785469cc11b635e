package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * A device-type-specific part (types 0x0200-0x05ff), kept as received: its meaning depends on the device
 * type (for virtio-net 0x200 is a control-virtqueue command's configuration, selected by class and command).
 *
 * @param type     the part type, in 0x0200-0x05ff
 * @param flags    the flags byte
 * @param selector the 8 selector bytes ({@code device_type_raw}) as a little-endian u64
 * @param value    the value bytes
 */
public record DeviceTypePart(PartType type, int flags, long selector, Bytes value) implements DevicePart {
    /** Validates the type range and flags. */
    public DeviceTypePart {
        if (!type.isDeviceTypeSpecific()) {
            throw new IllegalArgumentException(type + " is not a device-type-specific part type (0x0200-0x05ff)");
        }
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("flags must fit in a byte, got " + flags);
        }
        if (value == null) {
            throw new NullPointerException("value");
        }
    }

    /**
     * A virtio-net control-virtqueue configuration part (0x200): the selector holds {@code class} in byte 0
     * and {@code command} in byte 1.
     */
    public static DeviceTypePart netCvq(int ctrlClass, int command, Bytes value) {
        if (ctrlClass < 0 || ctrlClass > 0xff || command < 0 || command > 0xff) {
            throw new IllegalArgumentException("class and command are bytes");
        }
        return new DeviceTypePart(PartType.NET_CVQ_CFG, 0, ctrlClass | (command << 8), value);
    }

    @Override
    public int valueLength() {
        return value.length();
    }

    @Override
    public void encodeValue(MemorySegment dst, long offset) {
        value.copyTo(dst, offset);
    }
}
