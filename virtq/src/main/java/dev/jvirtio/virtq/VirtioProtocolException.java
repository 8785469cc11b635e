package dev.jvirtio.virtq;

/**
 * The other side of a virtqueue broke the virtio protocol: a device returned something no correct device
 * could ({@link VirtqueueBrokenException}), or a driver published something no correct driver could (the
 * device side's {@code DriverFaultException}). Unchecked: it signals a broken peer, not a condition to
 * retry; recovery is a queue or device reset.
 */
public class VirtioProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming what the peer did. */
    public VirtioProtocolException(String message) {
        super(message);
    }

    /** Creates the exception with a message and a cause. */
    public VirtioProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
