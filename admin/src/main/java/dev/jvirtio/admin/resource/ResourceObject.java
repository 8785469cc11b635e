package dev.jvirtio.admin.resource;

import java.lang.foreign.MemorySegment;

/**
 * The type-specific data of a resource object ({@code resource_obj_specific_data} of RESOURCE_OBJ_CREATE and
 * MODIFY, and the QUERY result). Typed objects: {@link DevicePartsObject} and the virtio-net flow filter
 * objects in {@code dev.jvirtio.admin.net}; anything else travels as {@link RawResourceObject}.
 */
public interface ResourceObject {
    /** The object type. */
    ResourceObjectType type();

    /** Length of the encoded data. */
    int encodedLength();

    /** Writes {@link #encodedLength()} bytes at {@code offset}; the range is pre-zeroed. */
    void encode(MemorySegment dst, long offset);
}
