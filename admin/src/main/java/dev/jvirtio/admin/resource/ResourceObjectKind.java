package dev.jvirtio.admin.resource;

import dev.jvirtio.admin.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * How to decode the data of one resource object type: the type token a RESOURCE_OBJ_QUERY is built from.
 * Device-type-specific types are ambiguous across device types, so the caller picks the kind.
 *
 * <pre>{@code
 * AdminCommands.resourceObjQuery(GroupMember.self(), FlowFilterGroup.KIND, 4);
 * AdminCommands.resourceObjQuery(GroupMember.self(), ResourceObjectKind.raw(ResourceObjectType.NET_IPSEC_INB_SA), 1);
 * }</pre>
 *
 * @param <D> the decoded object type
 */
public interface ResourceObjectKind<D extends ResourceObject> {
    /** The object type. */
    ResourceObjectType type();

    /** The result buffer size to post when querying. */
    int resultCapacity();

    /**
     * Decodes {@code resource_obj_specific_result}.
     *
     * @param src    the result buffer; bytes at or past {@code length} are zero
     * @param length how many bytes the device wrote
     * @throws dev.jvirtio.admin.AdminProtocolException if the bytes contradict the layout
     */
    D decode(MemorySegment src, int length);

    /** A kind keeping the data raw, posting a 4096-byte result buffer. */
    static ResourceObjectKind<RawResourceObject> raw(ResourceObjectType type) {
        return raw(type, 4096);
    }

    /** A kind keeping the data raw, posting a result buffer of {@code capacity} bytes. */
    static ResourceObjectKind<RawResourceObject> raw(ResourceObjectType type, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        return new ResourceObjectKind<>() {
            @Override
            public ResourceObjectType type() {
                return type;
            }

            @Override
            public int resultCapacity() {
                return capacity;
            }

            @Override
            public RawResourceObject decode(MemorySegment src, int length) {
                return new RawResourceObject(type, Bytes.copyOf(src, 0, length));
            }
        };
    }
}
