package dev.jvirtio.pci.vfio;

import dev.jvirtio.pci.PciAddress;

import java.io.IOException;
import java.util.Objects;

/**
 * Setting up or using a VFIO device failed for a reason the caller (or the person running it) can act on.
 *
 * <p>{@link #kind()} says which problem it is, so code can react (for example fall back to the software
 * device model when there is no IOMMU); the message says it in words, names the function and, where
 * possible, the fix:
 * <pre>{@code
 * try (VfioPciFunction f = VfioPciFunction.open(bdf, VfioOptions.defaults())) { ... }
 * catch (VfioException e) {
 *     if (e.kind() == VfioException.Kind.NOT_BOUND_TO_VFIO) { ... offer Takeover.bind ... }
 * }
 * }</pre>
 * The underlying system call failure, if any, is the {@linkplain #getCause() cause}.
 */
public class VfioException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** No PCI function with this address exists in sysfs. */
        NO_SUCH_FUNCTION,
        /** The function is not bound to vfio-pci (bound to another driver or to none). */
        NOT_BOUND_TO_VFIO,
        /** The function has no IOMMU group: the kernel runs without an IOMMU (and without noiommu mode). */
        NO_IOMMU_GROUP,
        /** The VFIO device nodes are missing: the vfio modules are not loaded or /dev is not populated. */
        VFIO_UNAVAILABLE,
        /** A VFIO node exists but this process may not open it (EACCES/EPERM). */
        PERMISSION_DENIED,
        /** The IOMMU group holds functions bound to drivers other than vfio-pci. */
        GROUP_NOT_VIABLE,
        /** The group or device is already in use (EBUSY): another process or container holds it. */
        BUSY,
        /**
         * vfio-pci refused the SR-IOV VF token (EACCES when getting or binding the device): a VF of a vfio-pci
         * PF was opened without a token or with one other than the PF's owner set, or a PF whose VFs are in
         * use was opened without the token they use.
         */
        VF_TOKEN_REJECTED,
        /** The kernel lacks something required: API version, IOMMU type, backend, capability. */
        UNSUPPORTED,
        /** Only a no-IOMMU group exists, but the options did not ask for {@link VfioBackend#NOIOMMU}. */
        NOIOMMU_NOT_REQUESTED,
        /** The kernel's answer is inconsistent (a capability chain that loops or runs off the buffer ...). */
        BAD_KERNEL_REPLY,
        /** A region (BAR, config space) does not exist or cannot be accessed the way it was asked for. */
        BAD_REGION,
        /** Any other failure of a VFIO or iommufd call; see the cause. */
        FAILED
    }

    private final Kind kind;
    private final transient PciAddress address;

    /**
     * @param kind    what went wrong; not null
     * @param address the function concerned, or null when none is (a container, say)
     * @param message what happened and, if possible, what to do about it
     * @param cause   the failed system call, or null
     */
    public VfioException(Kind kind, PciAddress address, String message, Throwable cause) {
        super(prefix(address) + message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.address = address;
    }

    /** Same as {@link #VfioException(Kind, PciAddress, String, Throwable)} without a cause. */
    public VfioException(Kind kind, PciAddress address, String message) {
        this(kind, address, message, null);
    }

    private static String prefix(PciAddress address) {
        return address == null ? "" : address + ": ";
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** The function concerned, or null. */
    public PciAddress address() {
        return address;
    }
}
