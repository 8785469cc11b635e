package dev.jvirtio.dma;

import java.lang.foreign.MemorySegment;

/**
 * Device-side view of DMA: resolves IOVAs to host memory the way an IOMMU would, refusing unmapped,
 * out-of-range or wrongly-directed accesses with {@link DmaFaultException} (never a crash).
 *
 * <p>The hot-path method {@link #translate} fills a caller-owned {@link Translation} and allocates
 * nothing; {@link #segment} is a convenience that allocates a slice.
 */
public interface DeviceMemory {
    /**
     * Resolves {@code [iova, iova + length)} for a device access of kind {@code access}. On success
     * {@code out} holds the backing mapping's segment and the offset of {@code iova} in it; the whole range
     * lies inside that one mapping.
     *
     * @throws DmaFaultException if an IOMMU would refuse the access
     */
    void translate(long iova, long length, DmaAccess access, Translation out);

    /** Resolves and returns a slice of exactly {@code length} bytes (allocates; not for hot paths). */
    default MemorySegment segment(long iova, long length, DmaAccess access) {
        Translation t = new Translation();
        translate(iova, length, access, t);
        return t.segment().asSlice(t.offset(), length);
    }

    /** Mutable, reusable result of {@link #translate}: a mapping's segment plus an offset into it. */
    final class Translation {
        private MemorySegment segment;
        private long offset;

        /** Creates an empty translation holder. */
        public Translation() {
        }

        /** Sets the result; called by {@link DeviceMemory} implementations. */
        public void set(MemorySegment segment, long offset) {
            this.segment = segment;
            this.offset = offset;
        }

        /** The segment of the mapping that contains the translated range. */
        public MemorySegment segment() {
            return segment;
        }

        /** Offset of the translated IOVA inside {@link #segment()}. */
        public long offset() {
            return offset;
        }
    }
}
