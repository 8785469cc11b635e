package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.AdminProtocolException;

/**
 * A device-parts sequence is malformed: truncated, inconsistent, or (when checking was requested) out of the
 * spec's mandatory order. Says which part, at which byte offset of the sequence, and what is wrong.
 */
public final class DevicePartsFormatException extends AdminProtocolException {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Problem {
        /** Fewer than 16 bytes left where a part header should start (and they are not zero padding). */
        TRUNCATED_HEADER,
        /** The header's length runs past the end of the sequence. */
        VALUE_PAST_END,
        /** The length does not match what the part type prescribes. */
        BAD_LENGTH,
        /** The selector is not valid for the part type (e.g. a common-cfg offset inside a field). */
        BAD_SELECTOR,
        /** A part appears after one that the spec orders after it. */
        OUT_OF_ORDER,
        /** A part that may occur once (per selector) occurs again. */
        DUPLICATE,
        /** Writing: the destination has no room for the part. */
        NO_ROOM
    }

    private final Problem problem;
    private final int partIndex;
    private final long offset;

    /**
     * Creates the exception.
     *
     * @param problem   what is wrong
     * @param partIndex 0-based index of the offending part in the sequence
     * @param offset    byte offset of the offending part's header within the sequence
     * @param detail    a human-readable explanation
     */
    public DevicePartsFormatException(Problem problem, int partIndex, long offset, String detail) {
        super("device part " + partIndex + " at byte " + offset + ": " + problem + ": " + detail);
        this.problem = problem;
        this.partIndex = partIndex;
        this.offset = offset;
    }

    /** What is wrong. */
    public Problem problem() {
        return problem;
    }

    /** 0-based index of the offending part. */
    public int partIndex() {
        return partIndex;
    }

    /** Byte offset of the offending part's header within the sequence. */
    public long offset() {
        return offset;
    }
}
