package dev.jvirtio.dma;

/**
 * A device-side DMA access that an IOMMU would refuse: the address is unmapped, the access runs past the
 * end of a mapping, or the mapping does not allow the direction. Thrown by {@link DeviceMemory}; the
 * software device model turns it into DEVICE_NEEDS_RESET, never into a crash.
 */
public final class DmaFaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the translation failed. */
    public enum Reason {
        /** No mapping covers the first byte. */
        UNMAPPED,
        /** A mapping covers the first byte but the access runs past its end. */
        CROSSES_MAPPING_END,
        /** The mapping does not permit this access direction. */
        ACCESS_DENIED,
        /** The address range is negative or wraps around the address space. */
        INVALID_ADDRESS,
        /** The IOMMU (mapper) has been closed; nothing is mapped any more. */
        IOMMU_CLOSED
    }

    private final Reason reason;
    private final long iova;
    private final long length;
    private final DmaAccess access;

    /** Creates a fault for an access of {@code length} bytes at {@code iova}. */
    public DmaFaultException(Reason reason, long iova, long length, DmaAccess access) {
        super("DMA fault (" + reason + "): device " + access + " of 0x" + Long.toHexString(length)
                + " bytes at IOVA 0x" + Long.toHexString(iova));
        this.reason = reason;
        this.iova = iova;
        this.length = length;
        this.access = access;
    }

    /** Why the access failed. */
    public Reason reason() {
        return reason;
    }

    /** The faulting device address. */
    public long iova() {
        return iova;
    }

    /** Length of the attempted access in bytes. */
    public long length() {
        return length;
    }

    /** Direction of the attempted access. */
    public DmaAccess access() {
        return access;
    }
}
