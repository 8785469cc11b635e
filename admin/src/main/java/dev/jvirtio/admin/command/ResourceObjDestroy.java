package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.resource.ResourceObjectType;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_RESOURCE_OBJ_DESTROY (0xd): destroy object {@code id} of {@code type}. Data: the object
 * header only. No result. Destroy dependants first (the device answers EBUSY otherwise).
 *
 * @param target the addressee
 * @param type   the object type
 * @param id     the object id
 */
public record ResourceObjDestroy(GroupMember target, ResourceObjectType type, long id) implements AdminCommand<Void> {
    /** Validates the arguments. */
    public ResourceObjDestroy {
        if (target == null || type == null) {
            throw new NullPointerException("target and type are required");
        }
        ObjectHeader.checkId(id);
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.RESOURCE_OBJ_DESTROY;
    }

    @Override
    public GroupType groupType() {
        return target.groupType();
    }

    @Override
    public long memberId() {
        return target.memberId();
    }

    @Override
    public int dataLength() {
        return ObjectHeader.SIZE;
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        ObjectHeader.put(dst, offset, type.code(), id);
    }

    @Override
    public int resultCapacity() {
        return 0;
    }

    @Override
    public Void decodeResult(MemorySegment result, int resultLength) {
        return null;
    }
}
