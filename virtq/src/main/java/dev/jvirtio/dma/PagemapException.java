package dev.jvirtio.dma;

/** A physical address could not be read from {@code /proc/self/pagemap}. */
public final class PagemapException extends DmaException {
    private static final long serialVersionUID = 1L;

    /** Why the lookup failed. */
    public enum Reason {
        /** The PFN field reads as 0 for a present page: the process lacks CAP_SYS_ADMIN. */
        NO_PERMISSION,
        /** The page is not present (never touched, or not locked). */
        NOT_PRESENT,
        /** The page is swapped out (lock DMA memory with mlock). */
        SWAPPED,
        /** The pagemap file could not be read. */
        IO_ERROR
    }

    private final Reason reason;

    PagemapException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why the lookup failed. */
    public Reason reason() {
        return reason;
    }
}
