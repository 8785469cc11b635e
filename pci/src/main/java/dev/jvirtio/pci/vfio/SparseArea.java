package dev.jvirtio.pci.vfio;

/**
 * One mmappable window of a VFIO region (from the sparse-mmap capability), relative to the region start.
 *
 * @param offset first byte of the window inside the region
 * @param size   length of the window in bytes
 */
public record SparseArea(long offset, long size) {
    /** Validates a non-negative offset and size. */
    public SparseArea {
        if (offset < 0 || size < 0) {
            throw new IllegalArgumentException("invalid sparse area offset " + offset + " size " + size);
        }
    }

    /** Whether {@code [at, at + width)} lies entirely inside this window. */
    public boolean contains(long at, long width) {
        return at >= offset && at - offset <= size - width;
    }
}
