package dev.jvirtio.devicemodel.virtio;

import static dev.jvirtio.pci.virtio.CommonCfgLayout.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Device-side semantics of the virtio-PCI common configuration structure (virtio 1.4 section
 * 4.1.4.3 and 2.1/3.1): feature select windows, the device status state machine, queue
 * configuration, queue reset, and the admin queue fields.
 *
 * <p>Every access must use the register's own width; a wrong width, a write to a read-only
 * register, clearing a status bit, writing 0 to queue_enable and similar driver mistakes are
 * recorded as {@link #violations() violations} (and thrown in strict mode, so tests of the driver
 * fail loudly) and otherwise ignored, as a real device would.
 *
 * <p>Accesses come from the driver thread (trapped MMIO); the owner serialises them with its own
 * lock, so this class is not thread-safe on its own.
 */
public final class CommonCfgModel {

    /** What the common configuration asks of the rest of the device. */
    public interface Listener {
        /** The driver wrote 0 to device_status: reset everything; return when done. */
        void deviceReset();

        /** The driver set FEATURES_OK: return whether the device accepts {@code features} (lo, hi). */
        boolean acceptFeatures(long low, long high);

        /** The driver set DRIVER_OK. */
        void driverOk();

        /** The driver enabled queue {@code index} with the configuration in {@code q}. */
        void queueEnabled(int index, QueueRegisters q);

        /** The driver asked to reset queue {@code index}; return when the reset is done. */
        void queueReset(int index);
    }

    /** Feature bits for version 1 and ring reset, used by the checks below. */
    private static final int VERSION_1 = 32;
    private static final int RING_PACKED = 34;
    private static final int RING_RESET = 40;

    private final long offeredLow;
    private final long offeredHigh;
    private final int numQueues;
    private final int adminIndex;
    private final int adminNum;
    private final int length;
    private final int queueCount;
    private final CommonCfgRegisters regs;
    private final Listener listener;
    private boolean strict;
    private int configGeneration;
    private final List<String> violations = new ArrayList<>();

    /**
     * @param offeredLow  device feature bits 0-63
     * @param offeredHigh device feature bits 64-127
     * @param numQueues   ordinary queues
     * @param adminNum    admin queues, placed right after the ordinary ones
     * @param length      length of the structure the capability advertises (0x38..0x40)
     * @param regs        where the registers live; must hold {@code numQueues + adminNum} queues
     * @param listener    the rest of the device
     */
    public CommonCfgModel(long offeredLow, long offeredHigh, int numQueues, int adminNum, int length,
                          CommonCfgRegisters regs, Listener listener) {
        if (numQueues < 0 || adminNum < 0 || numQueues + adminNum > 0x10000) {
            throw new IllegalArgumentException("bad queue counts " + numQueues + " + " + adminNum);
        }
        if (length < LENGTH_1_0 || length > LENGTH_FULL) {
            throw new IllegalArgumentException("common cfg length " + length + " outside 56..64");
        }
        this.offeredLow = offeredLow;
        this.offeredHigh = offeredHigh;
        this.numQueues = numQueues;
        this.adminIndex = numQueues;
        this.adminNum = adminNum;
        this.length = length;
        this.regs = Objects.requireNonNull(regs, "regs");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.queueCount = numQueues + adminNum;
        for (int i = 0; i < queueCount; i++) {
            if (regs.queue(i) == null) {
                throw new IllegalArgumentException("register store lacks queue " + i);
            }
        }
    }

    /** In strict mode every driver violation throws {@link IllegalStateException}. */
    public void strict(boolean strict) {
        this.strict = strict;
    }

    /** The driver mistakes seen so far, oldest first. */
    public List<String> violations() {
        return Collections.unmodifiableList(violations);
    }

    private void violation(String what) {
        violations.add(what);
        if (strict) {
            throw new IllegalStateException("driver violated the virtio spec: " + what);
        }
    }

    /** Current device status. */
    public int status() {
        return regs.deviceStatus();
    }

    /** Sets status bits from the device side (DEVICE_NEEDS_RESET). */
    public void raiseStatus(int bits) {
        regs.deviceStatus(regs.deviceStatus() | bits);
    }

    /** Driver feature bits 0-63 as negotiated. */
    public long driverFeaturesLow() {
        return regs.driverFeatures(0);
    }

    /** Driver feature bits 64-127 as negotiated. */
    public long driverFeaturesHigh() {
        return regs.driverFeatures(1);
    }

    /** Whether feature {@code bit} was accepted by the driver (meaningful after FEATURES_OK). */
    public boolean negotiated(int bit) {
        return bit < 64 ? (regs.driverFeatures(0) >>> bit & 1) != 0 : (regs.driverFeatures(1) >>> (bit - 64) & 1) != 0;
    }

    /** The configuration of queue {@code index}. */
    public QueueRegisters queue(int index) {
        Objects.checkIndex(index, queueCount);
        return regs.queue(index);
    }

    /** Total queues including admin queues. */
    public int queueCount() {
        return queueCount;
    }

    /** Index of the first admin queue. */
    public int adminQueueIndex() {
        return adminIndex;
    }

    /** Number of admin queues. */
    public int adminQueueNum() {
        return adminNum;
    }

    /** Bumps config_generation after a device-specific configuration change. */
    public void configChanged() {
        configGeneration = (configGeneration + 1) & 0xFF;
    }

    private QueueRegisters selected() {
        int sel = regs.queueSelect();
        return sel < queueCount ? regs.queue(sel) : null;
    }

    private static int window(long low, long high, int select) {
        return switch (select) {
            case 0 -> (int) low;
            case 1 -> (int) (low >>> 32);
            case 2 -> (int) high;
            case 3 -> (int) (high >>> 32);
            default -> 0;
        };
    }

    private boolean checkAccess(int offset, int width, boolean write) {
        if (offset + width > length) {
            violation((write ? "write" : "read") + " of " + width + " bytes at 0x" + Integer.toHexString(offset)
                    + " beyond the 0x" + Integer.toHexString(length) + "-byte common configuration");
            return false;
        }
        int w = widthAt(offset);
        if (w != width) {
            violation((write ? "write" : "read") + " of " + width + " bytes at " + nameAt(offset)
                    + (w == 0 ? " (not a register start)" : ", which is " + w + " bytes wide"));
            return false;
        }
        return true;
    }

    /** A driver read of {@code width} bytes at {@code offset}. */
    public int read(int offset, int width) {
        if (!checkAccess(offset, width, false)) {
            return 0;
        }
        QueueRegisters q = selected();
        return switch (offset) {
            case DEVICE_FEATURE_SELECT -> regs.deviceFeatureSelect();
            case DEVICE_FEATURE -> window(offeredLow, offeredHigh, regs.deviceFeatureSelect());
            case DRIVER_FEATURE_SELECT -> regs.driverFeatureSelect();
            case DRIVER_FEATURE -> window(regs.driverFeatures(0), regs.driverFeatures(1), regs.driverFeatureSelect());
            case CONFIG_MSIX_VECTOR -> regs.msixConfigVector();
            case NUM_QUEUES -> numQueues;
            case DEVICE_STATUS -> regs.deviceStatus();
            case CONFIG_GENERATION -> configGeneration;
            case QUEUE_SELECT -> regs.queueSelect();
            case QUEUE_SIZE -> q == null ? 0 : q.size();
            case QUEUE_MSIX_VECTOR -> q == null ? 0 : q.msixVector();
            case QUEUE_ENABLE -> q == null ? 0 : q.enabled() ? 1 : 0;
            case QUEUE_NOTIFY_OFF -> q == null ? 0 : q.notifyOff();
            case QUEUE_DESC -> q == null ? 0 : (int) q.desc();
            case QUEUE_DESC + 4 -> q == null ? 0 : (int) (q.desc() >>> 32);
            case QUEUE_DRIVER -> q == null ? 0 : (int) q.driver();
            case QUEUE_DRIVER + 4 -> q == null ? 0 : (int) (q.driver() >>> 32);
            case QUEUE_DEVICE -> q == null ? 0 : (int) q.device();
            case QUEUE_DEVICE + 4 -> q == null ? 0 : (int) (q.device() >>> 32);
            case QUEUE_NOTIF_CONFIG_DATA -> q == null ? 0 : q.notifConfigData();
            // Queue reset completes inside the write that requests it, so a read never sees it ongoing.
            case QUEUE_RESET -> 0;
            case ADMIN_QUEUE_INDEX -> adminIndex;
            case ADMIN_QUEUE_NUM -> adminNum;
            default -> 0;
        };
    }

    /** A driver write of {@code width} bytes at {@code offset}. */
    public void write(int offset, int width, int value) {
        if (!checkAccess(offset, width, true)) {
            return;
        }
        QueueRegisters q = selected();
        switch (offset) {
            case DEVICE_FEATURE_SELECT -> regs.deviceFeatureSelect(value);
            case DRIVER_FEATURE_SELECT -> regs.driverFeatureSelect(value);
            case DRIVER_FEATURE -> writeDriverFeatures(value);
            case CONFIG_MSIX_VECTOR -> regs.msixConfigVector(value & 0xFFFF);
            case DEVICE_STATUS -> writeStatus(value & 0xFF);
            case QUEUE_SELECT -> regs.queueSelect(value & 0xFFFF);
            case QUEUE_SIZE -> writeQueueSize(q, value & 0xFFFF);
            case QUEUE_MSIX_VECTOR -> {
                if (q != null) {
                    q.msixVector(value & 0xFFFF);
                }
            }
            case QUEUE_ENABLE -> writeQueueEnable(q, value & 0xFFFF);
            case QUEUE_DESC, QUEUE_DESC + 4, QUEUE_DRIVER, QUEUE_DRIVER + 4, QUEUE_DEVICE, QUEUE_DEVICE + 4 ->
                    writeAddress(q, offset, value);
            case QUEUE_RESET -> writeQueueReset(q, value & 0xFFFF);
            default -> violation("write to read-only register " + nameAt(offset));
        }
    }

    private void writeDriverFeatures(int value) {
        if ((regs.deviceStatus() & 8) != 0) {
            violation("driver_feature written after FEATURES_OK");
            return;
        }
        long v = Integer.toUnsignedLong(value);
        int sel = regs.driverFeatureSelect();
        if (sel < 0 || sel > 3) {
            if (value != 0) {
                violation("driver_feature window " + sel + " written with 0x" + Integer.toHexString(value)
                        + " though no such feature is offered");
            }
            return;
        }
        int word = sel >> 1;
        long old = regs.driverFeatures(word);
        regs.driverFeatures(word, (sel & 1) == 0 ? (old & 0xFFFF_FFFF_0000_0000L) | v : (old & 0xFFFF_FFFFL) | v << 32);
    }

    private void writeStatus(int value) {
        if (value == 0) {
            listener.deviceReset();
            resetRegisters();
            return;
        }
        int status = regs.deviceStatus();
        if ((status & ~value & ~0x40) != 0) {
            violation("device_status write 0x" + Integer.toHexString(value) + " clears bits of 0x"
                    + Integer.toHexString(status));
        }
        int added = value & ~status;
        int next = status | value;
        if ((added & 8) != 0) { // FEATURES_OK: the device decides whether to accept the features
            long driverLow = regs.driverFeatures(0);
            long driverHigh = regs.driverFeatures(1);
            boolean subset = (driverLow & ~offeredLow) == 0 && (driverHigh & ~offeredHigh) == 0;
            boolean v1 = (driverLow >>> VERSION_1 & 1) != 0;
            if (!subset || !v1 || !listener.acceptFeatures(driverLow, driverHigh)) {
                next &= ~8;  // leaving FEATURES_OK clear tells the driver the set was refused
            }
        }
        if ((added & 4) != 0 && (next & 8) == 0) {
            violation("DRIVER_OK set without FEATURES_OK");
        }
        regs.deviceStatus(next);
        if ((added & 4) != 0) {
            listener.driverOk();
        }
    }

    private void writeQueueSize(QueueRegisters q, int size) {
        if (q == null || q.maxSize() == 0) {
            return;
        }
        if (q.enabled()) {
            violation("queue_size of enabled queue " + regs.queueSelect() + " changed");
            return;
        }
        boolean packed = negotiated(RING_PACKED);
        if (size == 0 || size > q.maxSize() || (!packed && Integer.bitCount(size) != 1)) {
            violation("queue_size " + size + " invalid for queue " + regs.queueSelect() + " (max " + q.maxSize()
                    + (packed ? "" : ", power of two") + ")");
            return;
        }
        q.size(size);
    }

    private void writeQueueEnable(QueueRegisters q, int value) {
        if (q == null) {
            violation("queue_enable of nonexistent queue " + regs.queueSelect());
            return;
        }
        if (value != 1) {
            violation("queue_enable written with " + value + " (the driver only writes 1)");
            return;
        }
        if (q.enabled()) {
            return;
        }
        if ((regs.deviceStatus() & 8) == 0) {
            violation("queue " + regs.queueSelect() + " enabled before FEATURES_OK");
        }
        q.enabled(true);
        listener.queueEnabled(regs.queueSelect(), q);
    }

    private static long half(long old, boolean high, long v) {
        return high ? (old & 0xFFFF_FFFFL) | v << 32 : (old & 0xFFFF_FFFF_0000_0000L) | v;
    }

    private void writeAddress(QueueRegisters q, int offset, int value) {
        if (q == null) {
            return;
        }
        if (q.enabled()) {
            violation(nameAt(offset) + " of enabled queue " + regs.queueSelect() + " changed");
            return;
        }
        long v = Integer.toUnsignedLong(value);
        boolean high = (offset & 4) != 0;
        switch (offset & ~4) {
            case QUEUE_DESC -> q.desc(half(q.desc(), high, v));
            case QUEUE_DRIVER -> q.driver(half(q.driver(), high, v));
            default -> q.device(half(q.device(), high, v));
        }
    }

    private void writeQueueReset(QueueRegisters q, int value) {
        if (!negotiated(RING_RESET)) {
            violation("queue_reset written without VIRTIO_F_RING_RESET");
            return;
        }
        if (q == null || value != 1) {
            if (value != 1) {
                violation("queue_reset written with " + value);
            }
            return;
        }
        listener.queueReset(regs.queueSelect());
        q.reset();                    // reset complete: queue_reset and queue_enable read 0
    }

    private void resetRegisters() {
        regs.deviceFeatureSelect(0);
        regs.driverFeatureSelect(0);
        regs.driverFeatures(0, 0);
        regs.driverFeatures(1, 0);
        regs.msixConfigVector(0xFFFF);
        regs.queueSelect(0);
        for (int i = 0; i < queueCount; i++) {
            regs.queue(i).reset();
        }
        regs.deviceStatus(0);
    }
}
