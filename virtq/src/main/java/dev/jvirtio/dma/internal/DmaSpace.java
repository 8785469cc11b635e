package dev.jvirtio.dma.internal;

import java.lang.foreign.MemorySegment;

/** TEMPORARY STUB for the ring rewrite (replaced by the real DMA address space on merge). */
public final class DmaSpace {
    /** Stub: everything. */
    public static final MemorySegment SPACE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private DmaSpace() {
    }

    /** Stub: the address. */
    public static long offsetOf(MemorySegment segment) {
        return segment.address();
    }
}
