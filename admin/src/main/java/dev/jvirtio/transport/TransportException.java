package dev.jvirtio.transport;

/**
 * The virtio-PCI transport found the device unusable or misbehaving: a missing or malformed
 * capability, a register beyond the device's structure, a refused feature set, a reset that never
 * completes. The message says which, in the spec's terms.
 */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message. */
    public TransportException(String message) {
        super(message);
    }

    /** With a message and a cause. */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
