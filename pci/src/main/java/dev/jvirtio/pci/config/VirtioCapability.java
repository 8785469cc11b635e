package dev.jvirtio.pci.config;

/**
 * A virtio structure PCI capability: a vendor-specific capability (ID 0x09) on a virtio function
 * (struct virtio_pci_cap and its notify, pci_cfg, cap64 and vendor-data variants).
 *
 * <pre>{@code
 * VirtioCapability common = config.firstVirtio(VirtioCfgType.COMMON).orElseThrow();
 * common.bar();                  // 0
 * common.length();               // 0x38
 * common.hasAdminQueueFields();  // false: virtio 1.0 layout
 * }</pre>
 * For {@link VirtioCfgType#VENDOR} there is no BAR region: {@code bar}, {@code id}, {@code barOffset} and
 * {@code length} are 0 and {@link #vendorId()} holds the vendor. For reserved cfg_types the region fields are
 * decoded only when cap_len reaches the 16 bytes of virtio_pci_cap (see {@link #describesRegion()}).
 *
 * @param offset              config offset of the capability
 * @param next                next pointer as read
 * @param capLength           cap_len (may exceed the structure; drivers must accept larger values)
 * @param cfgType             raw cfg_type byte
 * @param bar                 BAR index; 0-5 are valid, other values mean the driver must ignore the capability
 * @param id                  the id byte that tells apart several caps of one type (e.g. shared memory regions)
 * @param barOffset           offset of the structure within the BAR (64-bit for shared memory)
 * @param length              length of the structure (64-bit for shared memory)
 * @param notifyOffMultiplier notify_off_multiplier for NOTIFY; 0 otherwise
 * @param vendorId            vendor_id for VENDOR; 0 otherwise
 */
public record VirtioCapability(int offset, int next, int capLength, int cfgType, int bar, int id,
                               long barOffset, long length, long notifyOffMultiplier, int vendorId)
        implements PciCapability {

    /** Capability ID of vendor-specific capabilities. */
    public static final int ID = 0x09;
    /** Length of struct virtio_pci_cap. */
    public static final int CAP_SIZE = 16;
    /** Common cfg length of the virtio 1.0 layout: through queue_device, without the 1.2+ fields. */
    public static final int COMMON_CFG_1_0_LENGTH = 0x38;
    /** Common cfg length that covers admin_queue_index (60) and admin_queue_num (62). */
    public static final int COMMON_CFG_ADMIN_LENGTH = 64;
    /** The highest valid BAR index. */
    public static final int MAX_BAR = 5;

    @Override
    public int capId() {
        return ID;
    }

    @Override
    public String name() {
        return "virtio " + type().label();
    }

    /** The decoded cfg_type. */
    public VirtioCfgType type() {
        return VirtioCfgType.fromValue(cfgType);
    }

    /** True when bar/barOffset/length were decoded (every type but VENDOR, and UNKNOWN with cap_len &ge; 16). */
    public boolean describesRegion() {
        VirtioCfgType t = type();
        return t != VirtioCfgType.VENDOR && (t != VirtioCfgType.UNKNOWN || capLength >= CAP_SIZE);
    }

    /** False when the capability names a reserved BAR index (&gt; 5): the driver must ignore it. */
    public boolean barValid() {
        return !describesRegion() || bar <= MAX_BAR;
    }

    /**
     * For a COMMON capability: true when its length reaches 64 bytes and so covers admin_queue_index and
     * admin_queue_num (Linux' vp_check_common_size requires the same for VIRTIO_F_ADMIN_VQ). Always false for
     * other types.
     */
    public boolean hasAdminQueueFields() {
        return type() == VirtioCfgType.COMMON && length >= COMMON_CFG_ADMIN_LENGTH;
    }
}
