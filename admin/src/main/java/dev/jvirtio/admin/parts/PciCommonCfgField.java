package dev.jvirtio.admin.parts;

/**
 * The fields of {@code struct virtio_pci_common_cfg} with their byte offsets and widths, used to validate
 * the selector and length of PCI_COMMON_CFG parts (a part must cover exactly one field).
 */
public enum PciCommonCfgField {
    /** {@code device_feature_select}. */
    DEVICE_FEATURE_SELECT(0, 4),
    /** {@code device_feature}. */
    DEVICE_FEATURE(4, 4),
    /** {@code driver_feature_select}. */
    DRIVER_FEATURE_SELECT(8, 4),
    /** {@code driver_feature}. */
    DRIVER_FEATURE(12, 4),
    /** {@code config_msix_vector}. */
    CONFIG_MSIX_VECTOR(16, 2),
    /** {@code num_queues}. */
    NUM_QUEUES(18, 2),
    /** {@code device_status}. */
    DEVICE_STATUS(20, 1),
    /** {@code config_generation}. */
    CONFIG_GENERATION(21, 1),
    /** {@code queue_select}. */
    QUEUE_SELECT(22, 2),
    /** {@code queue_size}. */
    QUEUE_SIZE(24, 2),
    /** {@code queue_msix_vector}. */
    QUEUE_MSIX_VECTOR(26, 2),
    /** {@code queue_enable}. */
    QUEUE_ENABLE(28, 2),
    /** {@code queue_notify_off}. */
    QUEUE_NOTIFY_OFF(30, 2),
    /** {@code queue_desc}. */
    QUEUE_DESC(32, 8),
    /** {@code queue_driver}. */
    QUEUE_DRIVER(40, 8),
    /** {@code queue_device}. */
    QUEUE_DEVICE(48, 8),
    /** {@code queue_notif_config_data} (formerly queue_notify_data). */
    QUEUE_NOTIF_CONFIG_DATA(56, 2),
    /** {@code queue_reset}. */
    QUEUE_RESET(58, 2),
    /** {@code admin_queue_index}. */
    ADMIN_QUEUE_INDEX(60, 2),
    /** {@code admin_queue_num}. */
    ADMIN_QUEUE_NUM(62, 2);

    /** End of the last field the spec defines; offsets at or past it are future fields. */
    public static final int KNOWN_END = 64;

    private static final PciCommonCfgField[] BY_OFFSET = new PciCommonCfgField[KNOWN_END];

    static {
        for (PciCommonCfgField f : values()) {
            BY_OFFSET[f.offset] = f;
        }
    }

    private final int offset;
    private final int width;

    PciCommonCfgField(int offset, int width) {
        this.offset = offset;
        this.width = width;
    }

    /** Byte offset within the common configuration structure. */
    public int offset() {
        return offset;
    }

    /** Width in bytes. */
    public int width() {
        return width;
    }

    /**
     * The field starting at {@code offset}, or {@code null} when {@code offset} is past the known fields.
     *
     * @throws IllegalArgumentException when {@code offset} lies inside a field instead of at its start
     */
    public static PciCommonCfgField at(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative common-cfg offset " + offset);
        }
        if (offset >= KNOWN_END) {
            return null;
        }
        PciCommonCfgField f = BY_OFFSET[(int) offset];
        if (f == null) {
            throw new IllegalArgumentException("common-cfg offset " + offset + " is inside a field, not at its start");
        }
        return f;
    }
}
