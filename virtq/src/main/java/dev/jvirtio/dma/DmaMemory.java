package dev.jvirtio.dma;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A block of host memory handed out by a {@link DmaAllocator}: page-aligned, zeroed, owned by exactly one
 * holder. {@link #close()} releases it exactly once (further calls do nothing); afterwards the segment is
 * unmapped and any access through it throws {@link IllegalStateException}.
 */
public final class DmaMemory implements AutoCloseable {
    private final MemorySegment segment;
    private final Arena arena;
    private final long pageSize;
    private final String kind;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable onClose;

    /**
     * Creates a block over {@code segment}, which must belong to {@code arena}; closing the block closes the
     * arena (which, for mmap-backed memory, munmaps it). Meant for allocator implementations.
     */
    public DmaMemory(MemorySegment segment, Arena arena, long pageSize, String kind, Runnable onClose) {
        this.segment = segment;
        this.arena = arena;
        this.pageSize = pageSize;
        this.kind = kind;
        this.onClose = onClose;
    }

    /** The memory. */
    public MemorySegment segment() {
        if (closed.get()) {
            throw new IllegalStateException("DmaMemory is closed");
        }
        return segment;
    }

    /** Size in bytes (a multiple of {@link #pageSize()}). */
    public long byteSize() {
        return segment.byteSize();
    }

    /** Page size backing this memory (4 KiB, 2 MiB or 1 GiB); the memory is aligned to it. */
    public long pageSize() {
        return pageSize;
    }

    /** Short description of the backing ("anonymous", "hugetlb 2 MiB"). */
    public String kind() {
        return kind;
    }

    /** Whether the memory is still allocated. */
    public boolean isAlive() {
        return !closed.get();
    }

    /** Frees the memory exactly once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                arena.close();
            } finally {
                if (onClose != null) {
                    onClose.run();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "DmaMemory[" + kind + ", " + segment.byteSize() + " bytes" + (closed.get() ? ", closed" : "") + "]";
    }
}
