package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartsFormatException;
import dev.jvirtio.admin.parts.DevicePartsWriter;
import dev.jvirtio.admin.resource.ResourceObjectType;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * VIRTIO_ADMIN_CMD_DEV_PARTS_SET (0x10, SR-IOV): restore device parts into a stopped VF through a
 * device-parts object created for SET. Data: object header (type DEV_PARTS, id), then the parts back to back.
 * No result. Takes effect when the VF is resumed with DEV_MODE_SET.
 *
 * @param vf         the member
 * @param objectId   the device-parts (SET) object id
 * @param parts      the parts
 * @param checkOrder refuse, at construction, parts that break the spec's order (the driver MUST keep it)
 */
public record DevPartsSet(VfNumber vf, long objectId, List<DevicePart> parts, boolean checkOrder)
        implements AdminCommand<Void> {
    /**
     * Validates the arguments and copies the list.
     *
     * @throws IllegalArgumentException if {@code checkOrder} and the parts are out of order, or they are too
     *                                  large for one command
     */
    public DevPartsSet {
        if (vf == null) {
            throw new NullPointerException("vf");
        }
        ObjectHeader.checkId(objectId);
        parts = List.copyOf(parts);
        if (DevicePartsWriter.encodedLength(parts) > Integer.MAX_VALUE - 128) {
            throw new IllegalArgumentException("device parts too large for one command");
        }
        if (checkOrder) {
            try {
                DevicePartsWriter.checkOrder(parts);
            } catch (DevicePartsFormatException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    /** An order-checked SET. */
    public static DevPartsSet of(VfNumber vf, long objectId, List<DevicePart> parts) {
        return new DevPartsSet(vf, objectId, parts, true);
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.DEV_PARTS_SET;
    }

    @Override
    public GroupType groupType() {
        return GroupType.SR_IOV;
    }

    @Override
    public long memberId() {
        return vf.memberId();
    }

    @Override
    public int dataLength() {
        return ObjectHeader.SIZE + (int) DevicePartsWriter.encodedLength(parts);
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        ObjectHeader.put(dst, offset, ResourceObjectType.DEV_PARTS.code(), objectId);
        DevicePartsWriter w = new DevicePartsWriter(dst, offset + ObjectHeader.SIZE,
                DevicePartsWriter.encodedLength(parts), false);
        for (DevicePart p : parts) {
            w.write(p);
        }
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
