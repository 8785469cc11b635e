package dev.jvirtio.pci;

import java.util.Objects;

/**
 * {@link MmioRegion} whose every access is handed to a {@link Handler}, the way a hypervisor traps
 * MMIO: the emulated PCI function uses it so that register reads and writes reach the software
 * device at once, with their exact width and offset.
 */
public final class TrappedMmioRegion implements MmioRegion {

    /** Receives the trapped accesses. Offsets are relative to the start of the trapped region. */
    public interface Handler {
        /** Returns the value read by an access of {@code width} (1, 2 or 4) bytes. */
        int read(long offset, int width);

        /** Performs a write of the low {@code width} bytes of {@code value}. */
        void write(long offset, int width, int value);
    }

    private final Handler handler;
    private final long base;
    private final long size;

    /** A trapped region of {@code size} bytes. */
    public TrappedMmioRegion(Handler handler, long size) {
        this(handler, 0, size);
    }

    private TrappedMmioRegion(Handler handler, long base, long size) {
        this.handler = Objects.requireNonNull(handler, "handler");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        this.base = base;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read8(long offset) {
        MmioRegion.checkAccess(offset, 1, size);
        return handler.read(base + offset, 1) & 0xff;
    }

    @Override
    public int read16(long offset) {
        MmioRegion.checkAccess(offset, 2, size);
        return handler.read(base + offset, 2) & 0xffff;
    }

    @Override
    public int read32(long offset) {
        MmioRegion.checkAccess(offset, 4, size);
        return handler.read(base + offset, 4);
    }

    @Override
    public void write8(long offset, int value) {
        MmioRegion.checkAccess(offset, 1, size);
        handler.write(base + offset, 1, value & 0xff);
    }

    @Override
    public void write16(long offset, int value) {
        MmioRegion.checkAccess(offset, 2, size);
        handler.write(base + offset, 2, value & 0xffff);
    }

    @Override
    public void write32(long offset, int value) {
        MmioRegion.checkAccess(offset, 4, size);
        handler.write(base + offset, 4, value);
    }

    @Override
    public MmioRegion window(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("window [0x" + Long.toHexString(offset) + ", +0x"
                    + Long.toHexString(length) + ") outside a region of 0x" + Long.toHexString(size) + " bytes");
        }
        return new TrappedMmioRegion(handler, base + offset, length);
    }
}
