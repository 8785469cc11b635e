package dev.jvirtio.dma;

/**
 * A caller tried to free IOVA space that is not a live allocation of this allocator. This is a bug in the
 * caller (double free, freeing someone else's address, wrong size); the allocator's state is unchanged.
 */
public final class IllegalIovaFreeException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the free. */
    public enum Kind {
        /** The address lies in free space: it was already freed (or never allocated). */
        DOUBLE_FREE,
        /** The address is inside a live allocation but is not its first byte. */
        INTERIOR_ADDRESS,
        /** The address is outside the ranges this allocator manages. */
        FOREIGN,
        /** The address starts a live allocation, but the size given differs from the allocated size. */
        SIZE_MISMATCH
    }

    private final Kind kind;
    private final long iova;

    IllegalIovaFreeException(Kind kind, long iova, String detail) {
        super("illegal IOVA free (" + kind + ") at 0x" + Long.toHexString(iova) + ": " + detail);
        this.kind = kind;
        this.iova = iova;
    }

    /** The kind of misuse. */
    public Kind kind() {
        return kind;
    }

    /** The address passed to free. */
    public long iova() {
        return iova;
    }
}
