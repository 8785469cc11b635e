package dev.jvirtio.virtq;

/**
 * Doorbell values (virtio 1.3 section 2.9 / 4.1.5.2). Without VIRTIO_F_NOTIFICATION_DATA the value is the
 * 16-bit notification id (the queue index, or {@code queue_notif_config_data} with NOTIF_CONFIG_DATA).
 * With it, the value is 32 bits: {@code id:16 | next_off:15 | next_wrap:1}.
 */
public final class NotificationData {
    private NotificationData() {
    }

    /**
     * Split ring: next_off is the low 15 bits of the avail idx the driver will write next and next_wrap is
     * its bit 15, so bits 16..31 are simply the 16-bit avail idx.
     */
    public static int split(int notifyId, int availIdx) {
        return (notifyId & 0xffff) | (availIdx & 0xffff) << 16;
    }

    /** Packed ring: next_off is the ring offset of the next descriptor to be made available; next_wrap its wrap counter. */
    public static int packed(int notifyId, int nextOffset, boolean nextWrap) {
        return (notifyId & 0xffff) | (nextOffset & 0x7fff) << 16 | (nextWrap ? 1 << 31 : 0);
    }

    /** The notification id in a value (bits 0..15). */
    public static int id(int value) {
        return value & 0xffff;
    }

    /** next_off of a value (bits 16..30). */
    public static int nextOffset(int value) {
        return (value >>> 16) & 0x7fff;
    }

    /** next_wrap of a value (bit 31). */
    public static boolean nextWrap(int value) {
        return value < 0;
    }
}
