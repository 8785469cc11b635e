package dev.jvirtio.cli;

/**
 * The kernel refused this process (EACCES/EPERM) a sysfs write or a VFIO node: {@link
 * ExitCodes#PERMISSION_DENIED}. The message says which file and what access is needed.
 */
final class PermissionDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PermissionDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
