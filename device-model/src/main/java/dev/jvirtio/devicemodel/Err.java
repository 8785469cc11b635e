package dev.jvirtio.devicemodel;

/** Packs a failed outcome as {@code status << 16 | qualifier}; 0 means success. Allocation-free error returns. */
final class Err {
    private Err() {}

    static final int OK = 0;

    static int of(int status, int qualifier) {
        return status << 16 | qualifier;
    }

    static int status(int e) {
        return e >>> 16;
    }

    static int qualifier(int e) {
        return e & 0xffff;
    }

    static final int INVALID_FIELD = of(AdminWire.STATUS_EINVAL, AdminWire.Q_INVALID_FIELD);
    static final int INVALID_OPCODE = of(AdminWire.STATUS_EINVAL, AdminWire.Q_INVALID_OPCODE);
    static final int NO_SUCH = of(AdminWire.STATUS_ENXIO, AdminWire.Q_INVALID_FIELD);
    static final int EXISTS = of(AdminWire.STATUS_EEXIST, AdminWire.Q_INVALID_FIELD);
    static final int NO_SPACE = of(AdminWire.STATUS_ENOSPC, AdminWire.Q_NORESOURCE);
    static final int BUSY = of(AdminWire.STATUS_EBUSY, AdminWire.Q_INVALID_COMMAND);
    static final int NO_MEMORY = of(AdminWire.STATUS_ENOMEM, AdminWire.Q_NORESOURCE);
}
