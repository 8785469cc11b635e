package dev.jvirtio.transport;

import static dev.jvirtio.pci.virtio.CommonCfgLayout.*;

import dev.jvirtio.pci.MmioRegion;
import java.util.Objects;

/**
 * Driver-side view of the virtio-PCI common configuration structure.
 *
 * <p>Every register is accessed with exactly its own width; 64-bit fields are written as two 32-bit
 * halves, low half first (virtio 1.4 section 4.1.3.1). Fields past the end of a short structure
 * (a 1.0-layout device exposes 0x38 bytes, without queue_notif_config_data, queue_reset and the
 * admin queue fields) are refused with {@link TransportException} rather than read as garbage.
 */
public final class CommonCfg {

    private final MmioRegion regs;
    private final int length;

    /** A view over {@code regs}, the window the common-cfg capability describes. */
    public CommonCfg(MmioRegion regs) {
        this.regs = Objects.requireNonNull(regs, "regs");
        this.length = (int) Math.min(regs.size(), Integer.MAX_VALUE);
        if (length < LENGTH_1_0) {
            throw new TransportException("common configuration is only 0x" + Integer.toHexString(length)
                    + " bytes; the virtio 1.0 layout needs 0x" + Integer.toHexString(LENGTH_1_0));
        }
    }

    /** Length of the structure as the capability describes it. */
    public int length() {
        return length;
    }

    /** Whether the structure is long enough to hold {@code admin_queue_index}/{@code admin_queue_num}. */
    public boolean hasAdminQueueFields() {
        return length >= LENGTH_FULL;
    }

    /** Whether the structure is long enough to hold {@code queue_reset}. */
    public boolean hasQueueReset() {
        return length >= LENGTH_QUEUE_RESET;
    }

    /** Whether the structure is long enough to hold {@code queue_notif_config_data}. */
    public boolean hasNotifConfigData() {
        return length >= LENGTH_NOTIF_CONFIG_DATA;
    }

    private void need(int offset, int width) {
        if (offset + width > length) {
            throw new TransportException(nameAt(offset) + " (offset " + offset + ") is beyond the device's "
                    + "common configuration of 0x" + Integer.toHexString(length) + " bytes");
        }
    }

    /** Reads all four 32-bit windows of device_feature. */
    public FeatureSet deviceFeatures() {
        FeatureSet s = FeatureSet.EMPTY;
        for (int w = 0; w < 4; w++) {
            regs.write32(DEVICE_FEATURE_SELECT, w);
            s = s.withWindow(w, regs.read32(DEVICE_FEATURE));
        }
        return s;
    }

    /** Writes all four 32-bit windows of driver_feature. */
    public void driverFeatures(FeatureSet features) {
        for (int w = 0; w < 4; w++) {
            regs.write32(DRIVER_FEATURE_SELECT, w);
            regs.write32(DRIVER_FEATURE, features.window(w));
        }
    }

    /** Reads back all four windows of driver_feature. */
    public FeatureSet driverFeatures() {
        FeatureSet s = FeatureSet.EMPTY;
        for (int w = 0; w < 4; w++) {
            regs.write32(DRIVER_FEATURE_SELECT, w);
            s = s.withWindow(w, regs.read32(DRIVER_FEATURE));
        }
        return s;
    }

    /** config_msix_vector. */
    public int configMsixVector() {
        return regs.read16(CONFIG_MSIX_VECTOR);
    }

    /** Writes config_msix_vector. */
    public void configMsixVector(int vector) {
        regs.write16(CONFIG_MSIX_VECTOR, vector);
    }

    /** num_queues: the number of ordinary (non-admin) queues. */
    public int numQueues() {
        return regs.read16(NUM_QUEUES);
    }

    /** device_status. */
    public int deviceStatus() {
        return regs.read8(DEVICE_STATUS);
    }

    /** Writes device_status (0 resets the device). */
    public void deviceStatus(int status) {
        regs.write8(DEVICE_STATUS, status);
    }

    /** config_generation. */
    public int configGeneration() {
        return regs.read8(CONFIG_GENERATION);
    }

    /** Selects the queue that the queue_* registers address. */
    public void queueSelect(int queue) {
        if (queue < 0 || queue > 0xFFFF) {
            throw new IllegalArgumentException("queue index " + queue + " outside 0..65535");
        }
        regs.write16(QUEUE_SELECT, queue);
    }

    /** queue_select as read back. */
    public int queueSelect() {
        return regs.read16(QUEUE_SELECT);
    }

    /** queue_size of the selected queue (0: no such queue). */
    public int queueSize() {
        return regs.read16(QUEUE_SIZE);
    }

    /** Writes queue_size of the selected queue. */
    public void queueSize(int size) {
        regs.write16(QUEUE_SIZE, size);
    }

    /** queue_msix_vector of the selected queue. */
    public int queueMsixVector() {
        return regs.read16(QUEUE_MSIX_VECTOR);
    }

    /** Writes queue_msix_vector of the selected queue. */
    public void queueMsixVector(int vector) {
        regs.write16(QUEUE_MSIX_VECTOR, vector);
    }

    /** queue_enable of the selected queue. */
    public int queueEnable() {
        return regs.read16(QUEUE_ENABLE);
    }

    /** Enables the selected queue (the driver only ever writes 1). */
    public void enableQueue() {
        regs.write16(QUEUE_ENABLE, 1);
    }

    /** queue_notify_off of the selected queue. */
    public int queueNotifyOff() {
        return regs.read16(QUEUE_NOTIFY_OFF);
    }

    private void write64(int offset, long value) {
        regs.write32(offset, (int) value);            // low half first, as the spec's example does
        regs.write32(offset + 4, (int) (value >>> 32));
    }

    private long read64(int offset) {
        long lo = Integer.toUnsignedLong(regs.read32(offset));
        long hi = Integer.toUnsignedLong(regs.read32(offset + 4));
        return hi << 32 | lo;
    }

    /** Writes queue_desc (descriptor area) of the selected queue. */
    public void queueDesc(long iova) {
        write64(QUEUE_DESC, iova);
    }

    /** queue_desc of the selected queue. */
    public long queueDesc() {
        return read64(QUEUE_DESC);
    }

    /** Writes queue_driver (driver area) of the selected queue. */
    public void queueDriver(long iova) {
        write64(QUEUE_DRIVER, iova);
    }

    /** queue_driver of the selected queue. */
    public long queueDriver() {
        return read64(QUEUE_DRIVER);
    }

    /** Writes queue_device (device area) of the selected queue. */
    public void queueDevice(long iova) {
        write64(QUEUE_DEVICE, iova);
    }

    /** queue_device of the selected queue. */
    public long queueDevice() {
        return read64(QUEUE_DEVICE);
    }

    /** queue_notif_config_data of the selected queue. */
    public int queueNotifConfigData() {
        need(QUEUE_NOTIF_CONFIG_DATA, 2);
        return regs.read16(QUEUE_NOTIF_CONFIG_DATA);
    }

    /** queue_reset of the selected queue (1 while a reset is in progress). */
    public int queueReset() {
        need(QUEUE_RESET, 2);
        return regs.read16(QUEUE_RESET);
    }

    /** Asks the device to reset the selected queue. */
    public void requestQueueReset() {
        need(QUEUE_RESET, 2);
        regs.write16(QUEUE_RESET, 1);
    }

    /** admin_queue_index: the first admin virtqueue. */
    public int adminQueueIndex() {
        need(ADMIN_QUEUE_INDEX, 2);
        return regs.read16(ADMIN_QUEUE_INDEX);
    }

    /** admin_queue_num: how many admin virtqueues the device has. */
    public int adminQueueNum() {
        need(ADMIN_QUEUE_NUM, 2);
        return regs.read16(ADMIN_QUEUE_NUM);
    }
}
