package dev.jvirtio.virtq;

/**
 * Where a driver-side queue sends available-buffer notifications (the transport's notify register).
 *
 * <p>The queue computes the value (see {@link NotificationData}): when VIRTIO_F_NOTIFICATION_DATA is
 * negotiated all 32 bits are meaningful and the transport writes a 32-bit value; otherwise only the low
 * 16 bits are meaningful and the transport writes exactly 16 bits. Implementations must not allocate; the
 * call happens on the hot path at most once per published batch.
 */
@FunctionalInterface
public interface Doorbell {
    /** A doorbell that does nothing (device polls the ring, or tests that count notify decisions). */
    Doorbell NONE = value -> { };

    /** Notifies the device. */
    void ring(int value);
}
