package dev.jvirtio.admin.engine;

/**
 * A command did not complete because of the queue, not the device's answer: it timed out, was
 * abandoned by a queue or device reset, the device broke the ring protocol, or the device is gone.
 * {@link #reason()} says which; the message names the command and the cause.
 */
public class AdminQueueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the command did not complete. */
    public enum Reason {
        /** No completion within the deadline. */
        TIMEOUT,
        /** The queue (or device) was reset while the command was in flight; it may or may not have run. */
        ABANDONED,
        /** The device wrote an impossible used element; the queue needs a reset. */
        QUEUE_BROKEN,
        /** The device reads all-ones or set DEVICE_NEEDS_RESET. */
        DEVICE_FAILED,
        /** The queue or client was closed. */
        CLOSED
    }

    private final Reason reason;
    /** For TIMEOUT: the queue's reset count when the command timed out (engine-internal), else -1. */
    final transient long resetsAtTimeout;

    /** With a reason and a message. */
    public AdminQueueException(Reason reason, String message) {
        super(message);
        this.reason = reason;
        this.resetsAtTimeout = -1;
    }

    AdminQueueException(String message, long resetsAtTimeout) {
        super(message);
        this.reason = Reason.TIMEOUT;
        this.resetsAtTimeout = resetsAtTimeout;
    }

    /** With a reason, a message and a cause. */
    public AdminQueueException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.resetsAtTimeout = -1;
    }

    /** Why the command did not complete. */
    public Reason reason() {
        return reason;
    }
}
