package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.resource.ResourceObject;
import dev.jvirtio.admin.resource.ResourceObjectKind;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_RESOURCE_OBJ_QUERY (0xb in the opcode table, 0xc in the command text; see
 * {@link dev.jvirtio.admin.OpcodeNumbering}): read back the data of object {@code id} (the device echoes the
 * last CREATE or MODIFY data). Data: object header and {@code flags} le64 (0). Result: the object data,
 * decoded by {@code kind}.
 *
 * @param target the addressee
 * @param kind   the object type and how to decode its data
 * @param id     the object id
 * @param <D>    the decoded object type
 */
public record ResourceObjQuery<D extends ResourceObject>(GroupMember target, ResourceObjectKind<D> kind, long id)
        implements AdminCommand<D> {
    /** Validates the arguments. */
    public ResourceObjQuery {
        if (target == null || kind == null) {
            throw new NullPointerException("target and kind are required");
        }
        ObjectHeader.checkId(id);
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.RESOURCE_OBJ_QUERY;
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
        return ObjectHeader.SIZE + 8;
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        ObjectHeader.put(dst, offset, kind.type().code(), id);
    }

    @Override
    public int resultCapacity() {
        return kind.resultCapacity();
    }

    @Override
    public D decodeResult(MemorySegment result, int resultLength) {
        return kind.decode(result, resultLength);
    }
}
