package dev.jvirtio.dma;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Makes host memory visible to a device at a chosen IOVA: an IOMMU domain seen from the driver.
 *
 * <p>Implementations: {@link SoftwareIommu} (in-process, for the device model and tests) here; VFIO
 * type1, iommufd and noiommu live with the transport. A mapping covers whole pages of
 * {@link #pageSize()}; unmap takes exactly what map was given. Closing the mapper removes every mapping.
 */
public interface DmaMapper extends AutoCloseable {
    /** Mapping granularity: IOVA and length of every mapping must be multiples of it. */
    long pageSize();

    /**
     * Maps all of {@code memory} at {@code iova} for device access {@code access}.
     *
     * @throws IOException              when the IOMMU refuses (a native error, for real mappers)
     * @throws IllegalArgumentException for misaligned or overlapping requests
     */
    void map(MemorySegment memory, long iova, DmaAccess access) throws IOException;

    /**
     * Removes the mapping that {@link #map} created at {@code iova} with {@code length} bytes.
     *
     * @throws IOException              when the IOMMU refuses
     * @throws IllegalArgumentException if there is no such mapping
     */
    void unmap(long iova, long length) throws IOException;

    /** Removes all mappings; idempotent. */
    @Override
    void close();
}
