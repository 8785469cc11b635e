package dev.jvirtio.dma;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Memory the CPU sees as a {@link MemorySegment} and a device sees at an IOVA (device address).
 *
 * <p>A region is either a <em>root</em> (it owns a release action: unmap, free the IOVA, free the memory)
 * or a <em>slice</em> of a root made by {@link #slice(long, long)}. Slices share the root's lifetime: after
 * the root is closed every slice refuses {@link #iova(long)} and {@link #segment()} with an
 * {@link IllegalStateException}, and the memory behind the segment (if the root owned it) is unmapped, so
 * any stale access throws instead of touching freed memory. Raw CPU addresses never appear in this API:
 * CPU memory is a segment, device memory is a {@code long} IOVA.
 *
 * <pre>{@code
 * try (DmaRegion ring = pool.allocate(16384, 4096)) {
 *     DmaRegion header = ring.slice(0, 24);
 *     long deviceAddress = header.iova(0);          // bounds-checked
 *     header.segment().set(JAVA_SHORT, 0, (short) 1);
 * }
 * }</pre>
 *
 * <p>Regions may be shared between threads (the lifetime flag is volatile); the memory they describe
 * follows whatever protocol the user runs on it (virtqueues, for instance). The one exception to the
 * volatile read is {@link #iova(long, long)}, the per-buffer check of the virtqueues' hot path: it reads
 * the flag in plain mode, so it sees every close made by the calling thread or ordered before the call
 * (happens-before), but may miss a close racing in from another thread. No check can stop that race
 * anyway (the close may land right after any check); what keeps a device away from a closed region is the
 * unmap its release action performs.
 */
public final class DmaRegion implements AutoCloseable {
    /** Shared lifetime of a root and all its slices. */
    private static final class Lifetime {
        volatile boolean closed;
        Runnable release;
    }

    /** {@code Lifetime.closed}, for the plain-mode read in {@link #iova(long, long)}. */
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(Lifetime.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MemorySegment segment;
    /** {@code segment.byteSize()}, kept here so that bounds checks need no call through the segment. */
    private final long size;
    private final long iova;
    private final Lifetime lifetime;
    private final boolean root;

    private DmaRegion(MemorySegment segment, long iova, Lifetime lifetime, boolean root) {
        this.segment = segment;
        this.size = segment.byteSize();
        this.iova = iova;
        this.lifetime = lifetime;
        this.root = root;
    }

    /**
     * Wraps memory that is already mapped at {@code iova} by someone else (a transport, a test). Closing the
     * returned region only ends the region's lifetime; it unmaps and frees nothing.
     */
    public static DmaRegion of(MemorySegment segment, long iova) {
        return owning(segment, iova, null);
    }

    /**
     * Wraps memory mapped at {@code iova}, with a release action run exactly once when the region is closed
     * (for example: unmap, free the IOVA, free the memory). Intended for {@link DmaMapper} users such as
     * {@link DmaPool} and transports.
     */
    public static DmaRegion owning(MemorySegment segment, long iova, Runnable release) {
        Objects.requireNonNull(segment, "segment");
        if (iova < 0) {
            throw new IllegalArgumentException("negative IOVA 0x" + Long.toHexString(iova));
        }
        if (segment.byteSize() > 0 && iova + segment.byteSize() - 1 < iova) {
            throw new IllegalArgumentException("IOVA range wraps: 0x" + Long.toHexString(iova) + " + 0x"
                    + Long.toHexString(segment.byteSize()));
        }
        Lifetime lt = new Lifetime();
        lt.release = release;
        return new DmaRegion(segment, iova, lt, true);
    }

    /** Size of the region in bytes. */
    public long byteSize() {
        return size;
    }

    /** The CPU view of the region. */
    public MemorySegment segment() {
        checkAlive();
        return segment;
    }

    /** Device address of the first byte. */
    public long iova() {
        checkAlive();
        return iova;
    }

    /** Device address of the byte at {@code offset}; requires {@code 0 <= offset < byteSize()}. */
    public long iova(long offset) {
        checkAlive();
        if (offset < 0 || offset >= size) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside region of " + size
                    + " bytes");
        }
        return iova + offset;
    }

    /**
     * Device address of {@code [offset, offset + length)}, bounds-checked against the region. This is the
     * check virtqueues perform for every buffer they publish; it does not allocate. Throws
     * {@link IllegalStateException} after a close by this thread or one that happens-before the call (see
     * the class comment for why the lifetime flag is read in plain mode here).
     */
    public long iova(long offset, long length) {
        // Plain read, not volatile: a volatile load is an acquire barrier to the JIT, after which a ring
        // engine's hot loop reloads and re-validates every field and memory segment it uses (about a fifth
        // of a batched P1 chain's cost). Program order and happens-before still make a close visible here.
        if ((boolean) CLOSED.get(lifetime)) {
            throw closedError();
        }
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + offset + "+" + length
                    + ") outside region of " + size + " bytes");
        }
        return iova + offset;
    }

    /** A view of {@code [offset, offset + length)} that shares this region's lifetime. */
    public DmaRegion slice(long offset, long length) {
        long deviceAddress = iova(offset, length);
        return new DmaRegion(segment.asSlice(offset, length), deviceAddress, lifetime, false);
    }

    /** Whether this region (and its root) is still open. */
    public boolean isAlive() {
        return !lifetime.closed;
    }

    /** Whether this region is a root (owns its lifetime) rather than a slice. */
    public boolean isRoot() {
        return root;
    }

    /**
     * Closes a root region: runs its release action exactly once; later calls do nothing. Slices cannot be
     * closed (they share the root's lifetime) and throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (!root) {
            throw new IllegalStateException("a DmaRegion slice shares its root's lifetime; close the root");
        }
        Runnable r;
        synchronized (lifetime) {
            if (lifetime.closed) {
                return;
            }
            lifetime.closed = true;
            r = lifetime.release;
            lifetime.release = null;
        }
        if (r != null) {
            r.run();
        }
    }

    private void checkAlive() {
        if (lifetime.closed) {
            throw closedError();
        }
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("DmaRegion at IOVA 0x" + Long.toHexString(iova) + " is closed");
    }

    @Override
    public String toString() {
        return "DmaRegion[iova=0x" + Long.toHexString(iova) + ", size=" + size
                + (lifetime.closed ? ", closed" : "") + (root ? "" : ", slice") + "]";
    }
}
