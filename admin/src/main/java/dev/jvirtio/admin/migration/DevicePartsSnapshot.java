package dev.jvirtio.admin.migration;

import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartsWriter;
import dev.jvirtio.pci.VirtioDeviceType;
import java.util.List;
import java.util.Objects;

/**
 * The device parts of one VF as read by DEV_PARTS_GET ALL, with where they came from: what a migration stream
 * carries. Typed parts are decoded; device-type-specific and unknown parts are kept verbatim, so writing the
 * snapshot back reproduces the device's wire bytes.
 *
 * <pre>{@code
 * DevicePartsSnapshot s = migrator.save(VfNumber.of(1));
 * s.parts().size();          // e.g. 14
 * s.encodedLength();         // bytes of the parts in the spec's wire format
 * }</pre>
 *
 * @param vf         the VF the parts were read from
 * @param deviceType the Virtio Device ID of the source (1 net, 2 block, ...), or {@link #UNKNOWN_TYPE}
 * @param parts      the parts, in the order the device returned them (the spec's mandatory order)
 */
public record DevicePartsSnapshot(VfNumber vf, int deviceType, List<DevicePart> parts) {
    /** Device type value meaning "not known". */
    public static final int UNKNOWN_TYPE = 0;

    /** Validates and copies the list. */
    public DevicePartsSnapshot {
        Objects.requireNonNull(vf, "vf");
        if (deviceType < 0 || deviceType > 0xffff) {
            throw new IllegalArgumentException("device type must be a Virtio Device ID (0..65535), got " + deviceType);
        }
        parts = List.copyOf(parts);
    }

    /** Bytes the parts occupy in the spec's wire format (headers and values, no padding). */
    public long encodedLength() {
        return DevicePartsWriter.encodedLength(parts);
    }

    /** The device type's name ("network", "block", ...), {@code unknown} if not known. */
    public String deviceTypeName() {
        if (deviceType == UNKNOWN_TYPE) {
            return "unknown";
        }
        VirtioDeviceType t = VirtioDeviceType.fromId(deviceType);
        return t == VirtioDeviceType.UNKNOWN ? "unknown(" + deviceType + ")" : t.shortName();
    }
}
