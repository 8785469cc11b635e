package dev.jvirtio.dma;

/** No free IOVA range satisfies a request (size, alignment) inside the allocator's valid ranges. */
public final class IovaExhaustedException extends DmaException {
    private static final long serialVersionUID = 1L;
    private final long size;
    private final long alignment;
    private final long largestFree;

    IovaExhaustedException(long size, long alignment, long largestFree, long totalFree) {
        super("IOVA space exhausted: no free range of 0x" + Long.toHexString(size) + " bytes aligned to 0x"
                + Long.toHexString(alignment) + " (largest free block 0x" + Long.toHexString(largestFree)
                + ", total free 0x" + Long.toHexString(totalFree) + ")");
        this.size = size;
        this.alignment = alignment;
        this.largestFree = largestFree;
    }

    /** The requested size in bytes. */
    public long size() {
        return size;
    }

    /** The requested alignment in bytes. */
    public long alignment() {
        return alignment;
    }

    /** The largest free block at the time of the failure, in bytes. */
    public long largestFree() {
        return largestFree;
    }
}
