package dev.jvirtio.virtq;

/**
 * The device wrote something into a driver-side queue that no correct device writes; the queue has marked
 * itself broken and throws this same exception on every further use until {@link Virtqueue#reset}.
 */
public final class VirtqueueBrokenException extends VirtioProtocolException {
    private static final long serialVersionUID = 1L;

    /** What the device did wrong. */
    public enum Fault {
        /** A used element names an id at or above the queue size. */
        USED_ID_OUT_OF_RANGE,
        /** A used element names an id that is not the head (split) or buffer id (packed) of a chain in flight. */
        USED_ID_NOT_IN_FLIGHT,
        /** A used length exceeds the total device-writable length of the chain. */
        USED_LENGTH_TOO_LARGE,
        /** The used idx moved further than the number of chains made available and not yet used (split). */
        USED_IDX_JUMP,
        /**
         * A used element names a chain the driver has added but not yet made available (not yet published):
         * the device cannot have seen it, so it cannot have used it.
         */
        USED_ID_NOT_AVAILABLE
    }

    private final Fault fault;
    private final int queueIndex;
    private final long id;
    private final long value;

    /** Creates the exception; {@code id} and {@code value} are the device-written fields at fault. */
    public VirtqueueBrokenException(Fault fault, int queueIndex, long id, long value, String detail) {
        super("virtqueue " + queueIndex + " broken by the device: " + fault + " (" + detail + ")");
        this.fault = fault;
        this.queueIndex = queueIndex;
        this.id = id;
        this.value = value;
    }

    /** What the device did. */
    public Fault fault() {
        return fault;
    }

    /** Index of the queue. */
    public int queueIndex() {
        return queueIndex;
    }

    /** The device-written id (used idx for {@link Fault#USED_IDX_JUMP}). */
    public long id() {
        return id;
    }

    /** The device-written length (or the pending count for {@link Fault#USED_IDX_JUMP}). */
    public long value() {
        return value;
    }
}
