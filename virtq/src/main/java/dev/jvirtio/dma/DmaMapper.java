package dev.jvirtio.dma;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.OptionalLong;

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
     * The only IOVA at which {@code memory} can be mapped, for a mapper that cannot translate (no IOMMU: the
     * device sees physical addresses, so the IOVA is the memory's physical address); empty when any free IOVA
     * will do, which is the case for every mapper backed by an IOMMU. {@link DmaPool} asks this before it
     * takes an IOVA from its allocator.
     *
     * @throws IOException when the address cannot be found or the memory cannot be used as it is (for
     *                     example not physically contiguous)
     */
    default OptionalLong requiredIova(MemorySegment memory) throws IOException {
        return OptionalLong.empty();
    }

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
