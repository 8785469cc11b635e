package dev.jvirtio.devicemodel.pci;

/**
 * Where an emulated virtio-PCI function puts its structures: config-space capability offsets and
 * BAR offsets. BAR 0 (64-bit memory) holds the virtio structures; BAR 2 (64-bit memory) holds the
 * MSI-X table and PBA, the way most virtio hardware separates them.
 */
public final class VirtioPciLayout {
    private VirtioPciLayout() {
    }

    /** Size of BAR 0. */
    public static final int BAR0_SIZE = 0x4000;
    /** Offset of the common configuration structure in BAR 0. */
    public static final int COMMON_OFFSET = 0x0000;
    /** Length of the common configuration structure (the full layout with admin fields). */
    public static final int COMMON_LENGTH = 0x40;
    /** Offset of the ISR status byte in BAR 0. */
    public static final int ISR_OFFSET = 0x1000;
    /** Length of the ISR region. */
    public static final int ISR_LENGTH = 4;
    /** Offset of the device-specific configuration in BAR 0. */
    public static final int DEVICE_OFFSET = 0x2000;
    /** Length of the device-specific configuration window. */
    public static final int DEVICE_LENGTH = 0x100;
    /** Offset of the notification area in BAR 0. */
    public static final int NOTIFY_OFFSET = 0x3000;
    /** Length of the notification area (room for 1024 queues at multiplier 4). */
    public static final int NOTIFY_LENGTH = 0x1000;
    /** notify_off_multiplier: each queue gets its own 4-byte doorbell (room for NOTIFICATION_DATA). */
    public static final int NOTIFY_OFF_MULTIPLIER = 4;

    /** Size of BAR 2. */
    public static final int BAR2_SIZE = 0x1000;
    /** Offset of the MSI-X table in BAR 2. */
    public static final int MSIX_TABLE_OFFSET = 0x0;
    /** Offset of the MSI-X PBA in BAR 2. */
    public static final int MSIX_PBA_OFFSET = 0x800;

    /** Config-space offset of the MSI-X capability. */
    public static final int CAP_MSIX = 0x40;
    /** Config-space offset of the virtio common-cfg capability. */
    public static final int CAP_COMMON = 0x50;
    /** Config-space offset of the virtio notify capability. */
    public static final int CAP_NOTIFY = 0x60;
    /** Config-space offset of the virtio ISR capability. */
    public static final int CAP_ISR = 0x74;
    /** Config-space offset of the virtio device-cfg capability. */
    public static final int CAP_DEVICE = 0x84;
    /** Config-space offset of the virtio pci_cfg access capability. */
    public static final int CAP_PCI_CFG = 0x94;
    /** Config-space offset of the PCI Express capability. */
    public static final int CAP_PCIE = 0xA8;
    /** Config-space offset of the SR-IOV extended capability (PF only). */
    public static final int EXT_CAP_SRIOV = 0x100;

    /** Vendor id of virtio devices. */
    public static final int VIRTIO_VENDOR = 0x1AF4;
    /** Modern device ids are this plus the virtio device type. */
    public static final int MODERN_DEVICE_ID_BASE = 0x1040;
}
