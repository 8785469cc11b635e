package dev.jvirtio.admin;

import dev.jvirtio.admin.internal.Wire;

/**
 * An admin command opcode with its spec name.
 *
 * <p>The constants carry the values of the virtio 1.4 opcode table. Two of them are ambiguous in the spec:
 * the table says {@code RESOURCE_OBJ_QUERY} = 0xb and {@code RESOURCE_OBJ_MODIFY} = 0xc,
 * while the command text says the opposite. {@link #code()} is always the table value; the value actually put
 * on the wire is {@link OpcodeNumbering#wireCode(AdminOpcode)}, so pick the numbering that matches the device.
 *
 * <p>Vendor-specific or future commands define their own opcode with {@link #custom(int, String)}.
 *
 * @param code the opcode per the 1.4 opcode table (0..0xffff)
 * @param name the spec name without the {@code VIRTIO_ADMIN_CMD_} prefix
 */
public record AdminOpcode(int code, String name) {
    /** Query the commands supported for a group type (1.3). */
    public static final AdminOpcode LIST_QUERY = new AdminOpcode(0x0, "LIST_QUERY");
    /** Tell the device which commands the driver uses (1.3). */
    public static final AdminOpcode LIST_USE = new AdminOpcode(0x1, "LIST_USE");
    /** Write the legacy common configuration of a VF (1.3). */
    public static final AdminOpcode LEGACY_COMMON_CFG_WRITE = new AdminOpcode(0x2, "LEGACY_COMMON_CFG_WRITE");
    /** Read the legacy common configuration of a VF (1.3). */
    public static final AdminOpcode LEGACY_COMMON_CFG_READ = new AdminOpcode(0x3, "LEGACY_COMMON_CFG_READ");
    /** Write the legacy device-specific configuration of a VF (1.3). */
    public static final AdminOpcode LEGACY_DEV_CFG_WRITE = new AdminOpcode(0x4, "LEGACY_DEV_CFG_WRITE");
    /** Read the legacy device-specific configuration of a VF (1.3). */
    public static final AdminOpcode LEGACY_DEV_CFG_READ = new AdminOpcode(0x5, "LEGACY_DEV_CFG_READ");
    /** Query the legacy notification addresses of a VF (1.3). */
    public static final AdminOpcode LEGACY_NOTIFY_INFO = new AdminOpcode(0x6, "LEGACY_NOTIFY_INFO");
    /** Query the supported capability id bitmap (1.4). */
    public static final AdminOpcode CAP_ID_LIST_QUERY = new AdminOpcode(0x7, "CAP_ID_LIST_QUERY");
    /** Get a device capability (1.4). */
    public static final AdminOpcode DEVICE_CAP_GET = new AdminOpcode(0x8, "DEVICE_CAP_GET");
    /** Set a driver capability (1.4). */
    public static final AdminOpcode DRIVER_CAP_SET = new AdminOpcode(0x9, "DRIVER_CAP_SET");
    /** Create a resource object (1.4). */
    public static final AdminOpcode RESOURCE_OBJ_CREATE = new AdminOpcode(0xa, "RESOURCE_OBJ_CREATE");
    /** Query a resource object (1.4); 0xb in the opcode table, 0xc in the command text. */
    public static final AdminOpcode RESOURCE_OBJ_QUERY = new AdminOpcode(0xb, "RESOURCE_OBJ_QUERY");
    /** Modify a resource object (1.4); 0xc in the opcode table, 0xb in the command text. */
    public static final AdminOpcode RESOURCE_OBJ_MODIFY = new AdminOpcode(0xc, "RESOURCE_OBJ_MODIFY");
    /** Destroy a resource object (1.4). */
    public static final AdminOpcode RESOURCE_OBJ_DESTROY = new AdminOpcode(0xd, "RESOURCE_OBJ_DESTROY");
    /** Get device parts metadata (1.4). */
    public static final AdminOpcode DEV_PARTS_METADATA_GET = new AdminOpcode(0xe, "DEV_PARTS_METADATA_GET");
    /** Get device parts (1.4). */
    public static final AdminOpcode DEV_PARTS_GET = new AdminOpcode(0xf, "DEV_PARTS_GET");
    /** Set device parts (1.4). */
    public static final AdminOpcode DEV_PARTS_SET = new AdminOpcode(0x10, "DEV_PARTS_SET");
    /** Stop or resume a member device (1.4). */
    public static final AdminOpcode DEV_MODE_SET = new AdminOpcode(0x11, "DEV_MODE_SET");


    private static final AdminOpcode[] STANDARD = {
        LIST_QUERY, LIST_USE, LEGACY_COMMON_CFG_WRITE, LEGACY_COMMON_CFG_READ, LEGACY_DEV_CFG_WRITE,
        LEGACY_DEV_CFG_READ, LEGACY_NOTIFY_INFO, CAP_ID_LIST_QUERY, DEVICE_CAP_GET, DRIVER_CAP_SET,
        RESOURCE_OBJ_CREATE, RESOURCE_OBJ_QUERY, RESOURCE_OBJ_MODIFY, RESOURCE_OBJ_DESTROY,
        DEV_PARTS_METADATA_GET, DEV_PARTS_GET, DEV_PARTS_SET, DEV_MODE_SET,
    };

    /** Validates the code range and the name. */
    public AdminOpcode {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("opcode must be in 0..0xffff, got " + code);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("opcode name must not be blank");
        }
    }

    /**
     * The opcode with table value {@code code}: the standard constant when there is one, otherwise an unnamed
     * opcode called {@code OPCODE_0x0013}.
     */
    public static AdminOpcode of(int code) {
        if (code >= 0 && code < STANDARD.length) {
            return STANDARD[code];
        }
        return new AdminOpcode(code, "OPCODE_" + Wire.hex16(code));
    }

    /**
     * An opcode for a vendor-specific or future command. Codes 0x0000-0x0011 are taken by the standard
     * commands and refused; 0x8000-0xffff is reserved by the spec for commands that may use another layout,
     * so only use it for devices that keep {@code struct virtio_admin_cmd}.
     */
    public static AdminOpcode custom(int code, String name) {
        if (code >= 0 && code < STANDARD.length) {
            throw new IllegalArgumentException("opcode " + Wire.hex16(code) + " is the standard "
                    + STANDARD[code].name() + "; use that constant");
        }
        return new AdminOpcode(code, name);
    }

    /** The standard opcodes, in table order. */
    public static AdminOpcode[] standard() {
        return STANDARD.clone();
    }

    /** True for one of the 18 standard constants. */
    public boolean isStandard() {
        return code < STANDARD.length && STANDARD[code].equals(this);
    }

    @Override
    public String toString() {
        return name;
    }
}
