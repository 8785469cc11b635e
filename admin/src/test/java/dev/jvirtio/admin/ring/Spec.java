package dev.jvirtio.admin.ring;

import dev.jvirtio.admin.LeBytes;

/**
 * The virtio 1.4 admin command wire format written out again, by hand, from the spec tables ("Group
 * administration commands", "Device groups", "Device parts", the net flow filter section) so the ring tests
 * compare the engine's bytes with an encoding that shares nothing with the production code: no production
 * constant, accessor or encoder is used here.
 *
 * <p>Every {@code req*} method returns the complete device-readable part (24-byte header plus
 * {@code command_specific_data}, padded to 8 bytes unless the spec's access semantics forbid it); every
 * {@code resp*} method returns the device-writable bytes up to the used length the device reports.
 */
final class Spec {
    private Spec() {
    }

    // Opcode table (admin.tex). QUERY/MODIFY are ambiguous: table 0xb/0xc, command text 0xc/0xb.
    static final int LIST_QUERY = 0x0000;
    static final int LIST_USE = 0x0001;
    static final int LEGACY_COMMON_CFG_WRITE = 0x0002;
    static final int LEGACY_COMMON_CFG_READ = 0x0003;
    static final int LEGACY_DEV_CFG_WRITE = 0x0004;
    static final int LEGACY_DEV_CFG_READ = 0x0005;
    static final int LEGACY_NOTIFY_INFO = 0x0006;
    static final int CAP_ID_LIST_QUERY = 0x0007;
    static final int DEVICE_CAP_GET = 0x0008;
    static final int DRIVER_CAP_SET = 0x0009;
    static final int RESOURCE_OBJ_CREATE = 0x000a;
    static final int RESOURCE_OBJ_QUERY_TABLE = 0x000b;
    static final int RESOURCE_OBJ_MODIFY_TABLE = 0x000c;
    static final int RESOURCE_OBJ_QUERY_TEXT = 0x000c;
    static final int RESOURCE_OBJ_MODIFY_TEXT = 0x000b;
    static final int RESOURCE_OBJ_DESTROY = 0x000d;
    static final int DEV_PARTS_METADATA_GET = 0x000e;
    static final int DEV_PARTS_GET = 0x000f;
    static final int DEV_PARTS_SET = 0x0010;
    static final int DEV_MODE_SET = 0x0011;

    // Group types.
    static final int SELF = 0x0;
    static final int SRIOV = 0x1;

    // Status values (decimal, equal to Linux errno numbers).
    static final int OK = 0;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EBUSY = 16;
    /** Not in the status table; the 1.4 text names it and the device model sends Linux's value. */
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;

    // Status qualifiers.
    static final int Q_OK = 0x0;
    static final int Q_INVALID_COMMAND = 0x1;
    static final int Q_INVALID_OPCODE = 0x2;
    static final int Q_INVALID_FIELD = 0x3;
    static final int Q_INVALID_GROUP = 0x4;
    static final int Q_INVALID_MEMBER = 0x5;
    static final int Q_NORESOURCE = 0x6;
    static final int Q_TRYAGAIN = 0x7;

    // Capability ids, resource object types, part types.
    static final int CAP_DEV_PARTS = 0x0000;
    static final int CAP_NET_FF_RESOURCE = 0x0800;
    static final int CAP_NET_FF_SELECTOR = 0x0801;
    static final int CAP_NET_FF_ACTION = 0x0802;
    static final int OBJ_DEV_PARTS = 0x0000;
    static final int OBJ_NET_FF_GROUP = 0x0200;
    static final int OBJ_NET_FF_CLASSIFIER = 0x0201;
    static final int OBJ_NET_FF_RULE = 0x0202;
    static final int PART_DEV_FEATURES = 0x100;
    static final int PART_DRV_FEATURES = 0x101;
    static final int PART_PCI_COMMON_CFG = 0x102;
    static final int PART_DEVICE_STATUS = 0x103;
    static final int PART_VQ_CFG = 0x104;
    static final int PART_VQ_NOTIFY_CFG = 0x105;
    static final int PART_NET_CVQ_CFG = 0x200;

    // ------------------------------------------------------------------------------------------
    // Device-readable parts

    /** struct virtio_admin_cmd header: opcode le16, group_type le16, reserved1[12], group_member_id le64. */
    static LeBytes hdr(int opcode, int group, long member) {
        return LeBytes.header(opcode, group, member);
    }

    static byte[] reqListQuery(int group) {
        return hdr(LIST_QUERY, group, 0).bytes();
    }

    /** LIST_USE: the le64 opcode bitmap is the whole data. */
    static byte[] reqListUse(int group, long... words) {
        LeBytes b = hdr(LIST_USE, group, 0);
        for (long w : words) {
            b.u64(w);
        }
        return b.bytes();
    }

    /** Legacy write: offset u8, reserved[7], then the field in its own width. Not padded (the width is the data). */
    static byte[] reqLegacyCommonWrite(long vf, int offset, int width, long value) {
        return uN(hdr(LEGACY_COMMON_CFG_WRITE, SRIOV, vf).u8(offset).zeros(7), width, value).bytes();
    }

    /** Legacy read: offset u8 only; the result buffer length is the access width. Not padded. */
    static byte[] reqLegacyCommonRead(long vf, int offset) {
        return hdr(LEGACY_COMMON_CFG_READ, SRIOV, vf).u8(offset).bytes();
    }

    static byte[] reqLegacyDevWrite(long vf, int offset, String hexData) {
        return hdr(LEGACY_DEV_CFG_WRITE, SRIOV, vf).u8(offset).zeros(7).hex(hexData).bytes();
    }

    static byte[] reqLegacyDevRead(long vf, int offset) {
        return hdr(LEGACY_DEV_CFG_READ, SRIOV, vf).u8(offset).bytes();
    }

    static byte[] reqNotifyInfo(long vf) {
        return hdr(LEGACY_NOTIFY_INFO, SRIOV, vf).bytes();
    }

    static byte[] reqCapIdListQuery() {
        return hdr(CAP_ID_LIST_QUERY, SELF, 0).bytes();
    }

    /** DEVICE_CAP_GET: id le16, reserved[6]. */
    static byte[] reqDeviceCapGet(int id) {
        return hdr(DEVICE_CAP_GET, SELF, 0).u16(id).zeros(6).bytes();
    }

    /** DRIVER_CAP_SET: id le16, reserved[6], cap_specific_data. */
    static byte[] reqDriverCapSet(int id, String hexCap) {
        return hdr(DRIVER_CAP_SET, SELF, 0).u16(id).zeros(6).hex(hexCap).pad8().bytes();
    }

    /** virtio_admin_cmd_resource_obj_cmd_hdr: type le16, reserved[2], id le32. */
    static LeBytes objHdr(LeBytes b, int type, long id) {
        return b.u16(type).zeros(2).u32(id);
    }

    /** CREATE and MODIFY: object header, flags le64 (0), resource_obj_specific_data. */
    static byte[] reqObjWrite(int opcode, int group, long member, int type, long id, String hexData) {
        return objHdr(hdr(opcode, group, member), type, id).u64(0).hex(hexData).pad8().bytes();
    }

    /** QUERY: object header, flags le64 (0). */
    static byte[] reqObjQuery(int opcode, int group, long member, int type, long id) {
        return objHdr(hdr(opcode, group, member), type, id).u64(0).bytes();
    }

    /** DESTROY: object header only. */
    static byte[] reqObjDestroy(int group, long member, int type, long id) {
        return objHdr(hdr(RESOURCE_OBJ_DESTROY, group, member), type, id).bytes();
    }

    /** DEV_PARTS_METADATA_GET: object header, type u8 (0 SIZE, 1 COUNT, 2 LIST), reserved[7]. */
    static byte[] reqPartsMetadata(long vf, long objectId, int type) {
        return objHdr(hdr(DEV_PARTS_METADATA_GET, SRIOV, vf), OBJ_DEV_PARTS, objectId).u8(type).zeros(7).bytes();
    }

    /** DEV_PARTS_GET ALL: object header, type u8 1, reserved[7]. */
    static byte[] reqPartsGetAll(long vf, long objectId) {
        return objHdr(hdr(DEV_PARTS_GET, SRIOV, vf), OBJ_DEV_PARTS, objectId).u8(1).zeros(7).bytes();
    }

    /** DEV_PARTS_GET SELECTED: object header, type u8 0, reserved[7], the wanted part headers. */
    static byte[] reqPartsGetSelected(long vf, long objectId, LeBytes headers) {
        return objHdr(hdr(DEV_PARTS_GET, SRIOV, vf), OBJ_DEV_PARTS, objectId).u8(0).zeros(7)
                .raw(headers.bytes()).bytes();
    }

    /** DEV_PARTS_SET: object header, then the parts back to back; padded to 8 bytes. */
    static byte[] reqPartsSet(long vf, long objectId, LeBytes parts) {
        return objHdr(hdr(DEV_PARTS_SET, SRIOV, vf), OBJ_DEV_PARTS, objectId).raw(parts.bytes()).pad8().bytes();
    }

    /** DEV_MODE_SET: flags u8 (bit 0 STOPPED), padded. */
    static byte[] reqDevModeSet(long vf, int flags) {
        return hdr(DEV_MODE_SET, SRIOV, vf).u8(flags).zeros(7).bytes();
    }

    /** virtio_dev_part_hdr: part_type le16, flags u8, reserved u8, selector[8], length le32. */
    static LeBytes partHdr(LeBytes b, int type, int flags, long selector, long length) {
        return b.u16(type).u8(flags).u8(0).u64(selector).u32(length);
    }

    // ------------------------------------------------------------------------------------------
    // Device-writable parts

    /** status le16, status_qualifier le16, reserved2[4]. */
    static LeBytes status(int status, int qualifier) {
        return LeBytes.le().u16(status).u16(qualifier).zeros(4);
    }

    /** A bare status block (what every failed or result-less command gets back). */
    static byte[] resp(int status, int qualifier) {
        return status(status, qualifier).bytes();
    }

    /** OK with {@code result}, zero padded to 8 bytes as the device writes it. */
    static byte[] respOk(LeBytes result) {
        return status(OK, Q_OK).raw(result.bytes()).pad8().bytes();
    }

    /** OK with {@code result} not padded (legacy reads: the access width is the result length). */
    static byte[] respOkExact(LeBytes result) {
        return status(OK, Q_OK).raw(result.bytes()).bytes();
    }

    static LeBytes uN(LeBytes b, int width, long value) {
        for (int i = 0; i < width; i++) {
            b.u8((int) (value >>> (8 * i)));
        }
        return b;
    }
}
