package dev.jvirtio.transport;

/**
 * Device-independent feature bits (virtio 1.4 section 6, "Reserved Feature Bits") that the
 * transport and the ring engine understand. Device-type bits (0-23, 50-127) are kept as plain bit
 * numbers in a {@link FeatureSet}.
 */
public enum VirtioFeature {
    /** Bit 28: descriptors may point at indirect descriptor tables. */
    INDIRECT_DESC(28),
    /** Bit 29: used_event / avail_event notification suppression. */
    EVENT_IDX(29),
    /** Bit 32: virtio 1.x device; a modern driver must accept it. */
    VERSION_1(32),
    /** Bit 33: the device sits behind an IOMMU / platform translation (normal with VFIO). */
    ACCESS_PLATFORM(33),
    /** Bit 34: packed virtqueue layout. */
    RING_PACKED(34),
    /** Bit 35: buffers are used in the order they were made available. */
    IN_ORDER(35),
    /** Bit 36: the driver must use barriers that order against real hardware. */
    ORDER_PLATFORM(36),
    /** Bit 37: the device supports SR-IOV; must be negotiated before VFs are enabled. */
    SR_IOV(37),
    /** Bit 38: the driver passes extra data (ring position) in each notification. */
    NOTIFICATION_DATA(38),
    /** Bit 39: notifications carry queue_notif_config_data instead of the queue index. */
    NOTIF_CONFIG_DATA(39),
    /** Bit 40: individual queues can be reset through queue_reset. */
    RING_RESET(40),
    /** Bit 41: the device has one or more admin virtqueues (PCI transport). */
    ADMIN_VQ(41),
    /** Bit 43 (virtio 1.4): the device can be suspended through the SUSPEND status bit. */
    SUSPEND(43);

    private final int bit;

    VirtioFeature(int bit) {
        this.bit = bit;
    }

    /** The feature's bit number. */
    public int bit() {
        return bit;
    }

    /** The feature with bit number {@code bit}, or {@code null} if it is not one of these. */
    public static VirtioFeature ofBit(int bit) {
        for (VirtioFeature f : values()) {
            if (f.bit == bit) {
                return f;
            }
        }
        return null;
    }
}
