package dev.jvirtio.dma;

/**
 * Source of pinned-able host memory for DMA: hugepages where available, ordinary pages otherwise.
 *
 * <p>Allocations are page-aligned, zeroed and rounded up to {@link #pageSize()}. Closing the allocator
 * frees every block it handed out that is still open (each exactly once) and refuses new allocations.
 *
 * <pre>{@code
 * try (DmaAllocator alloc = DmaAllocator.bestAvailable()) {
 *     System.out.println("DMA memory: " + alloc.description());
 *     try (DmaMemory m = alloc.allocate(1 << 20, 4096)) { ... }
 * }
 * }</pre>
 */
public interface DmaAllocator extends AutoCloseable {
    /** Human-readable description of the memory this allocator hands out, e.g. "hugetlb 2 MiB (memfd)". */
    String description();

    /** Page size of the backing memory; every allocation is a multiple of it and aligned to it. */
    long pageSize();

    /**
     * Allocates at least {@code size} bytes aligned to {@code max(alignment, pageSize())}.
     *
     * @throws DmaException             when the memory cannot be obtained (with a message saying why)
     * @throws IllegalArgumentException for a non-positive size or an alignment that is not a power of two
     * @throws IllegalStateException    after {@link #close()}
     */
    DmaMemory allocate(long size, long alignment) throws DmaException;

    /** Frees every outstanding block exactly once; idempotent. */
    @Override
    void close();

    /**
     * The best allocator this machine supports right now: 2 MiB hugepages if at least one is free,
     * otherwise ordinary anonymous pages. {@link #description()} says which was picked.
     */
    static DmaAllocator bestAvailable() {
        if (HugepageDmaAllocator.freePages(HugepageDmaAllocator.SIZE_2M) > 0) {
            try {
                return HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_2M);
            } catch (DmaException e) {
                // fall through to ordinary pages; the description of the fallback says so
            }
        }
        return new AnonymousDmaAllocator();
    }

    /** Checks {@code size > 0} and that {@code alignment} is a positive power of two. */
    static void checkRequest(long size, long alignment) {
        if (size <= 0) {
            throw new IllegalArgumentException("allocation size must be positive: " + size);
        }
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
    }

    /** Rounds {@code value} up to a multiple of the power of two {@code unit}, failing on overflow. */
    static long roundUp(long value, long unit) {
        long r = (value + unit - 1) & -unit;
        if (r < value) {
            throw new IllegalArgumentException("size overflows when rounded to 0x" + Long.toHexString(unit));
        }
        return r;
    }
}
