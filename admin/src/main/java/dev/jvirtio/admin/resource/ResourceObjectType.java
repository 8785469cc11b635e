package dev.jvirtio.admin.resource;

import dev.jvirtio.admin.internal.Wire;

/**
 * A resource object type. Generic types are 0x000-0x1ff, device-type-specific ones 0x200-0x4ff, the rest is
 * reserved. Device-type-specific values mean different things on different device types; the constants here
 * are the virtio-net ones.
 *
 * @param code the wire value, 0..0xffff
 */
public record ResourceObjectType(int code) {
    /** VIRTIO_RESOURCE_OBJ_DEV_PARTS (generic): an object for getting or setting device parts. */
    public static final ResourceObjectType DEV_PARTS = new ResourceObjectType(0x000);
    /** virtio-net flow filter group. */
    public static final ResourceObjectType NET_FF_GROUP = new ResourceObjectType(0x200);
    /** virtio-net flow filter classifier. */
    public static final ResourceObjectType NET_FF_CLASSIFIER = new ResourceObjectType(0x201);
    /** virtio-net flow filter rule. */
    public static final ResourceObjectType NET_FF_RULE = new ResourceObjectType(0x202);
    /** virtio-net IPsec outbound SA (layout not modelled here). */
    public static final ResourceObjectType NET_IPSEC_OUTB_SA = new ResourceObjectType(0x203);
    /** virtio-net IPsec inbound SA (layout not modelled here). */
    public static final ResourceObjectType NET_IPSEC_INB_SA = new ResourceObjectType(0x204);

    /** Validates the range. */
    public ResourceObjectType {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("resource object type must be in 0..0xffff, got " + code);
        }
    }

    /** True for the generic range 0x000-0x1ff. */
    public boolean isGeneric() {
        return code <= 0x1ff;
    }

    /** True for the device-type-specific range 0x200-0x4ff. */
    public boolean isDeviceTypeSpecific() {
        return code >= 0x200 && code <= 0x4ff;
    }

    @Override
    public String toString() {
        return code == 0 ? "DEV_PARTS" : Wire.hex16(code);
    }
}
