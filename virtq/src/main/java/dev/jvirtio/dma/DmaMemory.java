package dev.jvirtio.dma;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A block of host memory handed out by a {@link DmaAllocator}: page-aligned, zeroed, owned by exactly one
 * holder. {@link #close()} releases it exactly once (further calls do nothing); afterwards the segment is
 * unmapped and any access through it throws {@link IllegalStateException}.
 *
 * <p>Releasing can fail: a shared arena refuses to close while another thread is inside an access that
 * holds the memory (a downcall or an NIO operation on a buffer over it). {@link #close()} then throws that
 * {@link IllegalStateException} and the block stays open and usable, its owner is not told it was freed,
 * and a later {@code close()} tries again. Concurrent {@code close()} calls release it at most once.
 */
public final class DmaMemory implements AutoCloseable {
    private final MemorySegment segment;
    private final Runnable release;
    private final long pageSize;
    private final String kind;
    private final Runnable onClose;
    /** Set, under the lock, only after {@link #release} succeeded; volatile for the lock-free readers. */
    private volatile boolean closed;

    /**
     * Creates a block over {@code segment}, which must belong to {@code arena}; closing the block closes the
     * arena (which, for mmap-backed memory, munmaps it) and then runs {@code onClose} (may be null). Meant
     * for allocator implementations.
     */
    public DmaMemory(MemorySegment segment, Arena arena, long pageSize, String kind, Runnable onClose) {
        this(segment, Objects.requireNonNull(arena, "arena")::close, pageSize, kind, onClose);
    }

    /** As the public constructor, with the release step given directly (tests inject a failing one). */
    DmaMemory(MemorySegment segment, Runnable release, long pageSize, String kind, Runnable onClose) {
        this.segment = Objects.requireNonNull(segment, "segment");
        this.release = release;
        this.pageSize = pageSize;
        this.kind = kind;
        this.onClose = onClose;
    }

    /** The memory. */
    public MemorySegment segment() {
        if (closed) {
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
        return !closed;
    }

    /**
     * Frees the memory exactly once, then tells the owner. If freeing fails (see the class comment) the
     * exception propagates, the memory stays allocated and a later call tries again.
     *
     * @throws IllegalStateException if the memory is in use by another thread's access right now
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            // The flag is set only after the release went through: a release that throws leaves the block
            // open (and retryable) instead of marked closed with its memory still mapped. The lock makes
            // concurrent callers wait for the outcome, so exactly one of them releases.
            release.run();
            closed = true;
        }
        // Outside the lock: the owner's bookkeeping takes the owner's lock (allocator or pool), and no lock
        // of ours may be held while taking it. Only the caller that set the flag reaches this line.
        if (onClose != null) {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "DmaMemory[" + kind + ", " + segment.byteSize() + " bytes" + (closed ? ", closed" : "") + "]";
    }
}
