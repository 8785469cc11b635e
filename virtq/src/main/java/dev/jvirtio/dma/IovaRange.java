package dev.jvirtio.dma;

/**
 * An inclusive range of I/O virtual addresses {@code [first, last]}, as an IOMMU reports its usable
 * windows (VFIO's {@code VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE} and iommufd's {@code IOMMU_IOAS_IOVA_RANGES}
 * both use inclusive ends). Addresses are non-negative {@code long}s: IOVAs at or above 2^63 are not used.
 *
 * @param first first usable address
 * @param last  last usable address (inclusive)
 */
public record IovaRange(long first, long last) {
    /** Validates {@code 0 <= first <= last}. */
    public IovaRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid IOVA range [0x" + Long.toHexString(first) + ", 0x"
                    + Long.toHexString(last) + "]");
        }
    }

    /** Number of bytes in the range; saturates at {@link Long#MAX_VALUE}. */
    public long size() {
        long s = last - first + 1;
        return s <= 0 ? Long.MAX_VALUE : s;
    }

    @Override
    public String toString() {
        return "[0x" + Long.toHexString(first) + "..0x" + Long.toHexString(last) + "]";
    }
}
