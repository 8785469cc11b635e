package dev.jvirtio.admin;

import dev.jvirtio.admin.cap.Capability;
import dev.jvirtio.admin.cap.CapabilityIdSet;
import dev.jvirtio.admin.cap.CapabilityKind;
import dev.jvirtio.admin.command.CapIdListQuery;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.DevPartsGet;
import dev.jvirtio.admin.command.DevPartsMetadataGet;
import dev.jvirtio.admin.command.DevPartsSet;
import dev.jvirtio.admin.command.DeviceCapGet;
import dev.jvirtio.admin.command.DriverCapSet;
import dev.jvirtio.admin.command.LegacyCommonCfgRead;
import dev.jvirtio.admin.command.LegacyCommonCfgWrite;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.command.LegacyDevCfgRead;
import dev.jvirtio.admin.command.LegacyDevCfgWrite;
import dev.jvirtio.admin.command.LegacyNotifyInfo;
import dev.jvirtio.admin.command.ListQuery;
import dev.jvirtio.admin.command.ListUse;
import dev.jvirtio.admin.command.ResourceObjCreate;
import dev.jvirtio.admin.command.ResourceObjDestroy;
import dev.jvirtio.admin.command.ResourceObjModify;
import dev.jvirtio.admin.command.ResourceObjQuery;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartHeader;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.admin.resource.ResourceObject;
import dev.jvirtio.admin.resource.ResourceObjectKind;
import dev.jvirtio.admin.resource.ResourceObjectType;
import java.util.List;

/**
 * Static factories for every standard admin command, named after the spec commands. Each returns an
 * immutable {@link AdminCommand} record ready to hand to the admin-queue engine.
 *
 * <pre>{@code
 * import static dev.jvirtio.admin.AdminCommands.*;
 *
 * VfNumber vf = VfNumber.of(3);
 * AdminCommand<Long> status = legacyCommonCfgRead(vf, LegacyCommonField.STATUS);
 * AdminCommand<Void> stop   = devModeSet(vf, DevModeSet.Mode.STOPPED);
 * AdminCommand<DevicePartsCap> cap = deviceCapGet(DevicePartsCap.KIND);
 * }</pre>
 */
public final class AdminCommands {
    private AdminCommands() {
    }

    /** LIST_QUERY for {@code group}. */
    public static AdminCommand<OpcodeSet> listQuery(GroupType group) {
        return new ListQuery(group);
    }

    /** LIST_USE of {@code opcodes} for {@code group}. */
    public static AdminCommand<Void> listUse(GroupType group, OpcodeSet opcodes) {
        return new ListUse(group, opcodes);
    }

    /** LEGACY_COMMON_CFG_READ of {@code field} on {@code vf}; the result is the field value. */
    public static AdminCommand<Long> legacyCommonCfgRead(VfNumber vf, LegacyCommonField field) {
        return new LegacyCommonCfgRead(vf, field);
    }

    /** LEGACY_COMMON_CFG_WRITE of {@code value} to {@code field} on {@code vf}. */
    public static AdminCommand<Void> legacyCommonCfgWrite(VfNumber vf, LegacyCommonField field, long value) {
        return new LegacyCommonCfgWrite(vf, field, value);
    }

    /** LEGACY_DEV_CFG_READ of {@code length} bytes at {@code offset} on {@code vf}. */
    public static AdminCommand<Bytes> legacyDevCfgRead(VfNumber vf, int offset, int length) {
        return new LegacyDevCfgRead(vf, offset, length);
    }

    /** LEGACY_DEV_CFG_WRITE of {@code data} at {@code offset} on {@code vf}. */
    public static AdminCommand<Void> legacyDevCfgWrite(VfNumber vf, int offset, Bytes data) {
        return new LegacyDevCfgWrite(vf, offset, data);
    }

    /** LEGACY_NOTIFY_INFO of {@code vf}. */
    public static AdminCommand<LegacyNotifyInfo.Result> legacyNotifyInfo(VfNumber vf) {
        return new LegacyNotifyInfo(vf);
    }

    /** CAP_ID_LIST_QUERY. */
    public static AdminCommand<CapabilityIdSet> capIdListQuery() {
        return new CapIdListQuery();
    }

    /** DEVICE_CAP_GET of the capability {@code kind} describes. */
    public static <C extends Capability> AdminCommand<C> deviceCapGet(CapabilityKind<C> kind) {
        return new DeviceCapGet<>(kind);
    }

    /** DRIVER_CAP_SET of {@code capability}. */
    public static AdminCommand<Void> driverCapSet(Capability capability) {
        return new DriverCapSet(capability);
    }

    /** RESOURCE_OBJ_CREATE of {@code object} with id {@code id}, addressed to {@code target}. */
    public static AdminCommand<Void> resourceObjCreate(GroupMember target, long id, ResourceObject object) {
        return new ResourceObjCreate(target, id, object);
    }

    /** RESOURCE_OBJ_MODIFY of object {@code id} to {@code object}. */
    public static AdminCommand<Void> resourceObjModify(GroupMember target, long id, ResourceObject object) {
        return new ResourceObjModify(target, id, object);
    }

    /** RESOURCE_OBJ_QUERY of object {@code id} of the type {@code kind} describes. */
    public static <D extends ResourceObject> AdminCommand<D> resourceObjQuery(GroupMember target,
            ResourceObjectKind<D> kind, long id) {
        return new ResourceObjQuery<>(target, kind, id);
    }

    /** RESOURCE_OBJ_DESTROY of object {@code id} of {@code type}. */
    public static AdminCommand<Void> resourceObjDestroy(GroupMember target, ResourceObjectType type, long id) {
        return new ResourceObjDestroy(target, type, id);
    }

    /** RESOURCE_OBJ_CREATE of a device-parts object on {@code vf}. */
    public static AdminCommand<Void> devPartsObjectCreate(VfNumber vf, long id, DevicePartsObject.Mode mode) {
        return new ResourceObjCreate(GroupMember.vf(vf), id, new DevicePartsObject(mode));
    }

    /** RESOURCE_OBJ_DESTROY of a device-parts object on {@code vf}. */
    public static AdminCommand<Void> devPartsObjectDestroy(VfNumber vf, long id) {
        return new ResourceObjDestroy(GroupMember.vf(vf), ResourceObjectType.DEV_PARTS, id);
    }

    /** DEV_PARTS_METADATA_GET SIZE. */
    public static DevPartsMetadataGet devPartsSize(VfNumber vf, long objectId) {
        return DevPartsMetadataGet.size(vf, objectId);
    }

    /** DEV_PARTS_METADATA_GET COUNT. */
    public static DevPartsMetadataGet devPartsCount(VfNumber vf, long objectId) {
        return DevPartsMetadataGet.count(vf, objectId);
    }

    /** DEV_PARTS_METADATA_GET LIST with room for {@code maxHeaders} headers. */
    public static DevPartsMetadataGet devPartsList(VfNumber vf, long objectId, long maxHeaders) {
        return DevPartsMetadataGet.list(vf, objectId, maxHeaders);
    }

    /** DEV_PARTS_GET ALL into a result buffer of {@code resultCapacity} bytes. */
    public static AdminCommand<List<DevicePart>> devPartsGetAll(VfNumber vf, long objectId, int resultCapacity) {
        return DevPartsGet.all(vf, objectId, resultCapacity);
    }

    /** DEV_PARTS_GET SELECTED. */
    public static AdminCommand<List<DevicePart>> devPartsGetSelected(VfNumber vf, long objectId,
            List<DevicePartHeader> wanted, int resultCapacity) {
        return DevPartsGet.selected(vf, objectId, wanted, resultCapacity);
    }

    /** DEV_PARTS_SET, order-checked. */
    public static AdminCommand<Void> devPartsSet(VfNumber vf, long objectId, List<DevicePart> parts) {
        return DevPartsSet.of(vf, objectId, parts);
    }

    /** DEV_MODE_SET. */
    public static AdminCommand<Void> devModeSet(VfNumber vf, DevModeSet.Mode mode) {
        return new DevModeSet(vf, mode);
    }
}
