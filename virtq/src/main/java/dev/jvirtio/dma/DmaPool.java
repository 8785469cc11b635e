package dev.jvirtio.dma;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Ties a {@link DmaAllocator}, an {@link IovaAllocator} and a {@link DmaMapper} together:
 * {@link #allocate} returns memory that is already mapped at a fresh IOVA, as one {@link DmaRegion}. When the
 * mapper dictates the IOVA ({@link DmaMapper#requiredIova}: no IOMMU, the IOVA is the physical address), that
 * IOVA is used and the IOVA allocator is not consulted.
 *
 * <p>Closing a region releases it exactly once and in the only safe order: unmap (the device can no longer
 * reach the memory), then free the IOVA, then free the memory. If the unmap fails the memory and the IOVA
 * are deliberately leaked (the device might still write to them) and the failure is rethrown as
 * {@link UncheckedIOException}. Closing the pool closes every region still open; the pool does not own the
 * allocator, IOVA allocator or mapper (their owner closes them after the pool).
 *
 * <pre>{@code
 * try (SoftwareIommu iommu = new SoftwareIommu(); DmaPool pool = DmaPool.softwareIommu(iommu)) {
 *     DmaRegion ring = pool.allocate(SplitLayout.totalSize(256), 4096);
 * }
 * }</pre>
 *
 * <p>Thread-safe (control path).
 */
public final class DmaPool implements AutoCloseable {
    private final DmaAllocator allocator;
    private final IovaAllocator iovas;
    private final DmaMapper mapper;
    private final boolean ownsAllocator;
    private final Set<DmaRegion> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    /** A pool over the given parts; the caller keeps ownership of all three. */
    public DmaPool(DmaAllocator allocator, IovaAllocator iovas, DmaMapper mapper) {
        this(allocator, iovas, mapper, false);
    }

    private DmaPool(DmaAllocator allocator, IovaAllocator iovas, DmaMapper mapper, boolean ownsAllocator) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.iovas = Objects.requireNonNull(iovas, "iovas");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.ownsAllocator = ownsAllocator;
    }

    /**
     * A pool for the in-process device model: anonymous memory (owned and closed by the pool), IOVAs from
     * {@code [0x10000, 2^39 - 1]}, mapped read-write in {@code iommu} (which the caller still owns).
     */
    public static DmaPool softwareIommu(SoftwareIommu iommu) {
        return new DmaPool(new AnonymousDmaAllocator(), IovaAllocator.forAddressBits(39), iommu, true);
    }

    /** The allocator backing this pool (its {@link DmaAllocator#description()} says what memory it is). */
    public DmaAllocator allocator() {
        return allocator;
    }

    /**
     * Allocates at least {@code size} bytes of zeroed memory aligned (in CPU and IOVA space) to
     * {@code alignment}, mapped read-write for the device. The region's size is {@code size} exactly; the
     * page rounding stays hidden.
     *
     * @throws DmaException              if memory or IOVA space runs out
     * @throws IOException               if the mapper refuses the mapping
     * @throws IllegalArgumentException  for a non-positive size, or an alignment that is not a power of two or
     *                                   exceeds the allocator's {@link DmaAllocator#maxAlignment()}
     * @throws IllegalStateException     if the pool is closed, or was closed while this call ran (what it had
     *                                   allocated and mapped is then released again)
     */
    public DmaRegion allocate(long size, long alignment) throws IOException {
        DmaAllocator.checkRequest(size, alignment);
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("DmaPool is closed");
            }
        }
        long page = Math.max(allocator.pageSize(), mapper.pageSize());
        long align = Math.max(alignment, page);
        DmaMemory memory = allocator.allocate(DmaAllocator.roundUp(size, page), align);
        // Taken once: if a concurrent close frees the memory meanwhile (an owned allocator closes with the
        // pool), the steps below must still be able to name it to undo what they did.
        MemorySegment seg = memory.segment();
        long mapped = memory.byteSize();
        long iova;
        // A mapper without an IOMMU dictates the IOVA (the physical address); the IOVA allocator then has no say.
        boolean fixed;
        try {
            OptionalLong required = mapper.requiredIova(seg);
            fixed = required.isPresent();
            if (fixed) {
                iova = required.getAsLong();
                if ((iova & (align - 1)) != 0) {
                    throw new DmaException("the mapper requires IOVA 0x" + Long.toHexString(iova) + ", which is not "
                            + "aligned to the " + align + " bytes asked for");
                }
            } else {
                iova = iovas.allocate(mapped, align);
            }
        } catch (IOException | RuntimeException e) {
            memory.close();
            throw e;
        }
        try {
            mapper.map(seg, iova, DmaAccess.READ_WRITE);
        } catch (IOException | RuntimeException e) {
            if (!fixed) {
                iovas.free(iova, mapped);
            }
            memory.close();
            throw e;
        }
        DmaRegion[] self = new DmaRegion[1];
        DmaRegion region = DmaRegion.owning(seg.asSlice(0, size), iova, () -> {
            try {
                mapper.unmap(iova, mapped);
            } catch (IOException e) {
                forget(self[0]);
                throw new UncheckedIOException("unmap of IOVA 0x" + Long.toHexString(iova)
                        + " failed; memory and IOVA deliberately leaked", e);
            }
            if (!fixed) {
                iovas.free(iova, mapped);
            }
            memory.close();
            forget(self[0]);
        });
        self[0] = region;
        // Re-check under the lock that guards live: a close() that ran since the check at the top has
        // already taken its snapshot of live and would never release this region.
        synchronized (this) {
            if (!closed) {
                live.add(region);
                return region;
            }
        }
        IllegalStateException refused = new IllegalStateException("DmaPool was closed during the allocation");
        try {
            region.close(); // unmap, free the IOVA, free the memory: nothing stays behind
        } catch (RuntimeException e) {
            refused.addSuppressed(e);
        }
        throw refused;
    }

    private synchronized void forget(DmaRegion r) {
        live.remove(r);
    }

    /** Number of regions allocated and not yet closed. */
    public synchronized int liveRegions() {
        return live.size();
    }

    /** Closes every open region (each exactly once); idempotent. */
    @Override
    public void close() {
        DmaRegion[] all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = live.toArray(new DmaRegion[0]);
        }
        RuntimeException first = null;
        for (DmaRegion r : all) {
            try {
                r.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (ownsAllocator) {
            allocator.close();
        }
        if (first != null) {
            throw first;
        }
    }
}
