package dev.jvirtio.dma;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hugepage-backed DMA memory (work in progress: allocation lands with the ffm bindings). */
public final class HugepageDmaAllocator {
    /** 2 MiB hugepages. */
    public static final long SIZE_2M = 2L << 20;
    /** 1 GiB hugepages. */
    public static final long SIZE_1G = 1L << 30;

    private HugepageDmaAllocator() {
    }

    /** Free hugepages of {@code pageSize} in the default pool, or 0 when the size is unsupported. */
    public static long freePages(long pageSize) {
        Path p = Path.of("/sys/kernel/mm/hugepages/hugepages-" + (pageSize >> 10) + "kB/free_hugepages");
        try {
            return Long.parseLong(Files.readString(p).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Not yet available. */
    public static DmaAllocator create(long pageSize) throws DmaException {
        throw new DmaException("hugepage allocator not yet wired to the ffm bindings");
    }
}
