package dev.jvirtio.devicemodel;

/**
 * Per-virtqueue state of a member function, shared between the admin engine (legacy access, device parts) and
 * the later PCI emulation (common-config registers). Field names follow {@code struct virtio_pci_common_cfg}.
 * Not thread-safe: owned by the device thread.
 */
public final class QueueState implements dev.jvirtio.devicemodel.virtio.QueueRegisters {
    private final int index;
    private final int maxSize;
    private int size;
    private int msixVector;
    private boolean enabled;
    private long desc;
    private long driver;
    private long device;
    private int notifyOff;
    private int notifConfigData;

    QueueState(int index, int maxSize) {
        this.index = index;
        this.maxSize = maxSize;
        reset();
    }

    /** Restores the values a device reset gives the queue. */
    public void reset() {
        size = maxSize;
        msixVector = AdminWire.NO_VECTOR;
        enabled = false;
        desc = 0;
        driver = 0;
        device = 0;
        // Device-assigned values: one notify slot per queue, config data = queue index.
        notifyOff = index;
        notifConfigData = index;
    }

    void copyFrom(QueueState o) {
        size = o.size;
        msixVector = o.msixVector;
        enabled = o.enabled;
        desc = o.desc;
        driver = o.driver;
        device = o.device;
        notifyOff = o.notifyOff;
        notifConfigData = o.notifConfigData;
    }

    /** Queue index within the member. */
    public int index() {
        return index;
    }

    /** Largest size the device allows (the value {@code queue_size} reads after reset). */
    public int maxSize() {
        return maxSize;
    }

    /** {@code queue_size}. */
    public int size() {
        return size;
    }

    /** Sets {@code queue_size}. */
    public void size(int v) {
        size = v & 0xffff;
    }

    /** {@code queue_msix_vector}. */
    public int msixVector() {
        return msixVector;
    }

    /** Sets {@code queue_msix_vector}. */
    public void msixVector(int v) {
        msixVector = v & 0xffff;
    }

    /** {@code queue_enable}. */
    public boolean enabled() {
        return enabled;
    }

    /** Sets {@code queue_enable}. */
    public void enabled(boolean v) {
        enabled = v;
    }

    /** {@code queue_desc}. */
    public long desc() {
        return desc;
    }

    /** Sets {@code queue_desc}. */
    public void desc(long v) {
        desc = v;
    }

    /** {@code queue_driver} (legacy: avail ring). */
    public long driver() {
        return driver;
    }

    /** Sets {@code queue_driver}. */
    public void driver(long v) {
        driver = v;
    }

    /** {@code queue_device} (legacy: used ring). */
    public long device() {
        return device;
    }

    /** Sets {@code queue_device}. */
    public void device(long v) {
        device = v;
    }

    /** {@code queue_notify_off}. */
    public int notifyOff() {
        return notifyOff;
    }

    /** Sets {@code queue_notify_off} (device-assigned; restored by DEV_PARTS_SET). */
    public void notifyOff(int v) {
        notifyOff = v & 0xffff;
    }

    /** {@code queue_notif_config_data}. */
    public int notifConfigData() {
        return notifConfigData;
    }

    /** Sets {@code queue_notif_config_data} (device-assigned; restored by DEV_PARTS_SET). */
    public void notifConfigData(int v) {
        notifConfigData = v & 0xffff;
    }
}
