package dev.jvirtio.transport;

/**
 * The device has no usable admin virtqueue: VIRTIO_F_ADMIN_VQ (bit 41) was not offered or not
 * negotiated, the common configuration is too short to hold admin_queue_index/admin_queue_num, or
 * admin_queue_num is 0. The message says which.
 */
public final class AdminQueueUnavailableException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** With the reason. */
    public AdminQueueUnavailableException(String message) {
        super(message);
    }
}
