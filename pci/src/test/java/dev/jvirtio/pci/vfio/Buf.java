package dev.jvirtio.pci.vfio;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds kernel reply buffers byte by byte, in host order as VFIO writes them. */
final class Buf {
    private final ByteBuffer b;

    Buf(int size) {
        b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    Buf u16(int at, int v) {
        b.putShort(at, (short) v);
        return this;
    }

    Buf u32(int at, long v) {
        b.putInt(at, (int) v);
        return this;
    }

    Buf u64(int at, long v) {
        b.putLong(at, v);
        return this;
    }

    /** A capability header {id, version, next} at {@code at}. */
    Buf cap(int at, int id, int version, int next) {
        return u16(at, id).u16(at + 2, version).u32(at + 4, next);
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(b.array().clone());
    }
}
