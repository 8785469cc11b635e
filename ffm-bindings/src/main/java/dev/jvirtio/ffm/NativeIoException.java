package dev.jvirtio.ffm;

import java.io.IOException;
import java.util.Objects;

/**
 * A system call failed; carries the operation, the errno and what it was applied to.
 *
 * <p>The message is one line, for example
 * {@code ioctl(VFIO_GROUP_GET_STATUS) on /dev/vfio/7 failed: EBUSY (Device or resource busy)}.
 * Callers that react to particular failures test {@link #errno()} against {@link Errno} constants.
 *
 * <pre>{@code
 * try {
 *     int fd = Syscalls.open("/dev/vfio/7", Kabi.KABI_O_RDWR() | Kabi.KABI_O_CLOEXEC());
 * } catch (NativeIoException e) {
 *     if (e.errno() == Errno.ENOENT) { ... }   // group not present
 * }
 * }</pre>
 */
public class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String detail;
    private final int errno;
    private final String context;

    /**
     * @param operation the call that failed, e.g. {@code "open"} or {@code "ioctl"}; not null
     * @param detail    what variant of the call, e.g. the ioctl request name; may be null
     * @param errno     the errno captured right after the call
     * @param context   what the call was applied to: a path, a BDF, {@code "fd 12"} ...; may be null
     */
    public NativeIoException(String operation, String detail, int errno, String context) {
        super(format(Objects.requireNonNull(operation, "operation"), detail, errno, context));
        this.operation = operation;
        this.detail = detail;
        this.errno = errno;
        this.context = context;
    }

    /** Same as {@link #NativeIoException(String, String, int, String)} without a detail. */
    public NativeIoException(String operation, int errno, String context) {
        this(operation, null, errno, context);
    }

    private static String format(String operation, String detail, int errno, String context) {
        StringBuilder sb = new StringBuilder(96).append(operation);
        if (detail != null) {
            sb.append('(').append(detail).append(')');
        }
        if (context != null) {
            sb.append(" on ").append(context);
        }
        return sb.append(" failed: ").append(Errno.name(errno))
                .append(" (").append(Errno.describe(errno)).append(')').toString();
    }

    /** The failing call, e.g. {@code "ioctl"}. */
    public String operation() {
        return operation;
    }

    /** The call's variant (for ioctl: the request name), or null. */
    public String detail() {
        return detail;
    }

    /** The raw errno value. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code "EBUSY"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** What the call was applied to (path, BDF, fd ...), or null. */
    public String context() {
        return context;
    }
}
