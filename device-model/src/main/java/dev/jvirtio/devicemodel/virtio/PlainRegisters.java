package dev.jvirtio.devicemodel.virtio;

/** {@link CommonCfgRegisters} in plain fields, for a function that is not a member (a PF). */
public final class PlainRegisters implements CommonCfgRegisters {

    /** One queue's registers in plain fields. */
    public static final class Queue implements QueueRegisters {
        private final int index;
        private final int maxSize;
        private int size;
        private int msixVector;
        private boolean enabled;
        private long desc;
        private long driver;
        private long device;

        Queue(int index, int maxSize) {
            this.index = index;
            this.maxSize = maxSize;
            reset();
        }

        @Override public int maxSize() { return maxSize; }
        @Override public int size() { return size; }
        @Override public void size(int v) { size = v; }
        @Override public int msixVector() { return msixVector; }
        @Override public void msixVector(int v) { msixVector = v & 0xFFFF; }
        @Override public boolean enabled() { return enabled; }
        @Override public void enabled(boolean v) { enabled = v; }
        @Override public long desc() { return desc; }
        @Override public void desc(long v) { desc = v; }
        @Override public long driver() { return driver; }
        @Override public void driver(long v) { driver = v; }
        @Override public long device() { return device; }
        @Override public void device(long v) { device = v; }
        @Override public int notifyOff() { return index; }
        @Override public int notifConfigData() { return index; }

        @Override
        public void reset() {
            size = maxSize;
            msixVector = 0xFFFF;
            enabled = false;
            desc = 0;
            driver = 0;
            device = 0;
        }
    }

    private final long[] driverFeatures = new long[2];
    private int deviceFeatureSelect;
    private int driverFeatureSelect;
    private int msixConfigVector = 0xFFFF;
    private int queueSelect;
    private int deviceStatus;
    private final Queue[] queues;

    /** {@code queues} queues, each at most {@code maxSize} entries. */
    public PlainRegisters(int queues, int maxSize) {
        this.queues = new Queue[queues];
        for (int i = 0; i < queues; i++) {
            this.queues[i] = new Queue(i, maxSize);
        }
    }

    @Override public long driverFeatures(int i) { return driverFeatures[i]; }
    @Override public void driverFeatures(int i, long v) { driverFeatures[i] = v; }
    @Override public int deviceFeatureSelect() { return deviceFeatureSelect; }
    @Override public void deviceFeatureSelect(int v) { deviceFeatureSelect = v; }
    @Override public int driverFeatureSelect() { return driverFeatureSelect; }
    @Override public void driverFeatureSelect(int v) { driverFeatureSelect = v; }
    @Override public int msixConfigVector() { return msixConfigVector; }
    @Override public void msixConfigVector(int v) { msixConfigVector = v & 0xFFFF; }
    @Override public int queueSelect() { return queueSelect; }
    @Override public void queueSelect(int v) { queueSelect = v & 0xFFFF; }
    @Override public int deviceStatus() { return deviceStatus; }
    @Override public void deviceStatus(int v) { deviceStatus = v & 0xFF; }

    @Override
    public QueueRegisters queue(int i) {
        return i >= 0 && i < queues.length ? queues[i] : null;
    }
}
