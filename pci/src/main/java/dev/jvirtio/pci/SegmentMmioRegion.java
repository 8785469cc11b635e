package dev.jvirtio.pci;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * {@link MmioRegion} over memory: a BAR mapped through VFIO, or plain memory that stands for one.
 *
 * <p>Every access is a volatile access of exactly the requested width, so the JIT neither merges,
 * splits, hoists nor elides it, and it is ordered with the other volatile accesses of the thread
 * (what the doorbell and status writes rely on). The segment must be native memory with page (or at
 * least 4-byte) alignment, as mappings are.
 */
public final class SegmentMmioRegion implements MmioRegion {

    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 =
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final MemorySegment segment;

    /** Wraps {@code segment}; the segment's lifetime bounds this region's. */
    public SegmentMmioRegion(MemorySegment segment) {
        this.segment = Objects.requireNonNull(segment, "segment");
        if (!segment.isNative()) {
            throw new IllegalArgumentException("MMIO needs native memory, not a heap segment");
        }
    }

    @Override
    public long size() {
        return segment.byteSize();
    }

    @Override
    public int read8(long offset) {
        MmioRegion.checkAccess(offset, 1, segment.byteSize());
        return Byte.toUnsignedInt((byte) U8.getVolatile(segment, offset));
    }

    @Override
    public int read16(long offset) {
        MmioRegion.checkAccess(offset, 2, segment.byteSize());
        return Short.toUnsignedInt((short) U16.getVolatile(segment, offset));
    }

    @Override
    public int read32(long offset) {
        MmioRegion.checkAccess(offset, 4, segment.byteSize());
        return (int) U32.getVolatile(segment, offset);
    }

    @Override
    public void write8(long offset, int value) {
        MmioRegion.checkAccess(offset, 1, segment.byteSize());
        U8.setVolatile(segment, offset, (byte) value);
    }

    @Override
    public void write16(long offset, int value) {
        MmioRegion.checkAccess(offset, 2, segment.byteSize());
        U16.setVolatile(segment, offset, (short) value);
    }

    @Override
    public void write32(long offset, int value) {
        MmioRegion.checkAccess(offset, 4, segment.byteSize());
        U32.setVolatile(segment, offset, value);
    }

    @Override
    public MmioRegion window(long offset, long length) {
        return new SegmentMmioRegion(segment.asSlice(offset, length));
    }
}
