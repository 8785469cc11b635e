package dev.jvirtio.dma;

/**
 * Source of pinned-able host memory for DMA: hugepages where available, ordinary pages otherwise.
 *
 * <p>Allocations are page-aligned, zeroed and rounded up to {@link #pageSize()}. Closing the allocator
 * frees every block it handed out that is still open (each exactly once) and refuses new allocations.
 *
 * <p>Alignment: every implementation honours any power of two up to {@link #pageSize()} at no cost (its
 * blocks are page-aligned anyway), and some go further, up to {@link #maxAlignment()}:
 * {@link AnonymousDmaAllocator} up to 1 GiB (the DMA address space it places memory in is 1 GiB-aligned), {@link HugepageDmaAllocator} not at all
 * (its maximum is its page size). A larger alignment is refused with {@link IllegalArgumentException}
 * naming the limit.
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
     * The largest alignment {@link #allocate} accepts: a power of two, at least {@link #pageSize()}. The
     * default is {@link #pageSize()} (the alignment the memory has by nature).
     */
    default long maxAlignment() {
        return pageSize();
    }

    /**
     * Allocates at least {@code size} bytes aligned to {@code max(alignment, pageSize())}.
     *
     * @throws DmaException             when the memory cannot be obtained (with a message saying why)
     * @throws IllegalArgumentException for a non-positive size, an alignment that is not a power of two, or
     *                                  one above {@link #maxAlignment()}
     * @throws IllegalStateException    after {@link #close()}, or when {@link #close()} ran while the
     *                                  allocation was under way (the memory is then already freed again)
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

    /**
     * {@link #checkRequest}, plus {@code alignment <= max}; the refusal names the allocator's
     * {@code description} and the limit.
     */
    static void checkRequest(long size, long alignment, long max, String description) {
        checkRequest(size, alignment);
        if (alignment > max) {
            throw new IllegalArgumentException("alignment 0x" + Long.toHexString(alignment) + " exceeds the largest "
                    + "alignment of " + description + ": 0x" + Long.toHexString(max) + " (maxAlignment())");
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
