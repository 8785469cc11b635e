package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.internal.Wire;

/**
 * A device part type ({@code part_type}). Common types are 0x0000-0x01ff, device-type-specific ones
 * 0x0200-0x05ff, the rest is reserved. Any 16-bit value can be represented so unknown parts survive a round
 * trip; the spec's common types are constants.
 *
 * @param code the wire value, 0..0xffff
 */
public record PartType(int code) {
    /** Device features offered ({@code le64 feature_bits[]}); optional on restore. */
    public static final PartType DEV_FEATURES = new PartType(0x100);
    /** Driver features accepted ({@code le64 feature_bits[]}). */
    public static final PartType DRV_FEATURES = new PartType(0x101);
    /** One field of the PCI common configuration, selected by its byte offset. */
    public static final PartType PCI_COMMON_CFG = new PartType(0x102);
    /** The device status byte. */
    public static final PartType DEVICE_STATUS = new PartType(0x103);
    /** Configuration of one virtqueue, selected by its index. */
    public static final PartType VQ_CFG = new PartType(0x104);
    /** Notification configuration of one virtqueue, selected by its index. */
    public static final PartType VQ_NOTIFY_CFG = new PartType(0x105);
    /** virtio-net: configuration done through one control-virtqueue command (device-type specific). */
    public static final PartType NET_CVQ_CFG = new PartType(0x200);

    /** Validates the range. */
    public PartType {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("part_type must be in 0..0xffff, got " + code);
        }
    }

    /** The part type with wire value {@code code}. */
    public static PartType of(int code) {
        return switch (code) {
            case 0x100 -> DEV_FEATURES;
            case 0x101 -> DRV_FEATURES;
            case 0x102 -> PCI_COMMON_CFG;
            case 0x103 -> DEVICE_STATUS;
            case 0x104 -> VQ_CFG;
            case 0x105 -> VQ_NOTIFY_CFG;
            default -> new PartType(code);
        };
    }

    /** True for 0x0000-0x01ff. */
    public boolean isCommon() {
        return code <= 0x1ff;
    }

    /** True for 0x0200-0x05ff, whose meaning depends on the device type. */
    public boolean isDeviceTypeSpecific() {
        return code >= 0x200 && code <= 0x5ff;
    }

    /** The spec name for the common types, e.g. {@code DEV_FEATURES}; otherwise the hex value. */
    public String name() {
        return switch (code) {
            case 0x100 -> "DEV_FEATURES";
            case 0x101 -> "DRV_FEATURES";
            case 0x102 -> "PCI_COMMON_CFG";
            case 0x103 -> "DEVICE_STATUS";
            case 0x104 -> "VQ_CFG";
            case 0x105 -> "VQ_NOTIFY_CFG";
            default -> Wire.hex16(code);
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
