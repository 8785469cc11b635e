package dev.jvirtio.dma;

import dev.jvirtio.dma.internal.DmaSpace;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;
import dev.jvirtio.ffm.gen.Kabi;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Hugepage-backed DMA memory (2 MiB, or 1 GiB where the CPU and kernel support it).
 *
 * <p>Each allocation is its own {@code memfd_create(MFD_HUGETLB | MFD_HUGE_2MB/1GB | MFD_CLOEXEC)}, sized
 * with {@code ftruncate} and mapped {@code MAP_FIXED | MAP_SHARED | MAP_POPULATE} at a hugepage-aligned
 * range of the process's DMA address space (see the module README), so every page is faulted in now, not
 * at first DMA (the process's {@code HugetlbPages} in {@code /proc/self/status} grows by the size, the
 * pool's {@code free_hugepages} drops); the descriptor is closed right after mapping (the mapping keeps the
 * file alive), and closing the {@link DmaMemory} retires the range: inert anonymous memory is mapped over it,
 * the hugepages return to the pool, and the range waits in quarantine before reuse. Hugetlb pages are never swapped or migrated
 * by reclaim, so they stay resident by nature. The {@code mlock} that follows locks nothing more: Linux
 * neither marks hugetlb mappings locked nor counts them in {@code VmLck}. It still checks the size against
 * {@code RLIMIT_MEMLOCK}, the limit VFIO charges when it pins the pages for DMA, so a limit too small for
 * this memory shows up here, with advice, rather than at map time. Hugepages are physically contiguous per
 * page, which noiommu mode needs, and cut IOTLB pressure for VFIO.
 *
 * <p>Without free hugepages of the size asked for, {@link #allocate} throws
 * {@link HugepagesUnavailableException} whose message says how to reserve them; nothing crashes.
 *
 * <pre>{@code
 * try (DmaAllocator huge = HugepageDmaAllocator.create(HugepageDmaAllocator.SIZE_2M)) {
 *     DmaMemory m = huge.allocate(64 << 10, 4096);   // one 2 MiB page
 * }
 * }</pre>
 */
public final class HugepageDmaAllocator implements DmaAllocator {
    /** 2 MiB hugepages. */
    public static final long SIZE_2M = 2L << 20;
    /** 1 GiB hugepages. */
    public static final long SIZE_1G = 1L << 30;

    private static final Path SYSFS = Path.of("/sys/kernel/mm/hugepages");

    /** The system-call step of an allocation: maps {@code bytes} of hugepages into {@code arena}. */
    @FunctionalInterface
    interface Backing {
        /** Returns the mapped memory; on failure the caller closes {@code arena} (and so any mapping made). */
        MemorySegment map(long bytes, Arena arena) throws DmaException;
    }

    private final long pageSize;
    private final int sizeFlag;
    /** The real memfd/mmap/mlock sequence, or a test's stand-in (this machine may have no hugepages). */
    private final Backing backing;
    private final Set<DmaMemory> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private HugepageDmaAllocator(long pageSize, int sizeFlag) {
        this.pageSize = pageSize;
        this.sizeFlag = sizeFlag;
        this.backing = this::mapHugetlb;
    }

    /** An allocator whose system-call step is {@code backing} (tests). */
    HugepageDmaAllocator(long pageSize, int sizeFlag, Backing backing) {
        this.pageSize = pageSize;
        this.sizeFlag = sizeFlag;
        this.backing = backing;
    }

    /**
     * An allocator of {@code pageSize} hugepages ({@link #SIZE_2M} or {@link #SIZE_1G}).
     *
     * @throws HugepagesUnavailableException if the kernel does not offer that hugepage size at all
     */
    public static HugepageDmaAllocator create(long pageSize) throws HugepagesUnavailableException {
        int flag;
        if (pageSize == SIZE_2M) {
            flag = Kabi.KABI_MFD_HUGE_2MB();
        } else if (pageSize == SIZE_1G) {
            flag = Kabi.KABI_MFD_HUGE_1GB();
        } else {
            throw new IllegalArgumentException("hugepage size must be 2 MiB or 1 GiB: " + pageSize);
        }
        if (!Files.isDirectory(poolDir(pageSize))) {
            throw new HugepagesUnavailableException(label(pageSize) + " hugepages are not supported here (no "
                    + poolDir(pageSize) + ")" + (pageSize == SIZE_1G
                            ? "; 1 GiB pages need CPU support (pdpe1gb) and boot options hugepagesz=1G hugepages=N"
                            : ""), pageSize, 0, 0, null);
        }
        return new HugepageDmaAllocator(pageSize, flag);
    }

    private static Path poolDir(long pageSize) {
        return SYSFS.resolve("hugepages-" + (pageSize >> 10) + "kB");
    }

    private static String label(long pageSize) {
        return pageSize == SIZE_1G ? "1 GiB" : "2 MiB";
    }

    /** Free hugepages of {@code pageSize} in the default pool, or 0 when unknown or unsupported. */
    public static long freePages(long pageSize) {
        return readCounter(pageSize, "free_hugepages");
    }

    /** Reserved hugepages of {@code pageSize} ({@code nr_hugepages}), or 0 when unknown or unsupported. */
    public static long reservedPages(long pageSize) {
        return readCounter(pageSize, "nr_hugepages");
    }

    private static long readCounter(long pageSize, String name) {
        try {
            return Long.parseLong(Files.readString(poolDir(pageSize).resolve(name)).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public String description() {
        return "hugetlb " + label(pageSize) + " pages (memfd, MAP_POPULATE, resident)";
    }

    @Override
    public long pageSize() {
        return pageSize;
    }

    /** The hugepage size: hugepages are aligned to their size, and this allocator offers nothing more. */
    @Override
    public long maxAlignment() {
        return pageSize;
    }

    @Override
    public DmaMemory allocate(long size, long alignment) throws DmaException {
        // Hugepages are aligned to their size and to nothing larger: more would take an over-sized
        // reservation and a MAP_FIXED remap (or wasted pages), which no DMA structure here needs.
        DmaAllocator.checkRequest(size, alignment, pageSize, description());
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("allocator is closed");
            }
        }
        long bytes = DmaAllocator.roundUp(size, pageSize);
        long pages = bytes / pageSize;
        long free = freePages(pageSize);
        if (free < pages) {
            throw unavailable(pages, free, null);
        }
        return map(bytes);
    }

    /** The part of {@link #allocate} after the sysfs pre-check (tests call it directly). */
    DmaMemory map(long bytes) throws DmaException {
        Arena arena = Arena.ofShared();
        MemorySegment seg;
        try {
            seg = backing.map(bytes, arena);
        } catch (DmaException | RuntimeException e) {
            arena.close(); // retires the range (or munmaps) whatever the backing had mapped
            throw e;
        }
        DmaMemory[] self = new DmaMemory[1];
        DmaMemory m = new DmaMemory(seg, arena, pageSize, "hugetlb " + label(pageSize), () -> forget(self[0]));
        self[0] = m;
        // Re-check under the lock that guards live: a close() since the check in allocate() has already
        // taken its snapshot of live and would never free these pages.
        synchronized (this) {
            if (!closed) {
                live.add(m);
                return m;
            }
        }
        m.close(); // retire; nobody else holds it yet, so the arena cannot refuse
        throw new IllegalStateException("allocator was closed during the allocation");
    }

    /**
     * Places {@code bytes} at a hugepage-aligned offset of the DMA address space, then memfd_create +
     * ftruncate + mmap(MAP_FIXED | MAP_SHARED | MAP_POPULATE) there, then mlock. The segment belongs to
     * {@code arena} from the start, and closing the arena retires the range (inert anonymous memory replaces
     * the hugepages, which go back to the pool): so on any failure here the caller's close of the arena
     * undoes everything. The descriptor is closed right after mapping (the mapping keeps the file alive).
     */
    private MemorySegment mapHugetlb(long bytes, Arena arena) throws DmaException {
        long pages = bytes / pageSize;
        long offset = DmaSpace.place(bytes, pageSize);
        long address = DmaSpace.address(offset);
        MemorySegment seg;
        try {
            seg = Syscalls.segmentAt(address, bytes, arena, () -> DmaSpace.retire(offset, bytes));
        } catch (RuntimeException e) {
            DmaSpace.retire(offset, bytes);
            throw e;
        }
        int fd;
        try {
            fd = Syscalls.memfdCreate("jvirtio-dma", Kabi.KABI_MFD_HUGETLB() | sizeFlag | Kabi.KABI_MFD_CLOEXEC());
        } catch (NativeIoException e) {
            throw unavailable(pages, freePages(pageSize), e);
        }
        try {
            Syscalls.ftruncate(fd, bytes);
            // MAP_FIXED replaces the space's inert pages in one step; a failure may leave part of the range
            // unmapped, which the retire on the caller's arena close maps over again.
            Syscalls.mmapFixed(address, bytes, Kabi.KABI_PROT_READ() | Kabi.KABI_PROT_WRITE(),
                    Kabi.KABI_MAP_SHARED() | Kabi.KABI_MAP_POPULATE(), fd, 0, "hugetlb memfd");
        } catch (NativeIoException e) {
            throw unavailable(pages, freePages(pageSize), e);
        } finally {
            closeQuietly(fd); // the mapping, if any, keeps the file alive
        }
        try {
            Syscalls.mlock(seg);
        } catch (NativeIoException e) {
            throw new DmaException("mlock of " + bytes + " bytes of hugepages failed (" + e.errnoName()
                    + "); raise RLIMIT_MEMLOCK (ulimit -l) or run with CAP_IPC_LOCK", e);
        }
        return seg;
    }

    private HugepagesUnavailableException unavailable(long pages, long free, Throwable cause) {
        long reserved = reservedPages(pageSize);
        String sysfs = poolDir(pageSize).resolve("nr_hugepages").toString();
        String how = pageSize == SIZE_2M
                ? "echo N > /proc/sys/vm/nr_hugepages (or " + sysfs + "), or boot with hugepages=N"
                : "echo N > " + sysfs + ", or boot with hugepagesz=1G hugepages=N";
        return new HugepagesUnavailableException("not enough free " + label(pageSize) + " hugepages: need " + pages
                + ", free " + free + " of " + reserved + " reserved. Reserve more as root: " + how
                + (cause != null ? " (" + cause.getMessage() + ")" : ""), pageSize, pages, free, cause);
    }

    private static void closeQuietly(int fd) {
        try {
            Syscalls.close(fd);
        } catch (NativeIoException ignored) {
            // close of a memfd we just created cannot meaningfully fail; nothing to recover
        }
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
