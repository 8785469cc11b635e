package dev.jvirtio.devicemodel.virtio;

/**
 * The storage behind a function's common configuration: what {@link CommonCfgModel} reads and
 * writes. A VF keeps it in its {@link dev.jvirtio.devicemodel.MemberState} (so that admin commands
 * such as device parts see exactly what the VF's driver set up); a PF keeps it in
 * {@link PlainRegisters}.
 */
public interface CommonCfgRegisters {
    /** Driver feature word {@code i} (0: bits 0-63, 1: bits 64-127). */
    long driverFeatures(int i);

    /** Sets driver feature word {@code i}. */
    void driverFeatures(int i, long v);

    /** device_feature_select. */
    int deviceFeatureSelect();

    /** Sets device_feature_select. */
    void deviceFeatureSelect(int v);

    /** driver_feature_select. */
    int driverFeatureSelect();

    /** Sets driver_feature_select. */
    void driverFeatureSelect(int v);

    /** config_msix_vector. */
    int msixConfigVector();

    /** Sets config_msix_vector. */
    void msixConfigVector(int v);

    /** queue_select. */
    int queueSelect();

    /** Sets queue_select. */
    void queueSelect(int v);

    /** device_status. */
    int deviceStatus();

    /** Sets device_status (storage only: no reset semantics). */
    void deviceStatus(int v);

    /** Queue {@code i}, or null if there is none. */
    QueueRegisters queue(int i);
}
