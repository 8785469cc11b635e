package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * A part whose type this library does not model (an unassigned common type or a reserved type), kept
 * verbatim so it can be passed on unchanged.
 *
 * @param type     the part type
 * @param flags    the flags byte
 * @param selector the selector bytes as a little-endian u64
 * @param value    the value bytes
 */
public record UnknownPart(PartType type, int flags, long selector, Bytes value) implements DevicePart {
    /** Validates the arguments. */
    public UnknownPart {
        if (type == null || value == null) {
            throw new NullPointerException("type and value are required");
        }
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("flags must fit in a byte, got " + flags);
        }
        if (type.isDeviceTypeSpecific() || DevicePartsOrder.rank(type) >= 0) {
            throw new IllegalArgumentException(type + " has a typed representation; use it instead of UnknownPart");
        }
    }

    @Override
    public int valueLength() {
        return value.length();
    }

    @Override
    public void encodeValue(MemorySegment dst, long offset) {
        value.copyTo(dst, offset);
    }
}
