package dev.jvirtio.cli;

/**
 * The device named on the command line cannot be used the way the command needs (not bound to vfio-pci, no
 * IOMMU group, VFIO missing or busy, not a virtio function, vfio-pci did not bind): {@link
 * ExitCodes#DEVICE_UNAVAILABLE}. The message says what to do about it.
 */
final class DeviceUnusableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeviceUnusableException(String message, Throwable cause) {
        super(message, cause);
    }
}
