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

    /**
     * Mutable, reusable result of {@link #translate}: a mapping's segment plus an offset into it.
     *
     * <p>It also serves as a one-entry translation cache (an IOTLB) for the {@link DeviceMemory} that fills
     * it: an implementation may remember the mapping it last resolved here and answer the next request from
     * it, provided it re-checks everything a full translation checks (the mapping is still current, the
     * range lies inside it, the access is permitted). A holder must therefore be used with one
     * {@link DeviceMemory} only, by one thread at a time.
     */
    final class Translation {
        private MemorySegment segment;
        private long offset;
        /** Cache: the implementation's mapping snapshot the entry below belongs to (null: empty). */
        Object cachedTable;
        /** Cache: first and last IOVA of the mapping that produced {@link #segment}. */
        long cachedFirst;
        long cachedLast;
        /** Cache: the access that mapping permits. */
        DmaAccess cachedAccess;

        /** Creates an empty translation holder. */
        public Translation() {
        }

        /** Sets the result; called by {@link DeviceMemory} implementations. Forgets any cached mapping. */
        public void set(MemorySegment segment, long offset) {
            this.segment = segment;
            this.offset = offset;
            this.cachedTable = null;
        }

        /** A cache hit: the segment is unchanged, only the offset moves. */
        void setOffset(long offset) {
            this.offset = offset;
        }

        /** Sets the result and remembers the mapping it came from (see the class comment). */
        void setCached(MemorySegment segment, long offset, Object table, long first, long last, DmaAccess access) {
            this.segment = segment;
            this.offset = offset;
            this.cachedTable = table;
            this.cachedFirst = first;
            this.cachedLast = last;
            this.cachedAccess = access;
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
