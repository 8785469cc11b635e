package dev.jvirtio.vmtests.blk;

import java.io.IOException;

/**
 * A virtio-blk request that did not succeed, typed by {@link Kind}: the device answered with a status
 * other than VIRTIO_BLK_S_OK, reported a used length that does not cover the status byte, did not answer
 * in time, or the driver refused the request before sending it.
 */
public final class BlkException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The device wrote VIRTIO_BLK_S_IOERR (1), e.g. for a sector beyond the capacity. */
        IOERR,
        /** The device wrote VIRTIO_BLK_S_UNSUPP (2): it does not know the request type. */
        UNSUPP,
        /** The device wrote a status byte the spec does not define (the driver pre-fills 0xff). */
        BAD_STATUS,
        /** The used length is not the request's whole device-writable part, so the status cannot be trusted. */
        SHORT_COMPLETION,
        /** No completion before the deadline; the driver is unusable until the device is reset. */
        TIMEOUT,
        /** Refused by the driver before anything reached the device (range, alignment, read-only). */
        REFUSED,
        /** The request succeeded but the data is not what the disk holds there (a block of the bench image). */
        WRONG_DATA
    }

    private final Kind kind;
    private final int type;
    private final long sector;
    private final int status;

    /** A failure of a request of {@code type} at {@code sector}; {@code status} is the raw byte or -1. */
    public BlkException(Kind kind, int type, long sector, int status, String message) {
        super(message);
        this.kind = kind;
        this.type = type;
        this.sector = sector;
        this.status = status;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** The request type (VIRTIO_BLK_T_*). */
    public int type() {
        return type;
    }

    /** The request's first sector. */
    public long sector() {
        return sector;
    }

    /** The status byte the device wrote, or -1 when there is none. */
    public int status() {
        return status;
    }
}
