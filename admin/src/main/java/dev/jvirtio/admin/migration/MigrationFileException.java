package dev.jvirtio.admin.migration;

import java.io.IOException;

/**
 * A device-parts stream that cannot be used: not one of ours, of a version this build does not read, cut
 * short, altered (CRC mismatch), internally inconsistent, or for another device type than the destination.
 * {@link #problem()} says which; the message gives the byte offset and the values found. Nothing is sent to a
 * device when the stream is rejected.
 */
public final class MigrationFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the stream. */
    public enum Problem {
        /** The first 8 bytes are not the format's magic. */
        BAD_MAGIC,
        /** The version field names a format this build does not read. */
        UNSUPPORTED_VERSION,
        /** The stream ends before the length its header announces (plus the CRC). */
        TRUNCATED,
        /** The header's length field is impossible (too large, or the stream goes on past the CRC). */
        BAD_LENGTH,
        /** The CRC32 over header and parts does not match: the bytes were altered. */
        CRC_MISMATCH,
        /** A header field is out of range although the CRC matched (VF number, device type). */
        BAD_HEADER,
        /** The parts do not parse, break the spec's order, or their number differs from the header's count. */
        BAD_PARTS,
        /** The stream was saved from another device type than the destination's. */
        DEVICE_TYPE_MISMATCH
    }

    private final Problem problem;

    /** With a problem and a message. */
    public MigrationFileException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    /** With a problem, a message and a cause. */
    public MigrationFileException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    /** What is wrong. */
    public Problem problem() {
        return problem;
    }
}
