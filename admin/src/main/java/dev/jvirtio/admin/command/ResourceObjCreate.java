package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.resource.ResourceObject;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_RESOURCE_OBJ_CREATE (0xa): create resource object {@code id} of the object's type. Data:
 * object header (type le16, 2 reserved bytes, id le32), {@code flags} le64 (0), the object data. No result.
 * Ids are driver-assigned in 0..limit-1 of the driver capability; the member is self for most objects and a
 * VF for device-parts objects.
 *
 * @param target the addressee
 * @param id     the object id, 0..0xffffffff
 * @param object the object's type and data
 */
public record ResourceObjCreate(GroupMember target, long id, ResourceObject object) implements AdminCommand<Void> {
    /** Validates the arguments. */
    public ResourceObjCreate {
        if (target == null || object == null) {
            throw new NullPointerException("target and object are required");
        }
        ObjectHeader.checkId(id);
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.RESOURCE_OBJ_CREATE;
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
        return ObjectHeader.SIZE + 8 + object.encodedLength();
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        ObjectHeader.put(dst, offset, object.type().code(), id);
        // flags le64 at +8 stays zero: no flags are defined yet.
        object.encode(dst, offset + ObjectHeader.SIZE + 8);
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
