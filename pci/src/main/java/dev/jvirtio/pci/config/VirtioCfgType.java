package dev.jvirtio.pci.config;

/**
 * The {@code cfg_type} of a virtio structure PCI capability (virtio spec, "Virtio Structure PCI Capabilities").
 * Values the spec reserves map to {@link #UNKNOWN}; {@link VirtioCapability#cfgType()} keeps the raw number.
 */
public enum VirtioCfgType {
    /** VIRTIO_PCI_CAP_COMMON_CFG: common configuration. */
    COMMON(1, "common cfg", 16),
    /** VIRTIO_PCI_CAP_NOTIFY_CFG: notifications; adds notify_off_multiplier. */
    NOTIFY(2, "notify cfg", 20),
    /** VIRTIO_PCI_CAP_ISR_CFG: ISR status. */
    ISR(3, "ISR cfg", 16),
    /** VIRTIO_PCI_CAP_DEVICE_CFG: device-specific configuration. */
    DEVICE(4, "device cfg", 16),
    /** VIRTIO_PCI_CAP_PCI_CFG: the PCI configuration access window; adds pci_cfg_data. */
    PCI_CFG(5, "pci_cfg access", 20),
    /** VIRTIO_PCI_CAP_SHARED_MEMORY_CFG: a shared memory region, described by virtio_pci_cap64. */
    SHARED_MEMORY(8, "shared memory", 24),
    /** VIRTIO_PCI_CAP_VENDOR_CFG: vendor data (virtio_pci_vndr_data), no BAR region. */
    VENDOR(9, "vendor data", 6),
    /** A reserved cfg_type; the driver must ignore such capabilities. */
    UNKNOWN(-1, "unknown", 4);

    private final int value;
    private final String label;
    private final int minCapLen;

    VirtioCfgType(int value, String label, int minCapLen) {
        this.value = value;
        this.label = label;
        this.minCapLen = minCapLen;
    }

    /** The spec's numeric cfg_type, or -1 for {@link #UNKNOWN}. */
    public int value() {
        return value;
    }

    /** A short label such as "common cfg". */
    public String label() {
        return label;
    }

    /** The smallest cap_len that holds this type's structure. */
    public int minCapLen() {
        return minCapLen;
    }

    /** Decodes a cfg_type byte. */
    public static VirtioCfgType fromValue(int cfgType) {
        for (VirtioCfgType t : values()) {
            if (t.value == cfgType) {
                return t;
            }
        }
        return UNKNOWN;
    }
}
