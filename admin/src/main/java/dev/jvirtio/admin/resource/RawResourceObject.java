package dev.jvirtio.admin.resource;

import dev.jvirtio.admin.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Resource object data this library does not model, kept as bytes.
 *
 * @param type the object type
 * @param data the object-specific bytes
 */
public record RawResourceObject(ResourceObjectType type, Bytes data) implements ResourceObject {
    /** Validates the arguments. */
    public RawResourceObject {
        if (type == null || data == null) {
            throw new NullPointerException("type and data are required");
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
