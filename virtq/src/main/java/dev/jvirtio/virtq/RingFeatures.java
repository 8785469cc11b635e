package dev.jvirtio.virtq;

/**
 * Device-independent feature bits that change how a virtqueue behaves (virtio 1.3 section 6, "Reserved
 * Feature Bits"), as masks for a negotiated 64-bit feature word.
 */
public final class RingFeatures {
    /** VIRTIO_F_INDIRECT_DESC (bit 28): descriptors may point to indirect descriptor tables. */
    public static final long INDIRECT_DESC = 1L << 28;
    /** VIRTIO_F_EVENT_IDX (bit 29): used_event / avail_event (split) and DESC event flags (packed). */
    public static final long EVENT_IDX = 1L << 29;
    /** VIRTIO_F_VERSION_1 (bit 32). */
    public static final long VERSION_1 = 1L << 32;
    /** VIRTIO_F_ACCESS_PLATFORM (bit 33): the device goes through an IOMMU; buffer addresses are IOVAs. */
    public static final long ACCESS_PLATFORM = 1L << 33;
    /** VIRTIO_F_RING_PACKED (bit 34). */
    public static final long RING_PACKED = 1L << 34;
    /** VIRTIO_F_IN_ORDER (bit 35): not supported by this module's queues (they refuse it). */
    public static final long IN_ORDER = 1L << 35;
    /** VIRTIO_F_ORDER_PLATFORM (bit 36): hardware-grade barriers required; see the package notes. */
    public static final long ORDER_PLATFORM = 1L << 36;
    /** VIRTIO_F_NOTIFICATION_DATA (bit 38): 32-bit doorbell values with next_off/next_wrap. */
    public static final long NOTIFICATION_DATA = 1L << 38;
    /** VIRTIO_F_NOTIF_CONFIG_DATA (bit 39): the doorbell carries queue_notif_config_data, not the index. */
    public static final long NOTIF_CONFIG_DATA = 1L << 39;
    /** VIRTIO_F_RING_RESET (bit 40): individual queues can be reset. */
    public static final long RING_RESET = 1L << 40;

    private RingFeatures() {
    }

    /** Whether every bit of {@code mask} is set in {@code features}. */
    public static boolean has(long features, long mask) {
        return (features & mask) == mask;
    }
}
