package dev.jvirtio.admin.net;

import dev.jvirtio.admin.internal.Wire;
import dev.jvirtio.admin.resource.ResourceObject;
import dev.jvirtio.admin.resource.ResourceObjectKind;
import dev.jvirtio.admin.resource.ResourceObjectType;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_NET_RESOURCE_OBJ_FF_GROUP (0x200) data, {@code struct virtio_net_resource_obj_ff_group}: the group
 * priority, le16. Groups are tried from the highest priority down; each group has a distinct priority.
 *
 * @param priority the group priority, 0..0xffff
 */
public record FlowFilterGroup(int priority) implements ResourceObject {
    /** Decodes group data. */
    public static final ResourceObjectKind<FlowFilterGroup> KIND = new ResourceObjectKind<>() {
        @Override
        public ResourceObjectType type() {
            return ResourceObjectType.NET_FF_GROUP;
        }

        @Override
        public int resultCapacity() {
            return 8;
        }

        @Override
        public FlowFilterGroup decode(MemorySegment src, int length) {
            return new FlowFilterGroup(Wire.u16(src, 0));
        }
    };

    /** Validates the range. */
    public FlowFilterGroup {
        if (priority < 0 || priority > 0xffff) {
            throw new IllegalArgumentException("group priority must be in 0..0xffff, got " + priority);
        }
    }

    @Override
    public ResourceObjectType type() {
        return ResourceObjectType.NET_FF_GROUP;
    }

    @Override
    public int encodedLength() {
        return 2;
    }

    @Override
    public void encode(MemorySegment dst, long offset) {
        Wire.putU16(dst, offset, priority);
    }
}
