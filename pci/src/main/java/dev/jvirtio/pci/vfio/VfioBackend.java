package dev.jvirtio.pci.vfio;

/**
 * Which kernel interface {@link VfioPciFunction} uses to own the device and its DMA mappings.
 *
 * <pre>{@code
 * VfioOptions.defaults().withBackend(VfioBackend.TYPE1);   // force the legacy container path
 * }</pre>
 */
public enum VfioBackend {
    /**
     * iommufd with the vfio device cdev when the kernel offers both for this function (6.6 and later, built
     * with {@code CONFIG_IOMMUFD} and {@code CONFIG_VFIO_DEVICE_CDEV}), the legacy type1 container otherwise.
     * Never chooses {@link #NOIOMMU} by itself: a function that only has a no-IOMMU group is refused with
     * {@link VfioException.Kind#NOIOMMU_NOT_REQUESTED}.
     */
    AUTO,
    /** Legacy container ({@code /dev/vfio/vfio}) + group ({@code /dev/vfio/N}) with the type1v2 IOMMU driver. */
    TYPE1,
    /** {@code /dev/iommu} + an IOAS, with the device opened through {@code /dev/vfio/devices/vfioN}. */
    IOMMUFD,
    /**
     * No IOMMU at all ({@code /dev/vfio/noiommu-N}, kernel booted with vfio's
     * {@code enable_unsafe_noiommu_mode}): the device DMAs to physical addresses and nothing stops it from
     * reaching any memory. Needs root (physical addresses come from {@code /proc/self/pagemap}).
     */
    NOIOMMU
}
