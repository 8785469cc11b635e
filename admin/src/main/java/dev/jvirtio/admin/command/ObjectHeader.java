package dev.jvirtio.admin.command;

import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * {@code struct virtio_admin_cmd_resource_obj_cmd_hdr}: type le16 at 0, 2 reserved bytes, id le32 at 4.
 * Shared by the resource-object and device-parts commands.
 */
final class ObjectHeader {
    static final int SIZE = 8;

    private ObjectHeader() {
    }

    static void put(MemorySegment dst, long off, int type, long id) {
        Wire.putU16(dst, off, type);
        Wire.putU32(dst, off + 4, id);
    }

    static void checkId(long id) {
        if (id < 0 || id > 0xffff_ffffL) {
            throw new IllegalArgumentException("resource object id must fit in 32 bits, got " + id);
        }
    }

    static void checkCapacity(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("result capacity must be >= 0, got " + capacity);
        }
    }
}
