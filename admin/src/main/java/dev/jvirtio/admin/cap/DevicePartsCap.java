package dev.jvirtio.admin.cap;

import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_DEV_PARTS_CAP (id 0x0000), {@code struct virtio_dev_parts_cap}: how many device-parts resource
 * objects may exist for getting and for setting parts. The device reports its limits; the driver sets limits
 * no larger (Linux sets both to the smaller of the two).
 *
 * @param getPartsObjectsLimit {@code get_parts_resource_objects_limit}, u8
 * @param setPartsObjectsLimit {@code set_parts_resource_objects_limit}, u8
 */
public record DevicePartsCap(int getPartsObjectsLimit, int setPartsObjectsLimit) implements Capability {
    /** The capability id. */
    public static final int ID = 0x0000;
    /** Length of the structure. */
    public static final int LENGTH = 2;

    /** Decodes this capability. */
    public static final CapabilityKind<DevicePartsCap> KIND = new CapabilityKind<>() {
        @Override
        public int id() {
            return ID;
        }

        @Override
        public String name() {
            return "VIRTIO_DEV_PARTS_CAP";
        }

        @Override
        public int resultCapacity() {
            return 8;
        }

        @Override
        public DevicePartsCap decode(MemorySegment src, int length) {
            return new DevicePartsCap(Wire.u8(src, 0), Wire.u8(src, 1));
        }
    };

    /** Validates the byte ranges. */
    public DevicePartsCap {
        if (getPartsObjectsLimit < 0 || getPartsObjectsLimit > 0xff
                || setPartsObjectsLimit < 0 || setPartsObjectsLimit > 0xff) {
            throw new IllegalArgumentException("device-parts object limits are bytes (0..255), got "
                    + getPartsObjectsLimit + " and " + setPartsObjectsLimit);
        }
    }

    /** True when this driver setting stays within the device's limits. */
    public boolean fitsWithin(DevicePartsCap device) {
        return getPartsObjectsLimit <= device.getPartsObjectsLimit && setPartsObjectsLimit <= device.setPartsObjectsLimit;
    }

    @Override
    public int id() {
        return ID;
    }

    @Override
    public int encodedLength() {
        return LENGTH;
    }

    @Override
    public void encode(MemorySegment dst, long offset) {
        Wire.putU8(dst, offset, getPartsObjectsLimit);
        Wire.putU8(dst, offset + 1, setPartsObjectsLimit);
    }
}
