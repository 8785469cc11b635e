package dev.jvirtio.admin.parts;

import java.lang.foreign.MemorySegment;

/**
 * One device part ({@code struct virtio_dev_part}): a {@link DevicePartHeader} followed by {@code length}
 * value bytes. The common parts are typed records; device-type-specific and unknown parts are kept raw so
 * nothing is lost between a DEV_PARTS_GET on one device and a DEV_PARTS_SET on another.
 *
 * <pre>{@code
 * List<DevicePart> parts = List.of(
 *     DevFeaturesPart.of(FeatureBits.of(1L << 32)),
 *     DrvFeaturesPart.of(FeatureBits.of(1L << 32)),
 *     DeviceStatusPart.of(0x0f));
 * }</pre>
 */
public sealed interface DevicePart
        permits DevFeaturesPart, DrvFeaturesPart, PciCommonCfgPart, DeviceStatusPart, VqCfgPart, VqNotifyCfgPart,
        DeviceTypePart, UnknownPart {

    /** The part type. */
    PartType type();

    /** The flags byte written to the header; bit 0 = OPTIONAL. */
    int flags();

    /** The selector as a little-endian u64 (0 for parts that use none). */
    long selector();

    /** The number of value bytes. */
    int valueLength();

    /** Writes the {@link #valueLength()} value bytes at {@code offset}. */
    void encodeValue(MemorySegment dst, long offset);

    /** True when the part is marked OPTIONAL: a device may ignore it when restoring. */
    default boolean optional() {
        return (flags() & DevicePartHeader.F_OPTIONAL) != 0;
    }

    /** The header this part is written with. */
    default DevicePartHeader header() {
        return new DevicePartHeader(type(), flags(), selector(), valueLength());
    }

    /** Bytes this part occupies in a parts sequence: header plus value. */
    default long encodedLength() {
        return DevicePartHeader.SIZE + (long) valueLength();
    }
}
