package dev.jvirtio.pci;

/**
 * Register access to one BAR (or one window of it) with exactly the access width asked for.
 *
 * <p>Virtio requires 8-bit accesses for 8-bit fields, aligned 16-bit accesses for 16-bit fields and
 * aligned 32-bit accesses for 32- and 64-bit fields (64-bit fields as two 32-bit halves, low half
 * first). Implementations must therefore never merge, split or reorder accesses: a VFIO mapping uses
 * volatile accesses of the exact width; the emulated function forwards each access to the device
 * model as it happens.
 *
 * <p>Offsets are relative to the start of the region. Every method checks the offset and the
 * natural alignment of the access and throws {@link IndexOutOfBoundsException} or
 * {@link IllegalArgumentException} before touching the device.
 */
public interface MmioRegion {

    /** Size of the region in bytes. */
    long size();

    /** Reads one byte, zero-extended. */
    int read8(long offset);

    /** Reads an aligned little-endian 16-bit value, zero-extended. */
    int read16(long offset);

    /** Reads an aligned little-endian 32-bit value. */
    int read32(long offset);

    /** Writes the low 8 bits of {@code value}. */
    void write8(long offset, int value);

    /** Writes the low 16 bits of {@code value}, little-endian, aligned. */
    void write16(long offset, int value);

    /** Writes {@code value}, little-endian, aligned. */
    void write32(long offset, int value);

    /**
     * A view of {@code length} bytes starting at {@code offset}, sharing this region's lifetime.
     *
     * @throws IndexOutOfBoundsException if the window does not fit in this region
     */
    MmioRegion window(long offset, long length);

    /** Checks an access of {@code width} bytes at {@code offset} against a region of {@code size} bytes. */
    static void checkAccess(long offset, int width, long size) {
        if (offset < 0 || offset > size - width) {
            throw new IndexOutOfBoundsException(
                    "MMIO access of " + width + " bytes at offset 0x" + Long.toHexString(offset)
                            + " is outside a region of 0x" + Long.toHexString(size) + " bytes");
        }
        if ((offset & (width - 1)) != 0) {
            throw new IllegalArgumentException(
                    "MMIO access of " + width + " bytes at offset 0x" + Long.toHexString(offset)
                            + " is not naturally aligned");
        }
    }
}
