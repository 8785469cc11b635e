package dev.jvirtio.admin.migration;

import dev.jvirtio.admin.VfNumber;

/**
 * A save or restore failed at the device: it refused a command (the cause is then an
 * {@link dev.jvirtio.admin.AdminCommandException} with status and qualifier), the command was not enabled
 * ({@link dev.jvirtio.admin.engine.UnsupportedAdminCommandException}), or the queue failed
 * ({@link dev.jvirtio.admin.engine.AdminQueueException}). {@link #step()} says where it stopped.
 *
 * <p>Resource objects the operation created have been destroyed before this is thrown; if destroying one
 * failed too, that failure is attached as a suppressed exception. A VF stopped by the operation stays
 * stopped: the caller decides whether to resume it.
 */
public final class MigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The step of a save or restore. */
    public enum Step {
        /** DEV_MODE_SET STOPPED. */
        STOP,
        /** DEVICE_CAP_GET / DRIVER_CAP_SET of VIRTIO_DEV_PARTS_CAP. */
        CAPABILITY,
        /** RESOURCE_OBJ_CREATE of a device-parts object (or no free object id). */
        CREATE_OBJECT,
        /** DEV_PARTS_METADATA_GET SIZE. */
        METADATA,
        /** DEV_PARTS_GET ALL. */
        GET_PARTS,
        /** DEV_PARTS_SET. */
        SET_PARTS,
        /** RESOURCE_OBJ_DESTROY of a device-parts object. */
        DESTROY_OBJECT,
        /** DEV_MODE_SET RUNNING. */
        RESUME
    }

    private final Step step;
    private final transient VfNumber vf;

    /** For {@code step} on {@code vf}, with the message and the underlying failure. */
    public MigrationException(Step step, VfNumber vf, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.vf = vf;
    }

    /** Where the operation stopped. */
    public Step step() {
        return step;
    }

    /** The VF it was working on. */
    public VfNumber vf() {
        return vf;
    }
}
