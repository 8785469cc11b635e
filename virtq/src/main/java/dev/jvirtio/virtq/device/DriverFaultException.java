package dev.jvirtio.virtq.device;

import dev.jvirtio.virtq.VirtioProtocolException;

/**
 * The driver published something no correct driver publishes. Thrown by the device side of a queue, which
 * then refuses further work until reset; a device model turns this into DEVICE_NEEDS_RESET.
 */
public final class DriverFaultException extends VirtioProtocolException {
    private static final long serialVersionUID = 1L;

    /** The rule the driver broke. */
    public enum Violation {
        /** Split: avail idx moved more than the queue size past the device's position. */
        AVAIL_IDX_JUMP,
        /** Split: an available ring entry names a descriptor index >= queue size. */
        HEAD_OUT_OF_RANGE,
        /** A {@code next} field (ring or indirect table) points outside the table. */
        NEXT_OUT_OF_RANGE,
        /** A chain is longer than allowed (queue size, or the indirect table): a loop or an oversize chain. */
        DESCRIPTOR_LOOP,
        /** VIRTQ_DESC_F_INDIRECT used without VIRTIO_F_INDIRECT_DESC. */
        INDIRECT_NOT_NEGOTIATED,
        /** INDIRECT and NEXT set in the same descriptor. */
        INDIRECT_WITH_NEXT,
        /** Packed: an indirect descriptor inside a NEXT-linked list. */
        INDIRECT_IN_CHAIN,
        /** An indirect table length that is zero, not a multiple of 16, or longer than the queue size allows. */
        INDIRECT_TABLE_LENGTH,
        /** An INDIRECT flag inside an indirect table. */
        NESTED_INDIRECT,
        /** A device-readable buffer after a device-writable one. */
        READABLE_AFTER_WRITABLE,
        /** A chain of 2^32 bytes or more. */
        CHAIN_TOO_LARGE,
        /** A head (split) or buffer id (packed) made available again while the device still holds it. */
        ID_IN_USE,
        /** Packed: a NEXT flag leads to a descriptor that is not available. */
        CHAIN_NOT_AVAILABLE,
        /** A buffer or indirect table IOVA the IOMMU refuses. */
        UNMAPPED_BUFFER,
        /** A ring area IOVA the IOMMU refuses. */
        UNMAPPED_RING
    }

    private final Violation violation;
    private final long where;

    /** Creates the exception; {@code where} is the offending index, id or address. */
    public DriverFaultException(Violation violation, long where, String detail, Throwable cause) {
        super("driver fault " + violation + " at " + where + ": " + detail, cause);
        this.violation = violation;
        this.where = where;
    }

    /** The rule the driver broke. */
    public Violation violation() {
        return violation;
    }

    /** The offending descriptor index, buffer id or address. */
    public long where() {
        return where;
    }
}
