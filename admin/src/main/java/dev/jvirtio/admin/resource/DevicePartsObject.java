package dev.jvirtio.admin.resource;

import dev.jvirtio.admin.AdminProtocolException;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_RESOURCE_OBJ_DEV_PARTS data, {@code struct virtio_resource_obj_dev_parts}: {@code type} u8 (0 GET,
 * 1 SET) and 7 reserved bytes. An object is created either for getting or for setting parts, never both.
 *
 * @param mode what the object is for
 */
public record DevicePartsObject(Mode mode) implements ResourceObject {
    /** Encoded length. */
    public static final int LENGTH = 8;

    /** Decodes the QUERY result of a device-parts object. */
    public static final ResourceObjectKind<DevicePartsObject> KIND = new ResourceObjectKind<>() {
        @Override
        public ResourceObjectType type() {
            return ResourceObjectType.DEV_PARTS;
        }

        @Override
        public int resultCapacity() {
            return LENGTH;
        }

        @Override
        public DevicePartsObject decode(MemorySegment src, int length) {
            int code = Wire.u8(src, 0);
            return new DevicePartsObject(switch (code) {
                case 0 -> Mode.GET;
                case 1 -> Mode.SET;
                default -> throw new AdminProtocolException(
                        "device-parts object has type " + code + " (0 GET or 1 SET expected)");
            });
        }
    };

    /** What a device-parts object is for. */
    public enum Mode {
        /** VIRTIO_RESOURCE_OBJ_DEV_PARTS_TYPE_GET (0): capture parts and their metadata. */
        GET,
        /** VIRTIO_RESOURCE_OBJ_DEV_PARTS_TYPE_SET (1): restore parts. */
        SET
    }

    /** Validates the mode. */
    public DevicePartsObject {
        if (mode == null) {
            throw new NullPointerException("mode");
        }
    }

    /** An object for DEV_PARTS_GET and DEV_PARTS_METADATA_GET. */
    public static DevicePartsObject forGet() {
        return new DevicePartsObject(Mode.GET);
    }

    /** An object for DEV_PARTS_SET. */
    public static DevicePartsObject forSet() {
        return new DevicePartsObject(Mode.SET);
    }

    @Override
    public ResourceObjectType type() {
        return ResourceObjectType.DEV_PARTS;
    }

    @Override
    public int encodedLength() {
        return LENGTH;
    }

    @Override
    public void encode(MemorySegment dst, long offset) {
        Wire.putU8(dst, offset, mode.ordinal());
    }
}
