package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.pci.VirtioConfigSpaces.*;
import static dev.jvirtio.devicemodel.pci.VirtioPciLayout.*;

import dev.jvirtio.devicemodel.pci.ConfigSpace;
import dev.jvirtio.devicemodel.pci.EmulatedPciFunction;
import dev.jvirtio.devicemodel.pci.VirtioConfigSpaces;
import dev.jvirtio.devicemodel.virtio.CommonCfgModel;
import dev.jvirtio.devicemodel.virtio.PlainRegisters;
import dev.jvirtio.devicemodel.virtio.QueueRegisters;
import dev.jvirtio.dma.SoftwareIommu;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.PciFunction;
import dev.jvirtio.virtq.device.DriverFaultException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A software virtio-PCI device: a PF with SR-IOV VFs and one or more admin virtqueues, faithful to
 * virtio 1.4 so that the framework's driver code can be tested, benchmarked and demonstrated without
 * hardware (no device on these machines has an admin queue).
 *
 * <pre>{@code
 * try (DeviceModel model = DeviceModel.start(DeviceModelConfig.of(DeviceType.NET, 4))) {
 *     PciFunction pf = model.pf();                        // drive it like a real function
 *     pf.configWrite(0x110, 2, 4);                         // SR-IOV NumVFs = 4
 *     pf.configWrite(0x108, 2, 0x9);                       // VF Enable | VF MSE: four VFs appear
 *     PciFunction vf2 = model.vf(2).orElseThrow();
 * }
 * }</pre>
 *
 * <p>What it models: configuration space with the virtio capabilities, MSI-X and an SR-IOV extended
 * capability whose NumVFs/VF Enable create and destroy VF functions (each a virtio-PCI function whose
 * state is the member state the admin commands act on); the common configuration semantics (feature
 * windows, the status state machine, FEATURES_OK checking, queue setup, queue reset, admin queue
 * fields); DMA through a per-function software IOMMU; the admin queues, processed by a busy-polling
 * device thread (or inline, in the notifying thread); every admin command through
 * {@link AdminCommandEngine}; and fault injection ({@link #faults()}, {@link #ringFaults()}).
 *
 * <p>What it leaves out: the data path of the net/blk queues (doorbells are counted, buffers are not
 * consumed), interrupts (MSI-X table is plain memory; used-buffer notifications are counted), and
 * power management.
 */
public final class DeviceModel implements AutoCloseable {

    private static final int VERSION_1 = 32;
    private static final int SR_IOV = 37;
    private static final int ADMIN_VQ = 41;
    private static final int RING_PACKED = 34;
    /** Ring-format and notification bits the device side of a queue honours. */
    private static final long RING_BITS = (1L << 28) | (1L << 29) | (1L << RING_PACKED) | (1L << 38);

    private final DeviceModelConfig cfg;
    private final Object lock = new Object();
    private final AdminCommandEngine engine;
    private final RingFaults ringFaults = new RingFaults();
    private final EmulatedPciFunction pf;
    private final VirtioFunctionModel pfModel;
    private final int adminFirst;
    private final AdminQueueRunner[] runners;
    private volatile AdminQueueRunner[] active = new AdminQueueRunner[0];
    private final List<EmulatedPciFunction> vfs = new ArrayList<>();
    private final byte[] pfConfig;
    private final AtomicLong doorbells = new AtomicLong();
    private final Thread deviceThread;
    private volatile boolean running = true;
    private volatile boolean halted;        // DEVICE_NEEDS_RESET raised with the admin queues halted
    private volatile boolean closed;

    private DeviceModel(DeviceModelConfig cfg) {
        this.cfg = cfg;
        AdminEngineConfig ec = cfg.engine();
        DeviceType type = ec.deviceType();
        int totalVfs = ec.totalVfs();
        ConfigSpace cs = VirtioConfigSpaces.build(type.virtioId(), classCode(type), 8, totalVfs, type.configSize(),
                cfg.commonCfgLength());
        this.pf = new EmulatedPciFunction(cfg.pfAddress(), cs, new SoftwareIommu());
        this.engine = new AdminCommandEngine(ec, new SrIovState() {
            @Override
            public int numVfs() {
                return totalVfs == 0 ? 0 : cs.read(EXT_CAP_SRIOV + SRIOV_NUM_VFS, 2);
            }

            @Override
            public boolean vfEnable() {
                return totalVfs != 0 && (cs.read(EXT_CAP_SRIOV + SRIOV_CTRL, 2) & SRIOV_CTRL_VF_ENABLE) != 0;
            }
        });
        this.pfConfig = type.defaultConfig(0);
        int numQueues = type.numQueues();
        this.adminFirst = numQueues;
        this.runners = new AdminQueueRunner[cfg.adminQueues()];
        long offered = type.features() | 1L << VERSION_1 | 1L << 33 | 1L << 28 | 1L << 29 | 1L << RING_PACKED
                | 1L << 38 | 1L << 40 | 1L << ADMIN_VQ | (totalVfs > 0 ? 1L << SR_IOV : 0);
        CommonCfgModel common = new CommonCfgModel(offered, 0, numQueues, cfg.adminQueues(), cfg.commonCfgLength(),
                new PlainRegisters(numQueues + cfg.adminQueues(), cfg.adminQueueSize()), new PfListener());
        common.strict(false);
        this.pfModel = new VirtioFunctionModel(common, new PfDevice(), lock, ringFaults);
        pf.bar(0, BAR0_SIZE, pfModel.bar0());
        pf.bar(2, BAR2_SIZE, pfModel.bar2());
        cs.onWrite(this::pfConfigWritten);
        if (cfg.mode() == DeviceModelConfig.ProcessingMode.THREAD) {
            deviceThread = new Thread(this::deviceLoop, "jvirtio-device-" + cfg.pfAddress());
            deviceThread.setDaemon(true);
        } else {
            deviceThread = null;
        }
    }

    /** Creates the device and, in THREAD mode, starts its device thread. */
    public static DeviceModel start(DeviceModelConfig cfg) {
        DeviceModel m = new DeviceModel(Objects.requireNonNull(cfg, "cfg"));
        if (m.deviceThread != null) {
            m.deviceThread.start();
        }
        return m;
    }

    private static int classCode(DeviceType type) {
        return switch (type) {
            case NET -> 0x020000;
            case BLOCK -> 0x010000;
        };
    }

    /** The configuration. */
    public DeviceModelConfig config() {
        return cfg;
    }

    /** The PF as a driver sees it. */
    public PciFunction pf() {
        return pf;
    }

    /** VF {@code n} (1-based VF number), if VFs are enabled and {@code n <= NumVFs}. */
    public Optional<PciFunction> vf(int n) {
        synchronized (lock) {
            return n >= 1 && n <= vfs.size() ? Optional.of(vfs.get(n - 1)) : Optional.empty();
        }
    }

    /** The VFs that exist now, in VF-number order. */
    public List<PciFunction> vfs() {
        synchronized (lock) {
            return List.copyOf(vfs);
        }
    }

    /**
     * The address of VF {@code n} from the SR-IOV capability's routing fields:
     * PF routing id + First VF Offset + (n - 1) * VF Stride.
     */
    public PciAddress vfAddress(int n) {
        int offset = pf.configSpace().read(EXT_CAP_SRIOV + SRIOV_FIRST_VF_OFFSET, 2);
        int stride = pf.configSpace().read(EXT_CAP_SRIOV + SRIOV_VF_STRIDE, 2);
        PciAddress p = cfg.pfAddress();
        int rid = (p.bus() << 8 | p.device() << 3 | p.function()) + offset + (n - 1) * stride;
        return new PciAddress(p.domain(), rid >> 8 & 0xFF, rid >> 3 & 0x1F, rid & 7);
    }

    /** The admin command engine (device-side state of every member, for tests and demos). */
    public AdminCommandEngine engine() {
        return engine;
    }

    /** Admin-engine faults: EAGAIN storms, dropped completions, garbage status, shrinking opcode sets. */
    public FaultInjector faults() {
        return engine.faults();
    }

    /** Ring- and PCI-level faults: late or corrupt completions, duplicates, a vanishing device. */
    public RingFaults ringFaults() {
        return ringFaults;
    }

    /** Sets DEVICE_NEEDS_RESET on the PF, as a device does on an internal error; the queues keep running. */
    public void raiseNeedsReset() {
        raiseNeedsReset(false);
    }

    /**
     * Sets DEVICE_NEEDS_RESET on the PF. With {@code haltAdminQueues} the device also stops processing its
     * admin queues until the driver resets it (an error it "can't recover" from, in the spec's words):
     * commands in flight and new ones get no completion.
     */
    public void raiseNeedsReset(boolean haltAdminQueues) {
        synchronized (lock) {
            if (haltAdminQueues) {
                halted = true;
            }
            pfModel.common.raiseStatus(64);
        }
    }

    /** The PF's device_status as the device holds it. */
    public int pfStatus() {
        synchronized (lock) {
            return pfModel.common.status();
        }
    }

    /** Spec violations the PF's driver committed in the common configuration, oldest first. */
    public List<String> driverViolations() {
        synchronized (lock) {
            return List.copyOf(pfModel.common.violations());
        }
    }

    /** Admin commands completed so far, over all admin queues. */
    public long adminCommandsCompleted() {
        long n = 0;
        for (AdminQueueRunner r : active) {
            n += r.completed();
        }
        return n;
    }

    /** Doorbell writes the PF received. */
    public long doorbells() {
        return doorbells.get();
    }

    /** The driver fault that stopped admin queue {@code i} (0-based among admin queues), if any. */
    public Optional<DriverFaultException> adminQueueFault(int i) {
        synchronized (lock) {
            AdminQueueRunner r = runners[i];
            return r == null ? Optional.empty() : Optional.ofNullable(r.fault());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // PF side

    private final class PfListener implements CommonCfgModel.Listener {
        @Override
        public void deviceReset() {
            halted = false;
            stopAdminQueues();
            engine.reset();
        }

        @Override
        public boolean acceptFeatures(long low, long high) {
            return true;    // any subset of what is offered, with VERSION_1 (checked by the common cfg)
        }

        @Override
        public void driverOk() {
        }

        @Override
        public void queueEnabled(int index, QueueRegisters q) {
            int a = index - adminFirst;
            if (a < 0 || a >= runners.length) {
                return;     // the PF's own data queues are not modelled
            }
            CommonCfgModel common = pfModel.common;
            if (!common.negotiated(ADMIN_VQ)) {
                common.raiseStatus(64);
                return;
            }
            long features = common.driverFeaturesLow() & RING_BITS;
            try {
                AdminQueueRunner r = new AdminQueueRunner(index, pf.iommu(), q.size(), features, q.desc(),
                        q.driver(), q.device(), engine, ringFaults);
                if (deviceThread != null) {
                    r.disableNotifications();   // the device thread polls
                }
                runners[a] = r;
                publishActive();
            } catch (DriverFaultException | IllegalArgumentException e) {
                common.raiseStatus(64);         // rings not mapped for the device: it cannot go on
            }
        }

        @Override
        public void queueReset(int index) {
            int a = index - adminFirst;
            if (a >= 0 && a < runners.length && runners[a] != null) {
                runners[a].close();
                runners[a] = null;
                publishActive();
            }
        }
    }

    private final class PfDevice implements VirtioFunctionModel.Device {
        @Override
        public void notified(int queue, int value) {
            doorbells.incrementAndGet();
            if (deviceThread != null) {
                LockSupport.unpark(deviceThread);
                return;
            }
            synchronized (lock) {        // inline mode: process right here, in the driver's thread
                boolean pending;
                do {
                    drainAll();
                    // Re-arm the doorbell (avail_event / flags) and catch anything published meanwhile.
                    pending = false;
                    for (AdminQueueRunner r : active) {
                        pending |= r.enableNotifications();
                    }
                } while (pending && !halted);   // a halted device leaves the work pending
            }
        }

        @Override
        public int configByte(int offset) {
            return offset < pfConfig.length ? pfConfig[offset] & 0xFF : 0;
        }

        @Override
        public void configWrite(int offset, int width, int value) {
            // The modern device-specific configuration of our types is read-only from the PF driver.
        }

        @Override
        public int readIsr() {
            return 0;
        }
    }

    private void stopAdminQueues() {
        for (int i = 0; i < runners.length; i++) {
            if (runners[i] != null) {
                runners[i].close();
                runners[i] = null;
            }
        }
        publishActive();
    }

    private void publishActive() {
        active = Arrays.stream(runners).filter(Objects::nonNull).toArray(AdminQueueRunner[]::new);
    }

    /** Processes every admin queue once; must hold {@link #lock}. Returns the number of commands. */
    private int drainAll() {
        if (halted) {
            return 0;       // waiting for the driver's device reset
        }
        int work = 0;
        for (AdminQueueRunner r : active) {
            int n = r.drain();
            if (n < 0) {
                pfModel.common.raiseStatus(64);     // the driver broke the ring protocol
            } else {
                work += n;
            }
        }
        return work;
    }

    /** Lock-free look at every admin queue: take the model's lock only when a driver published work. */
    private boolean anyWork() {
        for (AdminQueueRunner r : active) {
            if (r.hasWork()) {
                return true;
            }
        }
        return false;
    }

    private void deviceLoop() {
        int idle = 0;
        while (running) {
            int work = 0;
            if (!ringFaults.vanished && anyWork()) {
                synchronized (lock) {
                    work = drainAll();
                }
            }
            if (work > 0) {
                idle = 0;
                continue;
            }
            if (++idle < cfg.spinRounds()) {
                Thread.onSpinWait();
                continue;
            }
            // Idle for a while: ask for doorbells, re-check (closing the race with a driver that
            // published just before), and sleep until a doorbell or a timeout.
            boolean pending = false;
            synchronized (lock) {
                for (AdminQueueRunner r : active) {
                    pending |= r.enableNotifications();
                }
            }
            if (!pending || halted) {
                LockSupport.parkNanos(this, 1_000_000L);
            }
            synchronized (lock) {
                for (AdminQueueRunner r : active) {
                    r.disableNotifications();
                }
            }
            idle = 0;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // SR-IOV

    private void pfConfigWritten(int offset, int width, int old, int now) {
        int ctrl = EXT_CAP_SRIOV + SRIOV_CTRL;
        int numVfs = EXT_CAP_SRIOV + SRIOV_NUM_VFS;
        ConfigSpace cs = pf.configSpace();
        if (offset == numVfs && (cs.read(ctrl, 2) & SRIOV_CTRL_VF_ENABLE) != 0 && old != now) {
            cs.set(numVfs, 2, old);      // NumVFs is frozen while VF Enable is set
            return;
        }
        if (offset != ctrl) {
            return;
        }
        boolean was = (old & SRIOV_CTRL_VF_ENABLE) != 0;
        boolean is = (now & SRIOV_CTRL_VF_ENABLE) != 0;
        synchronized (lock) {
            if (!was && is) {
                int n = cs.read(numVfs, 2);
                int total = cs.read(EXT_CAP_SRIOV + SRIOV_TOTAL_VFS, 2);
                for (int i = 1; i <= Math.min(n, total); i++) {
                    vfs.add(createVf(i));
                }
            } else if (was && !is) {
                for (int i = vfs.size(); i >= 1; i--) {
                    vfs.get(i - 1).close();
                    engine.resetMember(i);
                }
                vfs.clear();
            }
        }
    }

    private EmulatedPciFunction createVf(int n) {
        DeviceType type = cfg.engine().deviceType();
        MemberState m = engine.member(n);
        ConfigSpace cs = VirtioConfigSpaces.build(type.virtioId(), classCode(type), Math.max(1, m.msixVectors()), 0,
                type.configSize());
        EmulatedPciFunction vf = new EmulatedPciFunction(vfAddress(n), cs, new SoftwareIommu());
        CommonCfgModel common = new CommonCfgModel(m.deviceFeatures(0), m.deviceFeatures(1), type.numQueues(), 0, 64,
                m, new CommonCfgModel.Listener() {
                    @Override
                    public void deviceReset() {
                        engine.resetMember(n);
                    }

                    @Override
                    public boolean acceptFeatures(long low, long high) {
                        return true;
                    }

                    @Override
                    public void driverOk() {
                    }

                    @Override
                    public void queueEnabled(int index, QueueRegisters q) {
                    }

                    @Override
                    public void queueReset(int index) {
                    }
                });
        VirtioFunctionModel fm = new VirtioFunctionModel(common, new VirtioFunctionModel.Device() {
            @Override
            public void notified(int queue, int value) {
                synchronized (lock) {
                    if (queue < type.numQueues()) {
                        m.notifyQueue(queue);
                    }
                }
            }

            @Override
            public int configByte(int offset) {
                return offset < type.configSize() ? m.configByte(offset) : 0;
            }

            @Override
            public void configWrite(int offset, int width, int value) {
            }

            @Override
            public int readIsr() {
                return m.readAndClearIsr();
            }
        }, lock, ringFaults);
        vf.bar(0, BAR0_SIZE, fm.bar0());
        vf.bar(2, BAR2_SIZE, fm.bar2());
        return vf;
    }

    /** Stops the device thread and removes every function. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (deviceThread != null) {
            LockSupport.unpark(deviceThread);
            try {
                deviceThread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            stopAdminQueues();
            for (EmulatedPciFunction vf : vfs) {
                vf.close();
            }
            vfs.clear();
        }
        pf.close();
    }
}
