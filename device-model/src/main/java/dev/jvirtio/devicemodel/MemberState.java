package dev.jvirtio.devicemodel;

import java.util.Arrays;

/**
 * The state of one member function (an SR-IOV VF) that both the admin engine and the later PCI emulation of the
 * VF read and write: features, status, queues, device-specific config bytes and the stopped flag of the device
 * parts machinery. Not thread-safe: owned by the device thread.
 *
 * <p>Device parts restored with DEV_PARTS_SET go to a staged copy and take effect on resume
 * ({@code DEV_MODE_SET} with the STOPPED flag clear), as the specification requires.
 */
public final class MemberState implements dev.jvirtio.devicemodel.virtio.CommonCfgRegisters {
    private final int memberId;
    private final DeviceType type;
    private final long[] deviceFeatures;
    private final byte[] defaultConfig;
    private final int msixVectors;
    private final Registers live;
    private final Registers staged;
    private boolean hasStaged;
    private boolean stopped;
    private boolean msixEnabled = true;
    private int isr;
    private final long[] notifications;
    private QueueNotifyListener listener;

    MemberState(int memberId, DeviceType type, int queueMaxSize, int msixVectors) {
        this.memberId = memberId;
        this.type = type;
        this.deviceFeatures = new long[] {type.features(), 0};
        this.defaultConfig = type.defaultConfig(memberId);
        this.msixVectors = msixVectors;
        this.live = new Registers(type, queueMaxSize, defaultConfig);
        this.staged = new Registers(type, queueMaxSize, defaultConfig);
        this.notifications = new long[type.numQueues()];
    }

    /**
     * Mutable register file of a member; {@code live} is what the driver sees, {@code staged} what a resume applies.
     */
    static final class Registers {
        final long[] driverFeatures = new long[2];
        int deviceFeatureSelect;
        int driverFeatureSelect;
        int msixConfigVector;
        int queueSelect;
        int deviceStatus;
        final QueueState[] queues;
        final byte[] config;

        Registers(DeviceType type, int queueMaxSize, byte[] defaultConfig) {
            queues = new QueueState[type.numQueues()];
            for (int i = 0; i < queues.length; i++) {
                queues[i] = new QueueState(i, queueMaxSize);
            }
            config = defaultConfig.clone();
            reset(defaultConfig);
        }

        void reset(byte[] defaultConfig) {
            driverFeatures[0] = 0;
            driverFeatures[1] = 0;
            deviceFeatureSelect = 0;
            driverFeatureSelect = 0;
            msixConfigVector = AdminWire.NO_VECTOR;
            queueSelect = 0;
            deviceStatus = 0;
            for (QueueState q : queues) {
                q.reset();
            }
            System.arraycopy(defaultConfig, 0, config, 0, config.length);
        }

        void copyFrom(Registers o) {
            driverFeatures[0] = o.driverFeatures[0];
            driverFeatures[1] = o.driverFeatures[1];
            deviceFeatureSelect = o.deviceFeatureSelect;
            driverFeatureSelect = o.driverFeatureSelect;
            msixConfigVector = o.msixConfigVector;
            queueSelect = o.queueSelect;
            deviceStatus = o.deviceStatus;
            for (int i = 0; i < queues.length; i++) {
                queues[i].copyFrom(o.queues[i]);
            }
            System.arraycopy(o.config, 0, config, 0, config.length);
        }
    }

    Registers live() {
        return live;
    }

    /** The staged register file, initialised from the live one the first time it is used after a resume. */
    Registers stagedForWrite() {
        if (!hasStaged) {
            staged.copyFrom(live);
            hasStaged = true;
        }
        return staged;
    }

    /**
     * Member reset (device status written 0, or FLR): everything back to defaults, device parts included, the
     * device running again and nothing staged.
     */
    public void reset() {
        live.reset(defaultConfig);
        hasStaged = false;
        stopped = false;
        isr = 0;
    }

    /** The member id (VF number, 1-based). */
    public int memberId() {
        return memberId;
    }

    /** The device type. */
    public DeviceType deviceType() {
        return type;
    }

    /** Device feature word {@code i} (0: bits 0-63, 1: bits 64-127). */
    public long deviceFeatures(int i) {
        return deviceFeatures[i];
    }

    /** Driver feature word {@code i} (0: bits 0-63, 1: bits 64-127). */
    public long driverFeatures(int i) {
        return live.driverFeatures[i];
    }

    /** Sets driver feature word {@code i}. */
    public void driverFeatures(int i, long v) {
        live.driverFeatures[i] = v;
    }

    /** {@code device_feature_select}. */
    public int deviceFeatureSelect() {
        return live.deviceFeatureSelect;
    }

    /** Sets {@code device_feature_select}. */
    public void deviceFeatureSelect(int v) {
        live.deviceFeatureSelect = v;
    }

    /** {@code driver_feature_select}. */
    public int driverFeatureSelect() {
        return live.driverFeatureSelect;
    }

    /** Sets {@code driver_feature_select}. */
    public void driverFeatureSelect(int v) {
        live.driverFeatureSelect = v;
    }

    /** {@code config_msix_vector}. */
    public int msixConfigVector() {
        return live.msixConfigVector;
    }

    /** Sets {@code config_msix_vector}. */
    public void msixConfigVector(int v) {
        live.msixConfigVector = v & 0xffff;
    }

    /** {@code queue_select}. */
    public int queueSelect() {
        return live.queueSelect;
    }

    /** Sets {@code queue_select}. */
    public void queueSelect(int v) {
        live.queueSelect = v & 0xffff;
    }

    /** {@code device_status}. */
    public int deviceStatus() {
        return live.deviceStatus;
    }

    /** Sets {@code device_status} (0 does not reset here; the caller decides). */
    public void deviceStatus(int v) {
        live.deviceStatus = v & 0xff;
    }

    /** {@code num_queues}. */
    public int numQueues() {
        return live.queues.length;
    }

    /** Queue {@code i}, or {@code null} if it does not exist. */
    public QueueState queue(int i) {
        return i >= 0 && i < live.queues.length ? live.queues[i] : null;
    }

    /** Number of MSI-X vectors the function has. */
    public int msixVectors() {
        return msixVectors;
    }

    /** A copy of the device-specific configuration bytes. */
    public byte[] config() {
        return live.config.clone();
    }

    /** Device-specific configuration byte {@code off}. */
    public int configByte(int off) {
        return live.config[off] & 0xff;
    }

    /** Writes device-specific configuration bytes (PCI emulation path). */
    public void writeConfig(int off, byte[] bytes) {
        System.arraycopy(bytes, 0, live.config, off, bytes.length);
    }

    /** Whether DEV_MODE_SET stopped the member. */
    public boolean stopped() {
        return stopped;
    }

    void stopped(boolean v) {
        stopped = v;
    }

    /** Whether DEV_PARTS_SET has staged parts that the next resume applies. */
    public boolean hasStagedParts() {
        return hasStaged;
    }

    /** Applies staged parts (if any) to the live registers. */
    void applyStaged() {
        if (hasStaged) {
            live.copyFrom(staged);
            hasStaged = false;
        }
    }

    /** Whether MSI-X is enabled; selects the legacy layout (config vector and queue vector at 20 and 22). */
    public boolean msixEnabled() {
        return msixEnabled;
    }

    /** Sets whether MSI-X is enabled (the PCI emulation mirrors the MSI-X capability's enable bit). */
    public void msixEnabled(boolean v) {
        msixEnabled = v;
    }

    /** The ISR status byte (legacy, read-to-clear). */
    public int isr() {
        return isr;
    }

    /** Sets ISR bits (device side raises them; a legacy read clears them). */
    public void raiseIsr(int bits) {
        isr |= bits & 0xff;
    }

    int readAndClearIsr() {
        int v = isr;
        isr = 0;
        return v;
    }

    /** Number of legacy driver notifications queue {@code q} received. */
    public long notifications(int q) {
        return notifications[q];
    }

    /** Sets the listener for legacy driver notifications, or {@code null} for none. */
    public void notifyListener(QueueNotifyListener l) {
        listener = l;
    }

    void notifyQueue(int q) {
        notifications[q]++;
        QueueNotifyListener l = listener;
        if (l != null) {
            l.notified(memberId, q);
        }
    }

    /** Whether the live state of this member equals that of {@code o} (tests, migration checks). */
    public boolean sameStateAs(MemberState o) {
        Registers a = live;
        Registers b = o.live;
        if (!Arrays.equals(a.driverFeatures, b.driverFeatures) || a.deviceFeatureSelect != b.deviceFeatureSelect
                || a.driverFeatureSelect != b.driverFeatureSelect || a.msixConfigVector != b.msixConfigVector
                || a.queueSelect != b.queueSelect || a.deviceStatus != b.deviceStatus
                || !Arrays.equals(a.config, b.config) || a.queues.length != b.queues.length
                || stopped != o.stopped || hasStaged != o.hasStaged) {
            return false;
        }
        for (int i = 0; i < a.queues.length; i++) {
            QueueState p = a.queues[i];
            QueueState q = b.queues[i];
            if (p.size() != q.size() || p.msixVector() != q.msixVector() || p.enabled() != q.enabled()
                    || p.desc() != q.desc() || p.driver() != q.driver() || p.device() != q.device()
                    || p.notifyOff() != q.notifyOff() || p.notifConfigData() != q.notifConfigData()) {
                return false;
            }
        }
        return true;
    }
}
