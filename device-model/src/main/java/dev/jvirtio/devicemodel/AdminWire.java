package dev.jvirtio.devicemodel;

/**
 * Wire constants of the virtio group administration commands (virtio 1.3 and 1.4 cs01, "Device groups",
 * "Device parts", and the virtio-net flow filter), as the device model uses them.
 *
 * <p>Names follow the specification with the {@code VIRTIO_ADMIN_} / {@code VIRTIO_} prefixes dropped.
 * All multi-byte values on the wire are little-endian.
 */
public final class AdminWire {
    private AdminWire() {}

    // --- struct virtio_admin_cmd, device-readable part ---
    /** Offset of {@code le16 opcode}. */
    public static final int HDR_OPCODE = 0;
    /** Offset of {@code le16 group_type}. */
    public static final int HDR_GROUP_TYPE = 2;
    /** Offset of {@code le64 group_member_id}. */
    public static final int HDR_GROUP_MEMBER_ID = 16;
    /** Offset of {@code command_specific_data}; also the size of the fixed header. */
    public static final int HDR_DATA = 24;

    // --- device-writable part ---
    /** Offset of {@code le16 status} in the device-writable part. */
    public static final int STS_STATUS = 0;
    /** Offset of {@code le16 status_qualifier}. */
    public static final int STS_QUALIFIER = 2;
    /** Offset of {@code command_specific_result}; also the size of the status block. */
    public static final int STS_RESULT = 8;

    // --- group types ---
    /** Self group type: the owner is its only member, member id 0 (1.4). */
    public static final int GROUP_SELF = 0x0;
    /** SR-IOV group type: the PF owns its VFs, member id = VF number 1..NumVFs. */
    public static final int GROUP_SRIOV = 0x1;

    // --- opcodes ---
    public static final int CMD_LIST_QUERY = 0x0;
    public static final int CMD_LIST_USE = 0x1;
    public static final int CMD_LEGACY_COMMON_CFG_WRITE = 0x2;
    public static final int CMD_LEGACY_COMMON_CFG_READ = 0x3;
    public static final int CMD_LEGACY_DEV_CFG_WRITE = 0x4;
    public static final int CMD_LEGACY_DEV_CFG_READ = 0x5;
    public static final int CMD_LEGACY_NOTIFY_INFO = 0x6;
    public static final int CMD_CAP_ID_LIST_QUERY = 0x7;
    public static final int CMD_DEVICE_CAP_GET = 0x8;
    public static final int CMD_DRIVER_CAP_SET = 0x9;
    public static final int CMD_RESOURCE_OBJ_CREATE = 0xa;
    /** RESOURCE_OBJ_QUERY as numbered by the 1.4 opcode table (the command text says 0xc). */
    public static final int CMD_RESOURCE_OBJ_QUERY_TABLE = 0xb;
    /** RESOURCE_OBJ_MODIFY as numbered by the 1.4 opcode table (the command text says 0xb). */
    public static final int CMD_RESOURCE_OBJ_MODIFY_TABLE = 0xc;
    public static final int CMD_RESOURCE_OBJ_DESTROY = 0xd;
    public static final int CMD_DEV_PARTS_METADATA_GET = 0xe;
    public static final int CMD_DEV_PARTS_GET = 0xf;
    public static final int CMD_DEV_PARTS_SET = 0x10;
    public static final int CMD_DEV_MODE_SET = 0x11;
    /** Highest opcode defined by virtio 1.4. */
    public static final int CMD_MAX_DEFINED = 0x11;

    // --- status (decimal, equal to Linux errno values) ---
    public static final int STATUS_OK = 0;
    public static final int STATUS_ENXIO = 6;
    public static final int STATUS_EAGAIN = 11;
    public static final int STATUS_ENOMEM = 12;
    public static final int STATUS_EBUSY = 16;
    /**
     * Not in the status table: the 1.4 text names VIRTIO_ADMIN_STATUS_EEXIST without defining it. The model uses
     * Linux's EEXIST value, which a driver treats like EINVAL (reserved status) but can still report precisely.
     */
    public static final int STATUS_EEXIST = 17;
    public static final int STATUS_EINVAL = 22;
    public static final int STATUS_ENOSPC = 28;

    // --- status qualifiers ---
    public static final int Q_OK = 0x0;
    public static final int Q_INVALID_COMMAND = 0x1;
    public static final int Q_INVALID_OPCODE = 0x2;
    public static final int Q_INVALID_FIELD = 0x3;
    public static final int Q_INVALID_GROUP = 0x4;
    public static final int Q_INVALID_MEMBER = 0x5;
    public static final int Q_NORESOURCE = 0x6;
    public static final int Q_TRYAGAIN = 0x7;

    // --- legacy interface (I/O BAR0 layout of a legacy virtio-PCI device) ---
    public static final int LEGACY_HOST_FEATURES = 0;
    public static final int LEGACY_GUEST_FEATURES = 4;
    public static final int LEGACY_QUEUE_PFN = 8;
    public static final int LEGACY_QUEUE_SIZE = 12;
    public static final int LEGACY_QUEUE_SELECT = 14;
    public static final int LEGACY_QUEUE_NOTIFY = 16;
    public static final int LEGACY_STATUS = 18;
    public static final int LEGACY_ISR = 19;
    /** Only present while MSI-X is enabled. */
    public static final int LEGACY_MSIX_CONFIG_VECTOR = 20;
    /** Only present while MSI-X is enabled. */
    public static final int LEGACY_MSIX_QUEUE_VECTOR = 22;
    /** Size of the legacy common area without MSI-X; the device config follows it. */
    public static final int LEGACY_COMMON_SIZE_NO_MSIX = 20;
    /** Size of the legacy common area with MSI-X enabled. */
    public static final int LEGACY_COMMON_SIZE_MSIX = 24;
    /** Legacy queue PFN shift and ring alignment (VIRTIO_PCI_QUEUE_ADDR_SHIFT / VIRTIO_PCI_VRING_ALIGN). */
    public static final int LEGACY_PFN_SHIFT = 12;

    /** LEGACY_NOTIFY_INFO entry flags: end of list. */
    public static final int NOTIFY_INFO_END = 0;
    /** LEGACY_NOTIFY_INFO entry flags: address in a BAR of the owner device (PF). */
    public static final int NOTIFY_INFO_OWNER_DEVICE = 1;
    /** LEGACY_NOTIFY_INFO entry flags: address in a VF BAR of the member device. */
    public static final int NOTIFY_INFO_MEMBER_DEVICE = 2;
    /** Entries in a LEGACY_NOTIFY_INFO result. */
    public static final int NOTIFY_INFO_ENTRIES = 4;
    /** Bytes per LEGACY_NOTIFY_INFO entry. */
    public static final int NOTIFY_INFO_ENTRY_SIZE = 16;

    // --- capabilities ---
    public static final int CAP_DEV_PARTS = 0x0000;
    public static final int CAP_NET_FF_RESOURCE = 0x0800;
    public static final int CAP_NET_FF_SELECTOR = 0x0801;
    public static final int CAP_NET_FF_ACTION = 0x0802;

    // --- resource objects ---
    public static final int OBJ_DEV_PARTS = 0x000;
    public static final int OBJ_NET_FF_GROUP = 0x200;
    public static final int OBJ_NET_FF_CLASSIFIER = 0x201;
    public static final int OBJ_NET_FF_RULE = 0x202;
    /** VIRTIO_RESOURCE_OBJ_DEV_PARTS_TYPE_GET. */
    public static final int DEV_PARTS_OBJ_GET = 0;
    /** VIRTIO_RESOURCE_OBJ_DEV_PARTS_TYPE_SET. */
    public static final int DEV_PARTS_OBJ_SET = 1;

    // --- flow filter ---
    public static final int FF_MASK_TYPE_ETH = 1;
    public static final int FF_MASK_TYPE_IPV4 = 2;
    public static final int FF_MASK_TYPE_IPV6 = 3;
    public static final int FF_MASK_TYPE_TCP = 4;
    public static final int FF_MASK_TYPE_UDP = 5;
    public static final int FF_MASK_TYPE_ESP = 6;
    /** VIRTIO_NET_FF_MASK_F_PARTIAL_MASK. */
    public static final int FF_MASK_F_PARTIAL_MASK = 1;
    public static final int FF_ACTION_DROP = 1;
    public static final int FF_ACTION_DIRECT_RX_VQ = 2;

    // --- device parts ---
    public static final int METADATA_TYPE_SIZE = 0;
    public static final int METADATA_TYPE_COUNT = 1;
    public static final int METADATA_TYPE_LIST = 2;
    public static final int PARTS_GET_SELECTED = 0;
    public static final int PARTS_GET_ALL = 1;
    /** DEV_MODE_SET flags bit 0 (VIRTIO_ADMIN_CMD_DEV_MODE_F_STOPPED) as a mask. */
    public static final int DEV_MODE_F_STOPPED = 1;
    /** VIRTIO_DEV_PART_F_OPTIONAL (bit 0) as a mask. */
    public static final int PART_F_OPTIONAL = 1;
    /** Size of {@code struct virtio_dev_part_hdr}. */
    public static final int PART_HDR_SIZE = 16;
    public static final int PART_DEV_FEATURES = 0x100;
    public static final int PART_DRV_FEATURES = 0x101;
    public static final int PART_PCI_COMMON_CFG = 0x102;
    public static final int PART_DEVICE_STATUS = 0x103;
    public static final int PART_VQ_CFG = 0x104;
    public static final int PART_VQ_NOTIFY_CFG = 0x105;
    /** VIRTIO_NET_DEV_PART_CVQ_CFG_PART. */
    public static final int PART_NET_CVQ_CFG = 0x200;
    /** VIRTIO_NET_CTRL_MAC class. */
    public static final int NET_CTRL_MAC = 1;
    /** VIRTIO_NET_CTRL_MAC_ADDR_SET command. */
    public static final int NET_CTRL_MAC_ADDR_SET = 1;

    // --- virtio_pci_common_cfg offsets used as PCI_COMMON_CFG part selectors ---
    public static final int COMMON_DEVICE_FEATURE_SELECT = 0;
    public static final int COMMON_DRIVER_FEATURE_SELECT = 8;
    public static final int COMMON_CONFIG_MSIX_VECTOR = 16;
    public static final int COMMON_NUM_QUEUES = 18;
    public static final int COMMON_QUEUE_SELECT = 22;

    /** MSI-X "no vector" value. */
    public static final int NO_VECTOR = 0xffff;

    /**
     * Returns the specification name of an opcode, for messages and reports (not used on the hot path).
     *
     * @param opcode the opcode, table numbering for QUERY/MODIFY
     * @return the name, or {@code "OPCODE_0x..."} for an undefined one
     */
    public static String opcodeName(int opcode) {
        return switch (opcode) {
            case CMD_LIST_QUERY -> "LIST_QUERY";
            case CMD_LIST_USE -> "LIST_USE";
            case CMD_LEGACY_COMMON_CFG_WRITE -> "LEGACY_COMMON_CFG_WRITE";
            case CMD_LEGACY_COMMON_CFG_READ -> "LEGACY_COMMON_CFG_READ";
            case CMD_LEGACY_DEV_CFG_WRITE -> "LEGACY_DEV_CFG_WRITE";
            case CMD_LEGACY_DEV_CFG_READ -> "LEGACY_DEV_CFG_READ";
            case CMD_LEGACY_NOTIFY_INFO -> "LEGACY_NOTIFY_INFO";
            case CMD_CAP_ID_LIST_QUERY -> "CAP_ID_LIST_QUERY";
            case CMD_DEVICE_CAP_GET -> "DEVICE_CAP_GET";
            case CMD_DRIVER_CAP_SET -> "DRIVER_CAP_SET";
            case CMD_RESOURCE_OBJ_CREATE -> "RESOURCE_OBJ_CREATE";
            case CMD_RESOURCE_OBJ_QUERY_TABLE -> "RESOURCE_OBJ_QUERY(table)/MODIFY(text)";
            case CMD_RESOURCE_OBJ_MODIFY_TABLE -> "RESOURCE_OBJ_MODIFY(table)/QUERY(text)";
            case CMD_RESOURCE_OBJ_DESTROY -> "RESOURCE_OBJ_DESTROY";
            case CMD_DEV_PARTS_METADATA_GET -> "DEV_PARTS_METADATA_GET";
            case CMD_DEV_PARTS_GET -> "DEV_PARTS_GET";
            case CMD_DEV_PARTS_SET -> "DEV_PARTS_SET";
            case CMD_DEV_MODE_SET -> "DEV_MODE_SET";
            default -> "OPCODE_0x" + Integer.toHexString(opcode);
        };
    }
}
