package dev.jvirtio.dma;

/**
 * Hugepage-backed DMA memory cannot be had: the page size is not supported, or not enough hugepages are
 * reserved and free. The message says how to reserve them.
 */
public final class HugepagesUnavailableException extends DmaException {
    private static final long serialVersionUID = 1L;
    private final long pageSize;
    private final long neededPages;
    private final long freePages;

    HugepagesUnavailableException(String message, long pageSize, long neededPages, long freePages, Throwable cause) {
        super(message, cause);
        this.pageSize = pageSize;
        this.neededPages = neededPages;
        this.freePages = freePages;
    }

    /** Hugepage size asked for. */
    public long pageSize() {
        return pageSize;
    }

    /** Pages the request needed (0 when the size itself is unsupported). */
    public long neededPages() {
        return neededPages;
    }

    /** Free pages of that size when the request failed. */
    public long freePages() {
        return freePages;
    }
}
