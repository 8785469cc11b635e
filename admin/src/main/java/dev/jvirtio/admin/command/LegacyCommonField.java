package dev.jvirtio.admin.command;

/**
 * The fields of the legacy virtio-PCI common configuration (the I/O BAR0 header before the device-specific
 * area) that the legacy-access commands read and write. The two vector fields exist only while MSI-X is
 * enabled on the member.
 */
public enum LegacyCommonField {
    /** Device features, bits 0-31 (read-only). */
    HOST_FEATURES(0, 4, false),
    /** Driver (guest) features, bits 0-31. */
    GUEST_FEATURES(4, 4, true),
    /** Queue address as a page frame number (address >> 12). */
    QUEUE_PFN(8, 4, true),
    /** Size of the selected queue (read-only). */
    QUEUE_NUM(12, 2, false),
    /** Queue selector. */
    QUEUE_SEL(14, 2, true),
    /** Queue notify: write a queue index. */
    QUEUE_NOTIFY(16, 2, true),
    /** Device status. */
    STATUS(18, 1, true),
    /** ISR status (read-only, read clears). */
    ISR(19, 1, false),
    /** Configuration-change MSI-X vector (MSI-X only). */
    CONFIG_VECTOR(20, 2, true),
    /** Selected queue's MSI-X vector (MSI-X only). */
    QUEUE_VECTOR(22, 2, true);

    private final int offset;
    private final int width;
    private final boolean writable;

    LegacyCommonField(int offset, int width, boolean writable) {
        this.offset = offset;
        this.width = width;
        this.writable = writable;
    }

    /** Byte offset in the legacy common configuration. */
    public int offset() {
        return offset;
    }

    /** Width in bytes. */
    public int width() {
        return width;
    }

    /** False for the read-only fields. */
    public boolean writable() {
        return writable;
    }
}
