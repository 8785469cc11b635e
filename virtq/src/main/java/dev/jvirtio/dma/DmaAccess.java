package dev.jvirtio.dma;

/**
 * Direction of device access to a DMA mapping, seen from the device (as VFIO's
 * {@code VFIO_DMA_MAP_FLAG_READ}/{@code _WRITE}: "the device may read" / "the device may write").
 */
public enum DmaAccess {
    /** The device may only read the memory (device-readable buffers, rings the device only reads). */
    READ,
    /** The device may only write the memory. */
    WRITE,
    /** The device may read and write the memory. */
    READ_WRITE;

    /** Whether a mapping with this access permits a device access of kind {@code wanted}. */
    public boolean permits(DmaAccess wanted) {
        return this == READ_WRITE || this == wanted;
    }
}
