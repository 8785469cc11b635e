package dev.jvirtio.devicemodel.virtio;

/** The per-queue part of {@link CommonCfgRegisters}; names follow struct virtio_pci_common_cfg. */
public interface QueueRegisters {
    /** Largest size the device supports. */
    int maxSize();

    /** queue_size. */
    int size();

    /** Sets queue_size. */
    void size(int v);

    /** queue_msix_vector. */
    int msixVector();

    /** Sets queue_msix_vector. */
    void msixVector(int v);

    /** queue_enable. */
    boolean enabled();

    /** Sets queue_enable. */
    void enabled(boolean v);

    /** queue_desc. */
    long desc();

    /** Sets queue_desc. */
    void desc(long v);

    /** queue_driver. */
    long driver();

    /** Sets queue_driver. */
    void driver(long v);

    /** queue_device. */
    long device();

    /** Sets queue_device. */
    void device(long v);

    /** queue_notify_off. */
    int notifyOff();

    /** queue_notif_config_data. */
    int notifConfigData();

    /** Back to reset values (size = max, vector = NO_VECTOR, disabled, addresses 0). */
    void reset();
}
