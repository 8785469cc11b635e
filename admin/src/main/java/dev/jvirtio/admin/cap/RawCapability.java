package dev.jvirtio.admin.cap;

import dev.jvirtio.admin.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * A capability this library does not model, kept as its {@code cap_specific_data} bytes.
 *
 * @param id   the capability id, 0..0xffff
 * @param data the capability-specific bytes
 */
public record RawCapability(int id, Bytes data) implements Capability {
    /** Validates the id. */
    public RawCapability {
        checkId(id);
        if (data == null) {
            throw new NullPointerException("data");
        }
    }

    static void checkId(int id) {
        if (id < 0 || id > 0xffff) {
            throw new IllegalArgumentException("capability id must be in 0..0xffff, got " + id);
        }
    }

    @Override
    public int encodedLength() {
        return data.length();
    }

    @Override
    public void encode(MemorySegment dst, long offset) {
        data.copyTo(dst, offset);
    }
}
