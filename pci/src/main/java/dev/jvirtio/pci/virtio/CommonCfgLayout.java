package dev.jvirtio.pci.virtio;

/**
 * Byte offsets and widths of {@code struct virtio_pci_common_cfg} (virtio 1.4 section 4.1.4.3).
 * Shared by the driver-side transport and the software device so both agree by construction;
 * tests check them against the spec's numbers independently.
 */
public final class CommonCfgLayout {
    private CommonCfgLayout() {
    }

    /** le32 RW: which 32-bit window of device_feature to show. */
    public static final int DEVICE_FEATURE_SELECT = 0;
    /** le32 RO: the selected window of the device's feature bits. */
    public static final int DEVICE_FEATURE = 4;
    /** le32 RW: which 32-bit window of driver_feature to access. */
    public static final int DRIVER_FEATURE_SELECT = 8;
    /** le32 RW: the selected window of the driver's accepted feature bits. */
    public static final int DRIVER_FEATURE = 12;
    /** le16 RW: MSI-X vector for configuration change notifications. */
    public static final int CONFIG_MSIX_VECTOR = 16;
    /** le16 RO: number of (non-admin) virtqueues. */
    public static final int NUM_QUEUES = 18;
    /** u8 RW: device status; writing 0 resets the device. */
    public static final int DEVICE_STATUS = 20;
    /** u8 RO: configuration atomicity generation. */
    public static final int CONFIG_GENERATION = 21;
    /** le16 RW: queue the queue_* fields refer to. */
    public static final int QUEUE_SELECT = 22;
    /** le16 RW: queue size; 0 means the queue does not exist. */
    public static final int QUEUE_SIZE = 24;
    /** le16 RW: MSI-X vector of the selected queue. */
    public static final int QUEUE_MSIX_VECTOR = 26;
    /** le16 RW: 1 enables the selected queue (the driver never writes 0). */
    public static final int QUEUE_ENABLE = 28;
    /** le16 RO: notification offset of the selected queue, in notify_off_multiplier units. */
    public static final int QUEUE_NOTIFY_OFF = 30;
    /** le64 RW (two le32 halves): descriptor area / packed descriptor ring address. */
    public static final int QUEUE_DESC = 32;
    /** le64 RW (two le32 halves): driver area (avail ring / driver event suppression). */
    public static final int QUEUE_DRIVER = 40;
    /** le64 RW (two le32 halves): device area (used ring / device event suppression). */
    public static final int QUEUE_DEVICE = 48;
    /** le16 RO: with VIRTIO_F_NOTIF_CONFIG_DATA, the value to write on notification. */
    public static final int QUEUE_NOTIF_CONFIG_DATA = 56;
    /** le16 RW: with VIRTIO_F_RING_RESET, 1 resets the selected queue. */
    public static final int QUEUE_RESET = 58;
    /** le16 RO: with VIRTIO_F_ADMIN_VQ, index of the first admin virtqueue. */
    public static final int ADMIN_QUEUE_INDEX = 60;
    /** le16 RO: with VIRTIO_F_ADMIN_VQ, number of admin virtqueues. */
    public static final int ADMIN_QUEUE_NUM = 62;

    /** Length of the virtio 1.0 layout (up to queue_device). */
    public static final int LENGTH_1_0 = 56;
    /** Length needed for queue_notif_config_data. */
    public static final int LENGTH_NOTIF_CONFIG_DATA = 58;
    /** Length needed for queue_reset. */
    public static final int LENGTH_QUEUE_RESET = 60;
    /** Length of the full layout, with the admin queue fields. */
    public static final int LENGTH_FULL = 64;

    /** Width in bytes of the register at {@code offset} (4 for each half of a 64-bit field), or 0. */
    public static int widthAt(int offset) {
        return switch (offset) {
            case DEVICE_FEATURE_SELECT, DEVICE_FEATURE, DRIVER_FEATURE_SELECT, DRIVER_FEATURE,
                 QUEUE_DESC, QUEUE_DESC + 4, QUEUE_DRIVER, QUEUE_DRIVER + 4, QUEUE_DEVICE, QUEUE_DEVICE + 4 -> 4;
            case CONFIG_MSIX_VECTOR, NUM_QUEUES, QUEUE_SELECT, QUEUE_SIZE, QUEUE_MSIX_VECTOR, QUEUE_ENABLE,
                 QUEUE_NOTIFY_OFF, QUEUE_NOTIF_CONFIG_DATA, QUEUE_RESET, ADMIN_QUEUE_INDEX, ADMIN_QUEUE_NUM -> 2;
            case DEVICE_STATUS, CONFIG_GENERATION -> 1;
            default -> 0;
        };
    }

    /** Spec name of the register at {@code offset}, for messages and traces. */
    public static String nameAt(int offset) {
        return switch (offset) {
            case DEVICE_FEATURE_SELECT -> "device_feature_select";
            case DEVICE_FEATURE -> "device_feature";
            case DRIVER_FEATURE_SELECT -> "driver_feature_select";
            case DRIVER_FEATURE -> "driver_feature";
            case CONFIG_MSIX_VECTOR -> "config_msix_vector";
            case NUM_QUEUES -> "num_queues";
            case DEVICE_STATUS -> "device_status";
            case CONFIG_GENERATION -> "config_generation";
            case QUEUE_SELECT -> "queue_select";
            case QUEUE_SIZE -> "queue_size";
            case QUEUE_MSIX_VECTOR -> "queue_msix_vector";
            case QUEUE_ENABLE -> "queue_enable";
            case QUEUE_NOTIFY_OFF -> "queue_notify_off";
            case QUEUE_DESC -> "queue_desc (low)";
            case QUEUE_DESC + 4 -> "queue_desc (high)";
            case QUEUE_DRIVER -> "queue_driver (low)";
            case QUEUE_DRIVER + 4 -> "queue_driver (high)";
            case QUEUE_DEVICE -> "queue_device (low)";
            case QUEUE_DEVICE + 4 -> "queue_device (high)";
            case QUEUE_NOTIF_CONFIG_DATA -> "queue_notif_config_data";
            case QUEUE_RESET -> "queue_reset";
            case ADMIN_QUEUE_INDEX -> "admin_queue_index";
            case ADMIN_QUEUE_NUM -> "admin_queue_num";
            default -> "offset 0x" + Integer.toHexString(offset);
        };
    }
}
