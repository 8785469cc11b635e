package dev.jvirtio.cli;

/** The target cannot be opened by this build (no VFIO backend yet): {@link ExitCodes#DEVICE_UNAVAILABLE}. */
final class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BackendUnavailableException(String message) {
        super(message);
    }
}
