package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.internal.Wire;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartHeader;
import dev.jvirtio.admin.parts.DevicePartsReader;
import dev.jvirtio.admin.resource.ResourceObjectType;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * VIRTIO_ADMIN_CMD_DEV_PARTS_GET (0xf, SR-IOV): capture a VF's device parts through a device-parts object
 * created for GET. Data: object header (type DEV_PARTS, id), {@code type} u8 (0 SELECTED, 1 ALL), 7 reserved
 * bytes, then for SELECTED the 16-byte headers of the wanted parts. Result: the parts (missing ones are
 * skipped by the device), parsed with {@link DevicePartsReader}.
 *
 * <pre>{@code
 * long size = ((PartsSize) engine.submit(DevPartsMetadataGet.size(vf, 0))).size();
 * List<DevicePart> parts = engine.submit(DevPartsGet.all(vf, 0, (int) size));
 * }</pre>
 *
 * @param vf             the member
 * @param objectId       the device-parts (GET) object id
 * @param selected       the parts wanted, or {@code null} for ALL
 * @param resultCapacity the result buffer size
 * @param checkOrder     reject results that break the spec's part order (the device MUST keep it)
 */
public record DevPartsGet(VfNumber vf, long objectId, List<DevicePartHeader> selected, int resultCapacity,
        boolean checkOrder) implements AdminCommand<List<DevicePart>> {
    private static final int TYPE_SELECTED = 0;
    private static final int TYPE_ALL = 1;

    /** Validates the arguments and copies the header list. */
    public DevPartsGet {
        if (vf == null) {
            throw new NullPointerException("vf");
        }
        ObjectHeader.checkId(objectId);
        ObjectHeader.checkCapacity(resultCapacity);
        if (selected != null) {
            selected = List.copyOf(selected);
            if (selected.size() > (Integer.MAX_VALUE - 128) / DevicePartHeader.SIZE) {
                throw new IllegalArgumentException("too many selected parts: " + selected.size());
            }
        }
    }

    /** All parts, order-checked. */
    public static DevPartsGet all(VfNumber vf, long objectId, int resultCapacity) {
        return new DevPartsGet(vf, objectId, null, resultCapacity, true);
    }

    /** The listed parts, order-checked. */
    public static DevPartsGet selected(VfNumber vf, long objectId, List<DevicePartHeader> wanted,
            int resultCapacity) {
        return new DevPartsGet(vf, objectId, wanted, resultCapacity, true);
    }

    /** True for an ALL request. */
    public boolean all() {
        return selected == null;
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.DEV_PARTS_GET;
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
        return ObjectHeader.SIZE + 8 + (selected == null ? 0 : selected.size() * DevicePartHeader.SIZE);
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        ObjectHeader.put(dst, offset, ResourceObjectType.DEV_PARTS.code(), objectId);
        Wire.putU8(dst, offset + ObjectHeader.SIZE, selected == null ? TYPE_ALL : TYPE_SELECTED);
        if (selected != null) {
            long at = offset + ObjectHeader.SIZE + 8;
            for (DevicePartHeader h : selected) {
                h.encode(dst, at);
                at += DevicePartHeader.SIZE;
            }
        }
    }

    @Override
    public List<DevicePart> decodeResult(MemorySegment result, int resultLength) {
        return DevicePartsReader.readAll(result, 0, resultLength, checkOrder);
    }
}
