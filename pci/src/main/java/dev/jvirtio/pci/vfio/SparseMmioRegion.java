package dev.jvirtio.pci.vfio;

import dev.jvirtio.pci.MmioRegion;
import dev.jvirtio.pci.TrappedMmioRegion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * {@link MmioRegion} over a BAR of which only some windows may be mmapped (VFIO's sparse-mmap capability:
 * typically everything except the page holding the MSI-X table on kernels that protect it). Accesses inside
 * a mapped window are volatile accesses of exactly the requested width, like {@code SegmentMmioRegion};
 * accesses elsewhere go to a fallback (pread/pwrite on the device fd), which the kernel emulates or forwards.
 *
 * <p>An access must lie entirely inside one window or entirely outside all of them; windows are few, so
 * lookup is a linear scan over a small array.
 */
final class SparseMmioRegion implements MmioRegion {
    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final long[] areaOffset;
    private final long[] areaSize;
    private final MemorySegment[] areaMemory;
    private final TrappedMmioRegion.Handler fallback;
    private final long base;
    private final long size;

    /**
     * @param areas    the mapped windows (offsets relative to the whole region)
     * @param memory   the mapping of each window, {@code memory.get(i).byteSize() == areas.get(i).size()}
     * @param fallback handles accesses outside the windows; offsets relative to the whole region
     * @param size     size of the whole region
     */
    SparseMmioRegion(List<SparseArea> areas, List<MemorySegment> memory, TrappedMmioRegion.Handler fallback, long size) {
        if (areas.size() != memory.size()) {
            throw new IllegalArgumentException(areas.size() + " areas but " + memory.size() + " mappings");
        }
        int n = areas.size();
        areaOffset = new long[n];
        areaSize = new long[n];
        areaMemory = new MemorySegment[n];
        for (int i = 0; i < n; i++) {
            SparseArea a = areas.get(i);
            MemorySegment m = memory.get(i);
            if (m.byteSize() != a.size() || !m.isNative() || a.offset() > size - a.size()) {
                throw new IllegalArgumentException("mapping " + i + " does not match area " + a);
            }
            areaOffset[i] = a.offset();
            areaSize[i] = a.size();
            areaMemory[i] = m;
        }
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.base = 0;
        this.size = size;
    }

    private SparseMmioRegion(SparseMmioRegion parent, long base, long size) {
        this.areaOffset = parent.areaOffset;
        this.areaSize = parent.areaSize;
        this.areaMemory = parent.areaMemory;
        this.fallback = parent.fallback;
        this.base = base;
        this.size = size;
    }

    /** Index of the window holding {@code [at, at + width)} (absolute offsets), or -1. */
    private int area(long at, int width) {
        for (int i = 0; i < areaOffset.length; i++) {
            long rel = at - areaOffset[i];
            if (rel >= 0 && rel <= areaSize[i] - width) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read8(long offset) {
        MmioRegion.checkAccess(offset, 1, size);
        long at = base + offset;
        int i = area(at, 1);
        return i < 0 ? fallback.read(at, 1) & 0xff
                : Byte.toUnsignedInt((byte) U8.getVolatile(areaMemory[i], at - areaOffset[i]));
    }

    @Override
    public int read16(long offset) {
        MmioRegion.checkAccess(offset, 2, size);
        long at = base + offset;
        int i = area(at, 2);
        return i < 0 ? fallback.read(at, 2) & 0xffff
                : Short.toUnsignedInt((short) U16.getVolatile(areaMemory[i], at - areaOffset[i]));
    }

    @Override
    public int read32(long offset) {
        MmioRegion.checkAccess(offset, 4, size);
        long at = base + offset;
        int i = area(at, 4);
        return i < 0 ? fallback.read(at, 4) : (int) U32.getVolatile(areaMemory[i], at - areaOffset[i]);
    }

    @Override
    public void write8(long offset, int value) {
        MmioRegion.checkAccess(offset, 1, size);
        long at = base + offset;
        int i = area(at, 1);
        if (i < 0) {
            fallback.write(at, 1, value & 0xff);
        } else {
            U8.setVolatile(areaMemory[i], at - areaOffset[i], (byte) value);
        }
    }

    @Override
    public void write16(long offset, int value) {
        MmioRegion.checkAccess(offset, 2, size);
        long at = base + offset;
        int i = area(at, 2);
        if (i < 0) {
            fallback.write(at, 2, value & 0xffff);
        } else {
            U16.setVolatile(areaMemory[i], at - areaOffset[i], (short) value);
        }
    }

    @Override
    public void write32(long offset, int value) {
        MmioRegion.checkAccess(offset, 4, size);
        long at = base + offset;
        int i = area(at, 4);
        if (i < 0) {
            fallback.write(at, 4, value);
        } else {
            U32.setVolatile(areaMemory[i], at - areaOffset[i], value);
        }
    }

    @Override
    public MmioRegion window(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("window [0x" + Long.toHexString(offset) + ", +0x"
                    + Long.toHexString(length) + ") outside a region of 0x" + Long.toHexString(size) + " bytes");
        }
        return new SparseMmioRegion(this, base + offset, length);
    }
}
