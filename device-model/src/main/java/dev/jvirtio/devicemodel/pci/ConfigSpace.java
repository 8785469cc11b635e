package dev.jvirtio.devicemodel.pci;

import java.util.Arrays;

/**
 * The configuration space of an emulated PCI function: 256 bytes, or 4096 with PCI Express
 * extended space, with a per-byte write mask and a per-byte write-1-to-clear mask, the way real
 * hardware decides what a write changes.
 *
 * <p>Accesses are little-endian and must be naturally aligned (as the PCI configuration mechanism
 * requires); bytes outside the space read as 0xFF on the bus, but here an out-of-range access is a
 * programming error and throws. A {@link WriteHook} lets the owner react to writes of specific
 * registers (SR-IOV control, NumVFs, MSI-X control) after the mask has been applied.
 */
public final class ConfigSpace {

    /** Called after a write has been applied, with the offset and width of the access. */
    @FunctionalInterface
    public interface WriteHook {
        /** React to a write of {@code width} bytes at {@code offset}; {@code old} is the value before. */
        void written(int offset, int width, int old, int now);
    }

    private final byte[] bytes;
    private final byte[] writable;
    private final byte[] clearOnOne;
    private WriteHook hook = (o, w, old, now) -> { };

    /** A space of {@code size} bytes (256 or 4096), all read-only zero. */
    public ConfigSpace(int size) {
        if (size != 256 && size != 4096) {
            throw new IllegalArgumentException("config space is 256 or 4096 bytes, not " + size);
        }
        bytes = new byte[size];
        writable = new byte[size];
        clearOnOne = new byte[size];
    }

    /** Size in bytes. */
    public int size() {
        return bytes.length;
    }

    /** Installs the write hook (one per space). */
    public void onWrite(WriteHook hook) {
        this.hook = hook;
    }

    private void check(int offset, int width) {
        if (offset < 0 || offset > bytes.length - width) {
            throw new IndexOutOfBoundsException("config access of " + width + " bytes at 0x"
                    + Integer.toHexString(offset) + " outside 0x" + Integer.toHexString(bytes.length) + " bytes");
        }
        if ((offset & (width - 1)) != 0) {
            throw new IllegalArgumentException("unaligned config access of " + width + " bytes at 0x"
                    + Integer.toHexString(offset));
        }
    }

    /** Reads {@code width} (1, 2 or 4) bytes. */
    public synchronized int read(int offset, int width) {
        check(offset, width);
        return raw(offset, width);
    }

    private int raw(int offset, int width) {
        int v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = v << 8 | (bytes[offset + i] & 0xFF);
        }
        return v;
    }

    /** A bus write: only writable bits change, write-1-to-clear bits clear where a 1 is written. */
    public void write(int offset, int width, int value) {
        int old;
        int now;
        synchronized (this) {
            check(offset, width);
            old = raw(offset, width);
            for (int i = 0; i < width; i++) {
                int b = value >>> (8 * i) & 0xFF;
                int at = offset + i;
                int keep = bytes[at] & ~writable[at];
                int cleared = keep & ~(clearOnOne[at] & b);
                bytes[at] = (byte) (cleared | (b & writable[at]));
            }
            now = raw(offset, width);
        }
        hook.written(offset, width, old, now);
    }

    /** Device-side store that ignores the masks (for building the space and for status bits). */
    public synchronized void set(int offset, int width, int value) {
        check(offset, width);
        for (int i = 0; i < width; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Marks the bits of {@code mask} at {@code offset} as writable by the driver. */
    public synchronized void writableBits(int offset, int width, int mask) {
        check(offset, width);
        for (int i = 0; i < width; i++) {
            writable[offset + i] = (byte) (mask >>> (8 * i));
        }
    }

    /** Marks the bits of {@code mask} at {@code offset} as write-1-to-clear. */
    public synchronized void clearOnOneBits(int offset, int width, int mask) {
        check(offset, width);
        for (int i = 0; i < width; i++) {
            clearOnOne[offset + i] = (byte) (mask >>> (8 * i));
        }
    }

    /** A copy of the whole space, as sysfs {@code config} would show it. */
    public synchronized byte[] snapshot() {
        return Arrays.copyOf(bytes, bytes.length);
    }
}
