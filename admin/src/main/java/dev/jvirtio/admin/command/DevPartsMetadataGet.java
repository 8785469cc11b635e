package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.AdminProtocolException;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.internal.Wire;
import dev.jvirtio.admin.parts.DevicePartHeader;
import dev.jvirtio.admin.resource.ResourceObjectType;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * VIRTIO_ADMIN_CMD_DEV_PARTS_METADATA_GET (0xe, SR-IOV): metadata of a VF's device parts, through a
 * device-parts object created for GET. Data: object header (type DEV_PARTS, id), {@code type} u8, 7 reserved
 * bytes. Result by type: SIZE {size le32, reserved le32}; COUNT {count le32, reserved le32}; LIST {count le32,
 * reserved le32, count 16-byte part headers}. A too-small LIST buffer makes the device answer ENOMEM; ask COUNT
 * first and size the buffer with {@link #list(VfNumber, long, long)}.
 *
 * @param vf             the member
 * @param objectId       the device-parts (GET) object id
 * @param type           which metadata
 * @param resultCapacity the result buffer size
 */
public record DevPartsMetadataGet(VfNumber vf, long objectId, Type type, int resultCapacity)
        implements AdminCommand<DevPartsMetadata> {

    /** The metadata type, {@code VIRTIO_ADMIN_CMD_DEV_PARTS_METADATA_TYPE_*}. */
    public enum Type {
        /** 0: maximum size of all parts. */
        SIZE,
        /** 1: number of part headers. */
        COUNT,
        /** 2: the part headers. */
        LIST
    }

    /** Validates the arguments. */
    public DevPartsMetadataGet {
        if (vf == null || type == null) {
            throw new NullPointerException("vf and type are required");
        }
        ObjectHeader.checkId(objectId);
        ObjectHeader.checkCapacity(resultCapacity);
        if (type != Type.LIST && resultCapacity < 8) {
            throw new IllegalArgumentException(type + " needs an 8-byte result buffer, got " + resultCapacity);
        }
    }

    /** SIZE request. */
    public static DevPartsMetadataGet size(VfNumber vf, long objectId) {
        return new DevPartsMetadataGet(vf, objectId, Type.SIZE, 8);
    }

    /** COUNT request. */
    public static DevPartsMetadataGet count(VfNumber vf, long objectId) {
        return new DevPartsMetadataGet(vf, objectId, Type.COUNT, 8);
    }

    /** LIST request with room for {@code maxHeaders} headers. */
    public static DevPartsMetadataGet list(VfNumber vf, long objectId, long maxHeaders) {
        if (maxHeaders < 0 || maxHeaders > (Integer.MAX_VALUE - 64) / DevicePartHeader.SIZE) {
            throw new IllegalArgumentException("header count out of range: " + maxHeaders);
        }
        return new DevPartsMetadataGet(vf, objectId, Type.LIST, 8 + (int) maxHeaders * DevicePartHeader.SIZE);
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.DEV_PARTS_METADATA_GET;
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
        return ObjectHeader.SIZE + 8;
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        ObjectHeader.put(dst, offset, ResourceObjectType.DEV_PARTS.code(), objectId);
        Wire.putU8(dst, offset + ObjectHeader.SIZE, type.ordinal());
    }

    @Override
    public DevPartsMetadata decodeResult(MemorySegment r, int resultLength) {
        return switch (type) {
            case SIZE -> new DevPartsMetadata.PartsSize(Wire.u32(r, 0));
            case COUNT -> new DevPartsMetadata.PartsCount(Wire.u32(r, 0));
            case LIST -> decodeList(r, resultLength);
        };
    }

    private DevPartsMetadata decodeList(MemorySegment r, int resultLength) {
        long count = r.byteSize() >= 4 ? Wire.u32(r, 0) : 0;
        long room = Math.max(0, resultLength - 8L) / DevicePartHeader.SIZE;
        // Check the device's count against the bytes it wrote before allocating anything for it.
        if (count > room) {
            throw new AdminProtocolException("DEV_PARTS_METADATA_GET LIST reports " + count
                    + " part headers but the device wrote room for " + room + " (" + resultLength + " bytes)");
        }
        List<DevicePartHeader> headers = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            headers.add(DevicePartHeader.decode(r, 8L + (long) i * DevicePartHeader.SIZE));
        }
        return new DevPartsMetadata.PartHeaders(headers);
    }
}
