package dev.jvirtio.transport;

import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.pci.MmioRegion;
import dev.jvirtio.pci.PciFunction;
import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.config.ConfigSpaceException;
import dev.jvirtio.pci.config.VirtioCapability;
import dev.jvirtio.pci.config.VirtioCfgType;
import dev.jvirtio.virtq.Doorbell;
import dev.jvirtio.virtq.RingFeatures;
import dev.jvirtio.virtq.Virtqueue;
import dev.jvirtio.virtq.VirtqueueConfig;
import dev.jvirtio.virtq.packed.PackedVirtqueue;
import dev.jvirtio.virtq.split.SplitVirtqueue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Driver side of the virtio-PCI modern transport (virtio 1.4 section 4.1) over any {@link PciFunction}:
 * a VFIO-backed device or the software device model.
 *
 * <pre>{@code
 * try (VirtioPciDevice dev = VirtioPciDevice.attach(function)) {
 *     FeatureSet got = dev.initialize(FeatureSet.of(VERSION_1, ACCESS_PLATFORM, ADMIN_VQ, EVENT_IDX),
 *                                     FeatureSet.of(VERSION_1, ADMIN_VQ));
 *     AdminQueueRange aq = dev.adminQueues();
 *     Virtqueue q = dev.setupQueue(aq.first(), 64, pool);
 *     dev.driverOk();
 * }
 * }</pre>
 *
 * <p>{@link #attach} only reads configuration space and locates the capabilities; nothing is written
 * to the device until {@link #initialize}. Every register access has the register's exact width
 * ({@link CommonCfg}). Closing resets the device first, so it stops all DMA before the queues' memory
 * is released.
 *
 * <p>Control-path object: its methods are meant for one thread at a time.
 */
public final class VirtioPciDevice implements AutoCloseable {

    /** How long {@link #reset()} waits for device_status to read back 0. */
    public static final long RESET_TIMEOUT_NANOS = 2_000_000_000L;

    /** The admin virtqueues the device offers: indices {@code first .. first + count - 1}. */
    public record AdminQueueRange(int first, int count) {
        /** Index of the {@code i}-th admin queue. */
        public int index(int i) {
            Objects.checkIndex(i, count);
            return first + i;
        }
    }

    private static final int PCI_COMMAND = 0x04;
    private static final int PCI_COMMAND_MEMORY = 0x2;
    private static final int PCI_COMMAND_MASTER = 0x4;

    private final PciFunction function;
    private final ConfigSpace config;
    private final CommonCfg common;
    private final MmioRegion notify;
    private final long notifyMultiplier;
    private final MmioRegion isr;
    private final MmioRegion deviceConfig;
    private final List<Virtqueue> queues = new ArrayList<>();
    private FeatureSet offered = FeatureSet.EMPTY;
    private FeatureSet negotiated = FeatureSet.EMPTY;
    private boolean closed;

    private VirtioPciDevice(PciFunction function, ConfigSpace config, CommonCfg common, MmioRegion notify,
                            long notifyMultiplier, MmioRegion isr, MmioRegion deviceConfig) {
        this.function = function;
        this.config = config;
        this.common = common;
        this.notify = notify;
        this.notifyMultiplier = notifyMultiplier;
        this.isr = isr;
        this.deviceConfig = deviceConfig;
    }

    /**
     * Locates the virtio capabilities of {@code function} (the first usable one of each type, as the
     * spec asks) and maps their windows. Reads configuration space only.
     *
     * @throws TransportException if a required capability is missing or points outside its BAR
     * @throws IOException        if configuration space or a BAR cannot be accessed
     */
    public static VirtioPciDevice attach(PciFunction function) throws IOException {
        Objects.requireNonNull(function, "function");
        ConfigSpace cs;
        try {
            cs = ConfigSpace.parse(function.configSnapshot());
        } catch (ConfigSpaceException e) {
            throw new TransportException(function.address() + ": configuration space is malformed: " + e.getMessage(), e);
        }
        if (cs.virtio().isEmpty()) {
            throw new TransportException(function.address() + " is not a virtio device (vendor 0x"
                    + Integer.toHexString(cs.header().vendorId()) + ", device 0x"
                    + Integer.toHexString(cs.header().deviceId()) + ")");
        }
        VirtioCapability commonCap = required(function, cs, VirtioCfgType.COMMON);
        VirtioCapability notifyCap = required(function, cs, VirtioCfgType.NOTIFY);
        VirtioCapability isrCap = required(function, cs, VirtioCfgType.ISR);
        VirtioCapability deviceCap = cs.virtioCapabilities().stream()
                .filter(c -> c.type() == VirtioCfgType.DEVICE && c.bar() <= VirtioCapability.MAX_BAR)
                .findFirst().orElse(null);
        if ((commonCap.barOffset() & 3) != 0) {
            throw new TransportException(function.address() + ": common configuration offset 0x"
                    + Long.toHexString(commonCap.barOffset()) + " is not 4-byte aligned");
        }
        if ((notifyCap.barOffset() & 1) != 0) {
            throw new TransportException(function.address() + ": notification area offset 0x"
                    + Long.toHexString(notifyCap.barOffset()) + " is not 2-byte aligned");
        }
        long mult = notifyCap.notifyOffMultiplier();
        if (mult != 0 && ((mult & 1) != 0 || Long.bitCount(mult) != 1)) {
            throw new TransportException(function.address() + ": notify_off_multiplier " + mult
                    + " is neither 0 nor an even power of two");
        }
        MmioRegion commonWin = window(function, commonCap);
        MmioRegion notifyWin = window(function, notifyCap);
        MmioRegion isrWin = window(function, isrCap);
        MmioRegion devWin = deviceCap == null ? null : window(function, deviceCap);
        return new VirtioPciDevice(function, cs, new CommonCfg(commonWin), notifyWin, mult, isrWin, devWin);
    }

    private static VirtioCapability required(PciFunction fn, ConfigSpace cs, VirtioCfgType type) {
        return cs.virtioCapabilities().stream()
                .filter(c -> c.type() == type && c.bar() <= VirtioCapability.MAX_BAR)
                .findFirst()
                .orElseThrow(() -> new TransportException(fn.address() + " has no usable virtio "
                        + type.label() + " capability"));
    }

    private static MmioRegion window(PciFunction fn, VirtioCapability cap) throws IOException {
        MmioRegion bar = fn.bar(cap.bar());
        long end = cap.barOffset() + cap.length();
        if (cap.barOffset() < 0 || cap.length() < 0 || end > bar.size() || end < cap.barOffset()) {
            throw new TransportException(fn.address() + ": virtio " + cap.type().label() + " structure [0x"
                    + Long.toHexString(cap.barOffset()) + ", +0x" + Long.toHexString(cap.length())
                    + ") lies outside BAR " + cap.bar() + " of 0x" + Long.toHexString(bar.size()) + " bytes");
        }
        return bar.window(cap.barOffset(), cap.length());
    }

    /** The PCI function underneath. */
    public PciFunction function() {
        return function;
    }

    /** The parsed configuration space (as read by {@link #attach}). */
    public ConfigSpace configSpace() {
        return config;
    }

    /** The common configuration registers. */
    public CommonCfg commonCfg() {
        checkOpen();
        return common;
    }

    /** The device-specific configuration window, or null if the device has none. */
    public MmioRegion deviceConfig() {
        checkOpen();
        return deviceConfig;
    }

    /** The ISR status region. */
    public MmioRegion isr() {
        checkOpen();
        return isr;
    }

    /** notify_off_multiplier. */
    public long notifyOffMultiplier() {
        return notifyMultiplier;
    }

    /** The features the device offered at the last {@link #initialize} (empty before). */
    public FeatureSet offeredFeatures() {
        return offered;
    }

    /** The features negotiated by the last {@link #initialize} (empty before). */
    public FeatureSet negotiatedFeatures() {
        return negotiated;
    }

    /** device_status. */
    public int status() {
        checkOpen();
        return readStatus();
    }

    private int readStatus() {
        int s = common.deviceStatus();
        if (s == 0xFF && common.numQueues() == 0xFFFF) {
            throw new TransportException(function.address() + " reads all-ones: the device is gone "
                    + "(surprise removal, or its BAR is no longer decoded)");
        }
        return s;
    }

    /** Whether the device has set DEVICE_NEEDS_RESET. */
    public boolean needsReset() {
        return (status() & DeviceStatus.DEVICE_NEEDS_RESET) != 0;
    }

    /**
     * Resets the device: writes 0 to device_status and waits until it reads back 0 (the driver must
     * not reinitialise before that). Every queue set up so far is forgotten by the device; the
     * {@link Virtqueue} objects stay owned by this device until {@link #close()}.
     *
     * @throws TransportException if the device does not finish within {@link #RESET_TIMEOUT_NANOS}
     */
    public void reset() {
        checkOpen();
        common.deviceStatus(0);
        long deadline = System.nanoTime() + RESET_TIMEOUT_NANOS;
        int spins = 0;
        while (readStatus() != 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new TransportException(function.address() + ": device_status still reads 0x"
                        + Integer.toHexString(common.deviceStatus()) + " " + RESET_TIMEOUT_NANOS / 1_000_000
                        + " ms after reset");
            }
            if (++spins < 1000) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(100_000);
            }
        }
        negotiated = FeatureSet.EMPTY;
    }

    /**
     * Runs the initialisation sequence up to FEATURES_OK (virtio 1.4 section 3.1.1): reset,
     * ACKNOWLEDGE, DRIVER, feature negotiation, FEATURES_OK, and the read-back check.
     *
     * @param wanted   features the driver would like (VERSION_1 is always added)
     * @param required features without which the driver cannot work; missing ones fail before
     *                 anything is accepted, with the device set to FAILED
     * @return the negotiated set: {@code wanted ∩ offered}
     * @throws FeatureNegotiationException if a required feature is missing or FEATURES_OK did not stick
     */
    public FeatureSet initialize(FeatureSet wanted, FeatureSet required) {
        checkOpen();
        wanted = wanted.with(VirtioFeature.VERSION_1);
        required = required.with(VirtioFeature.VERSION_1);
        reset();
        enableBusMastering();
        common.deviceStatus(DeviceStatus.ACKNOWLEDGE);
        common.deviceStatus(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
        offered = common.deviceFeatures();
        FeatureSet missing = required.minus(offered);
        if (missing.contains(VirtioFeature.ADMIN_VQ)) {
            fail();
            throw new AdminQueueUnavailableException(function.address() + ": admin queue not available: the device "
                    + "does not offer VIRTIO_F_ADMIN_VQ (bit 41); it offers " + offered);
        }
        if (!missing.isEmpty()) {
            fail();
            throw new FeatureNegotiationException(function.address() + ": device lacks required features "
                    + missing, offered, wanted);
        }
        FeatureSet accept = wanted.intersect(offered);
        if (accept.contains(VirtioFeature.ADMIN_VQ) && !common.hasAdminQueueFields()) {
            // Linux does the same (vp_check_common_size): without the fields the feature is useless.
            accept = accept.without(VirtioFeature.ADMIN_VQ.bit());
            if (required.contains(VirtioFeature.ADMIN_VQ)) {
                fail();
                throw new AdminQueueUnavailableException(function.address() + ": admin queue not available: "
                        + "the device offers VIRTIO_F_ADMIN_VQ but its common configuration is only 0x"
                        + Integer.toHexString(common.length()) + " bytes, without admin_queue_index/admin_queue_num");
            }
        }
        if (accept.contains(VirtioFeature.RING_RESET) && !common.hasQueueReset()) {
            accept = accept.without(VirtioFeature.RING_RESET.bit());
        }
        common.driverFeatures(accept);
        common.deviceStatus(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.FEATURES_OK);
        if ((readStatus() & DeviceStatus.FEATURES_OK) == 0) {
            fail();
            throw new FeatureNegotiationException(function.address() + ": device did not accept the features "
                    + accept + " (FEATURES_OK did not stick)", offered, wanted);
        }
        negotiated = accept;
        return accept;
    }

    /**
     * Sets Memory Space Enable and Bus Master Enable in the PCI command register (what Linux's
     * pci_set_master does): vfio-pci leaves bus mastering off, and without it the device cannot read
     * the rings or write completions, so every request would silently time out.
     */
    private void enableBusMastering() {
        try {
            int cmd = function.configRead(PCI_COMMAND, 2);
            int want = cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
            if (want != cmd) {
                function.configWrite(PCI_COMMAND, 2, want);
            }
        } catch (IOException e) {
            throw new TransportException(function.address() + ": cannot enable bus mastering in the PCI command "
                    + "register: " + e.getMessage(), e);
        }
    }

    private void fail() {
        common.deviceStatus(common.deviceStatus() | DeviceStatus.FAILED);
    }

    /** Sets DRIVER_OK: the device is live. */
    public void driverOk() {
        checkOpen();
        if (!negotiated.contains(VirtioFeature.VERSION_1)) {
            throw new IllegalStateException("driverOk() before initialize()");
        }
        common.deviceStatus(common.deviceStatus() | DeviceStatus.DRIVER_OK);
    }

    /** num_queues: ordinary virtqueues (admin queues not included). */
    public int numQueues() {
        return common.numQueues();
    }

    /**
     * The admin virtqueues, from admin_queue_index/admin_queue_num.
     *
     * @throws AdminQueueUnavailableException with the precise reason when there are none
     */
    public AdminQueueRange adminQueues() {
        checkOpen();
        if (!common.hasAdminQueueFields()) {
            throw new AdminQueueUnavailableException(function.address() + ": admin queue not available: the "
                    + "common configuration is 0x" + Integer.toHexString(common.length()) + " bytes (virtio 1.0 "
                    + "layout), without admin_queue_index/admin_queue_num (needs 64)");
        }
        if (negotiated.isEmpty()) {
            throw new IllegalStateException("adminQueues() before initialize()");
        }
        if (!negotiated.contains(VirtioFeature.ADMIN_VQ)) {
            throw new AdminQueueUnavailableException(function.address() + ": admin queue not available: "
                    + (offered.contains(VirtioFeature.ADMIN_VQ)
                        ? "VIRTIO_F_ADMIN_VQ (bit 41) was not negotiated"
                        : "the device does not offer VIRTIO_F_ADMIN_VQ (bit 41)"));
        }
        int first = common.adminQueueIndex();
        int num = common.adminQueueNum();
        if (num == 0) {
            throw new AdminQueueUnavailableException(function.address()
                    + ": admin queue not available: admin_queue_num is 0");
        }
        if (first < common.numQueues() || num > 0x10000 - first) {
            throw new TransportException(function.address() + ": admin_queue_index " + first + " / admin_queue_num "
                    + num + " violate the spec (index >= num_queues " + common.numQueues() + ", range within 16 bits)");
        }
        return new AdminQueueRange(first, num);
    }

    /**
     * Configures and enables queue {@code index} (after {@link #initialize}, before or after
     * {@link #driverOk()} for admin queues and RING_RESET re-enables): selects it, sizes it to at
     * most {@code maxSize}, allocates its rings from {@code pool} in the negotiated format, writes
     * the three area addresses and enables it.
     *
     * @throws TransportException if the queue does not exist or its doorbell lies outside the notify area
     */
    public Virtqueue setupQueue(int index, int maxSize, DmaPool pool) throws IOException {
        checkOpen();
        if (negotiated.isEmpty()) {
            throw new IllegalStateException("setupQueue() before initialize()");
        }
        common.queueSelect(index);
        int deviceMax = common.queueSize();
        if (deviceMax == 0) {
            throw new TransportException(function.address() + ": queue " + index + " does not exist (queue_size 0)");
        }
        if (common.queueEnable() != 0) {
            throw new TransportException(function.address() + ": queue " + index + " is already enabled");
        }
        boolean packed = negotiated.contains(VirtioFeature.RING_PACKED);
        int size = Math.min(maxSize, deviceMax);
        if (!packed) {
            size = Integer.highestOneBit(size);
        }
        if (size < 1) {
            throw new IllegalArgumentException("queue size " + maxSize + " too small");
        }
        int notifyOff = common.queueNotifyOff();
        boolean data = negotiated.contains(VirtioFeature.NOTIFICATION_DATA);
        long doorbellOffset = (long) notifyOff * notifyMultiplier;
        int width = data ? 4 : 2;
        if (doorbellOffset + width > notify.size()) {
            throw new TransportException(function.address() + ": doorbell of queue " + index + " at 0x"
                    + Long.toHexString(doorbellOffset) + " lies outside the 0x" + Long.toHexString(notify.size())
                    + "-byte notification area");
        }
        int notifyId = negotiated.contains(VirtioFeature.NOTIF_CONFIG_DATA) ? common.queueNotifConfigData() : index;
        Doorbell doorbell = data ? value -> notify.write32(doorbellOffset, value)
                                 : value -> notify.write16(doorbellOffset, value);
        long ringFeatures = negotiated.low() & (RingFeatures.INDIRECT_DESC | RingFeatures.EVENT_IDX
                | RingFeatures.RING_PACKED | RingFeatures.NOTIFICATION_DATA | RingFeatures.NOTIF_CONFIG_DATA
                | RingFeatures.RING_RESET | RingFeatures.VERSION_1 | RingFeatures.ACCESS_PLATFORM
                | RingFeatures.ORDER_PLATFORM);
        VirtqueueConfig cfg = new VirtqueueConfig(index, size, ringFeatures, 0, 2, notifyId, doorbell);
        Virtqueue q = packed ? PackedVirtqueue.allocate(cfg, pool) : SplitVirtqueue.allocate(cfg, pool);
        try {
            programAndEnable(q);
        } catch (RuntimeException e) {
            q.close();
            throw e;
        }
        queues.add(q);
        return q;
    }

    /**
     * Resets one queue with VIRTIO_F_RING_RESET (virtio 1.4 section 2.6.1): writes queue_reset, waits
     * until it reads 0, resets the driver-side bookkeeping (abandoning what was in flight) and
     * re-enables the queue at the same addresses.
     *
     * @return the number of chains that were in flight and are now abandoned
     */
    public int resetQueue(Virtqueue q, java.util.function.LongConsumer abandoned) {
        checkOpen();
        if (!negotiated.contains(VirtioFeature.RING_RESET)) {
            throw new TransportException(function.address() + ": queue reset needs VIRTIO_F_RING_RESET, "
                    + "which was not negotiated");
        }
        common.queueSelect(q.queueIndex());
        int vector = common.queueMsixVector();   // a queue reset clears it: put it back afterwards
        common.requestQueueReset();
        long deadline = System.nanoTime() + RESET_TIMEOUT_NANOS;
        while (common.queueReset() != 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new TransportException(function.address() + ": queue " + q.queueIndex()
                        + " reset did not complete");
            }
            Thread.onSpinWait();
        }
        int n = q.reset(abandoned);
        if (vector != 0xFFFF) {
            common.queueMsixVector(vector);
            if (common.queueMsixVector() != vector) {
                throw new TransportException(function.address() + ": queue " + q.queueIndex()
                        + " refused its MSI-X vector " + vector + " after the queue reset");
            }
        }
        programAndEnable(q);
        return n;
    }

    /** Writes the selected queue's size and three area addresses from {@code q}, then enables it. */
    private void programAndEnable(Virtqueue q) {
        common.queueSize(q.size());
        common.queueDesc(q.descriptorAreaIova());
        common.queueDriver(q.driverAreaIova());
        common.queueDevice(q.deviceAreaIova());
        common.enableQueue();
    }

    /**
     * Releases the memory of every queue set up so far. Only legal right after {@link #reset()}
     * (device_status reads 0), when the device owns no buffer any more; used by recovery paths that
     * set the queues up again.
     *
     * @throws IllegalStateException if the device is not in reset
     */
    public void discardQueuesAfterReset() {
        checkOpen();
        if (readStatus() != 0) {
            throw new IllegalStateException("queues may only be discarded while the device is in reset");
        }
        for (Virtqueue q : queues) {
            q.close();
        }
        queues.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("VirtioPciDevice " + function.address() + " is closed");
        }
    }

    /**
     * Resets the device (so it stops all DMA), then releases every queue's memory. If the device does
     * not complete the reset, the queues' memory stays mapped (a device that may still write must never
     * see freed memory) and a {@link TransportException} says so. The PCI function itself stays open
     * (its owner closes it). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        RuntimeException failure = null;
        try {
            reset();
        } catch (RuntimeException e) {
            failure = e;
        }
        closed = true;
        if (failure != null) {
            // The device may still be doing DMA into the rings: keeping their memory mapped is the safe choice.
            throw new TransportException(function.address() + ": device did not reset on close; " + queues.size()
                    + " queue(s) left mapped so that a late DMA cannot hit freed memory", failure);
        }
        for (Virtqueue q : queues) {
            q.close();
        }
        queues.clear();
    }
}
