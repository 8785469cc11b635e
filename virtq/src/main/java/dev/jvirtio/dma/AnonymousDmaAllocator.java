package dev.jvirtio.dma;

import dev.jvirtio.dma.internal.DmaSpace;
import dev.jvirtio.ffm.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Ordinary page-aligned anonymous memory (4 KiB pages), for tests and for machines without hugepages.
 *
 * <p>The memory is a range of the process's DMA address space (see the module README): first fit, rounded
 * to whole pages, zeroed. Each allocation's segment has its own shared arena, so it can be used from any
 * thread and freed independently; closing it retires the range (its pages are dropped, it reads zero and
 * waits in quarantine before reuse). Without a DMA address space {@link #allocate} throws a
 * {@link DmaException} saying why. The memory is not locked: a VFIO mapper pins it when mapping; the
 * software IOMMU needs no pinning.
 */
public final class AnonymousDmaAllocator implements DmaAllocator {
    /** Base page size on x86-64 (the only platform the project targets today). */
    public static final long PAGE_SIZE = 4096;
    /**
     * Largest alignment {@link #allocate} honours: 1 GiB, the largest hugepage, so this allocator can stand in
     * for either hugepage size (the DMA address space is aligned to 1 GiB).
     */
    public static final long MAX_ALIGNMENT = 1L << 30;

    private final Set<DmaMemory> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    /** Creates the allocator; it holds no memory until the first allocation. */
    public AnonymousDmaAllocator() {
    }

    @Override
    public String description() {
        return "anonymous 4 KiB pages (not hugepage-backed)";
    }

    @Override
    public long pageSize() {
        return PAGE_SIZE;
    }

    /** {@value #MAX_ALIGNMENT} (1 GiB). */
    @Override
    public long maxAlignment() {
        return MAX_ALIGNMENT;
    }

    @Override
    public synchronized DmaMemory allocate(long size, long alignment) throws DmaException {
        if (closed) {
            throw new IllegalStateException("allocator is closed");
        }
        DmaAllocator.checkRequest(size, alignment, MAX_ALIGNMENT, description());
        long bytes = DmaAllocator.roundUp(size, PAGE_SIZE);
        // A placed range is zero memory already (never used, or wiped when it left the quarantine), so rings
        // start in the all-zero state the spec requires without touching a page here.
        long offset = DmaSpace.place(bytes, Math.max(alignment, PAGE_SIZE));
        Arena arena = Arena.ofShared();
        MemorySegment seg;
        try {
            // The user's view has its own arena: closing it makes the segment unusable at once and retires the
            // range (fresh zero pages replace the old ones; SPACE still reads the range without faulting).
            seg = Syscalls.segmentAt(DmaSpace.address(offset), bytes, arena, () -> DmaSpace.retire(offset, bytes));
        } catch (RuntimeException e) {
            arena.close();
            DmaSpace.retire(offset, bytes);
            throw e;
        }
        DmaMemory[] holder = new DmaMemory[1];
        DmaMemory m = new DmaMemory(seg, arena, PAGE_SIZE, "anonymous", () -> forget(holder[0]));
        holder[0] = m;
        live.add(m);
        return m;
    }

    private synchronized void forget(DmaMemory m) {
        live.remove(m);
    }

    /** Number of blocks handed out and not yet closed. */
    public synchronized int outstanding() {
        return live.size();
    }

    @Override
    public void close() {
        DmaMemory[] all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = live.toArray(new DmaMemory[0]);
        }
        for (DmaMemory m : all) {
            m.close();
        }
    }
}
