package dev.jvirtio.admin.engine;

import dev.jvirtio.admin.AdminCodec;
import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.dma.AnonymousDmaAllocator;
import dev.jvirtio.dma.DmaAllocator;
import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.IovaAllocator;
import dev.jvirtio.pci.PciFunction;
import dev.jvirtio.transport.FeatureSet;
import dev.jvirtio.transport.TransportException;
import dev.jvirtio.transport.VirtioFeature;
import dev.jvirtio.transport.VirtioPciDevice;
import dev.jvirtio.virtq.PollPolicy;
import dev.jvirtio.virtq.Virtqueue;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * A PF-side controller for the admin virtqueue(s) of one virtio-PCI device: the entry point of the
 * typed admin API.
 *
 * <pre>{@code
 * try (AdminClient admin = AdminClient.open(pf, AdminClientOptions.defaults())) {
 *     OpcodeSet ops = admin.enabledOpcodes(GroupType.SR_IOV);            // LIST_QUERY + LIST_USE, cached
 *     admin.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED));
 *     var parts = admin.execute(AdminCommands.devPartsGetAll(VfNumber.of(1), 0, 4096));
 * }
 * }</pre>
 *
 * <p>What it adds to {@link AdminQueue}:
 * <ul>
 *   <li>device bring-up: reset, feature negotiation (VIRTIO_F_ADMIN_VQ required; SR_IOV,
 *       RING_RESET, EVENT_IDX, INDIRECT_DESC, ACCESS_PLATFORM and optionally RING_PACKED when offered),
 *       admin queue setup, DRIVER_OK;</li>
 *   <li>command discovery per group type: LIST_QUERY, mask to what jvirtio implements (plus
 *       registered vendor opcodes), LIST_USE (sent alone, as the spec requires), cached; anything else
 *       is refused locally with {@link UnsupportedAdminCommandException};</li>
 *   <li>bounded retries with exponential backoff of EAGAIN, Q_NORESOURCE and Q_TRYAGAIN answers;</li>
 *   <li>recovery: after a timeout or a broken ring the queue is reset (VIRTIO_F_RING_RESET) or,
 *       without it or when the device asks (DEVICE_NEEDS_RESET), the whole device is reset and set up
 *       again, the opcode sets restored; every command caught in flight fails with a typed
 *       {@link AdminQueueException} (ABANDONED) instead of being lost;</li>
 *   <li>several admin queues: commands for one member always use the same queue, so their order is
 *       kept; different members spread over the queues.</li>
 * </ul>
 *
 * <p>Thread-safe: any number of threads may execute commands concurrently.
 */
public final class AdminClient implements AutoCloseable {

    private static final FeatureSet WANTED = FeatureSet.of(VirtioFeature.VERSION_1, VirtioFeature.ACCESS_PLATFORM,
            VirtioFeature.ADMIN_VQ, VirtioFeature.SR_IOV, VirtioFeature.RING_RESET, VirtioFeature.EVENT_IDX,
            VirtioFeature.INDIRECT_DESC);

    private final PciFunction function;
    private final AdminClientOptions options;
    private final VirtioPciDevice device;
    private final DmaPool pool;
    private final AdminCodec codec;
    private final Object recovery = new Object();
    private volatile AdminQueue[] queues;
    /** Guards {@link #supported}, {@link #discoveryEpoch} and every replacement of {@link #inUse}. */
    private final Object discovery = new Object();
    private final Map<GroupType, OpcodeSet> supported = new EnumMap<>(GroupType.class);
    private volatile OpcodeSet extraOpcodes = OpcodeSet.empty();
    private volatile AdminTracer tracer;
    private volatile long resets;
    private long discoveryEpoch;          // guarded by discovery; bumped by every device reset
    /**
     * The opcodes LIST_USE enabled, indexed by group ordinal (null: not discovered yet). Replaced whole, never
     * modified, under {@link #discovery}: the per-command opcode gate reads it without taking a lock.
     */
    private volatile OpcodeSet[] inUse = new OpcodeSet[GroupType.values().length];
    private FeatureSet features;
    private volatile boolean closed;

    private AdminClient(PciFunction function, AdminClientOptions options, VirtioPciDevice device, DmaPool pool) {
        this.function = function;
        this.options = options;
        this.device = device;
        this.pool = pool;
        this.codec = new AdminCodec(options.numbering());
    }

    /**
     * Brings {@code function} up and sets up its admin queues.
     *
     * @throws dev.jvirtio.transport.AdminQueueUnavailableException if the device has no admin queue
     * @throws TransportException                                   if the device cannot be initialised
     */
    public static AdminClient open(PciFunction function, AdminClientOptions options) throws IOException {
        return open(function, options, new AnonymousDmaAllocator());
    }

    /** As {@link #open(PciFunction, AdminClientOptions)}, with the memory the rings and buffers come from. */
    public static AdminClient open(PciFunction function, AdminClientOptions options, DmaAllocator memory)
            throws IOException {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(options, "options");
        VirtioPciDevice dev = VirtioPciDevice.attach(function);
        DmaPool pool = new DmaPool(memory, IovaAllocator.forAddressBits(39), function.dmaMapper());
        AdminClient c = new AdminClient(function, options, dev, pool);
        try {
            c.bringUp();
        } catch (IOException | RuntimeException e) {
            c.closeQuietly();
            throw e;
        }
        return c;
    }

    private void bringUp() throws IOException {
        FeatureSet wanted = options.packedRing() ? WANTED.with(VirtioFeature.RING_PACKED) : WANTED;
        features = device.initialize(wanted, FeatureSet.of(VirtioFeature.ADMIN_VQ));
        VirtioPciDevice.AdminQueueRange range = device.adminQueues();
        int n = Math.min(options.queues(), range.count());
        AdminQueue[] qs = new AdminQueue[n];
        for (int i = 0; i < n; i++) {
            Virtqueue vq = device.setupQueue(range.index(i), options.queueSize(), pool);
            qs[i] = new AdminQueue(vq, pool, codec, options.pollPolicy(), options.timeoutNanos());
            qs[i].tracer(tracer);
        }
        device.driverOk();
        queues = qs;
    }

    /** The transport underneath. */
    public VirtioPciDevice device() {
        return device;
    }

    /** The PCI function underneath. */
    public PciFunction function() {
        return function;
    }

    /** The features negotiated with the device. */
    public FeatureSet features() {
        return features;
    }

    /** The codec (opcode numbering in use). */
    public AdminCodec codec() {
        return codec;
    }

    /** The admin queues in use. */
    public AdminQueue[] queues() {
        return queues.clone();
    }

    /** How many times recovery reset a queue or the device. */
    public long recoveries() {
        return resets;
    }

    /** Installs a tracer on every admin queue (now and after recovery); null removes it. */
    public void tracer(AdminTracer t) {
        tracer = t;
        for (AdminQueue q : queues) {
            q.tracer(t);
        }
    }

    /**
     * Lets a vendor-specific or future opcode through discovery: it is enabled with LIST_USE if the
     * device reports it in LIST_QUERY. Call before the first command of that group type.
     */
    public void registerOpcode(AdminOpcode opcode) {
        extraOpcodes = extraOpcodes.with(codec.numbering().wireCode(opcode));
    }

    private OpcodeSet implemented() {
        OpcodeSet s = OpcodeSet.empty();
        for (AdminOpcode op : AdminOpcode.standard()) {
            s = s.with(codec.numbering().wireCode(op));
        }
        return s.union(extraOpcodes);
    }

    // ------------------------------------------------------------------------------------------
    // Discovery

    /**
     * The opcodes enabled for {@code group}: on first use, LIST_QUERY, masked to what jvirtio
     * implements, then LIST_USE (alone on the queue); cached until a device reset.
     *
     * @throws AdminCommandException if the device refuses (for example the SR-IOV group while VF
     *                               Enable is clear: EINVAL / INVALID_GROUP); nothing is cached then
     */
    public OpcodeSet enabledOpcodes(GroupType group) {
        OpcodeSet known = inUse[group.ordinal()];
        if (known != null) {
            return known;
        }
        while (true) {
            long seen;
            synchronized (discovery) {
                OpcodeSet s = inUse[group.ordinal()];
                if (s != null) {
                    return s;
                }
                seen = discoveryEpoch;
            }
            OpcodeSet offered = run(AdminCommands.listQuery(group), false, options.timeoutNanos());
            OpcodeSet wanted = offered.mask(implemented());
            AdminQueue[] generation = queues;
            try {
                generation[0].executeExclusive(AdminCommands.listUse(group, wanted), options.timeoutNanos());
            } catch (AdminQueueException e) {
                if (e.reason() != AdminQueueException.Reason.CLOSED || closed) {
                    throw e;
                }
                synchronized (recovery) {     // a device reset replaced the queues: wait for it, start over
                    if (queues == generation) {
                        throw e;
                    }
                }
                continue;
            }
            synchronized (discovery) {
                // A device reset since LIST_QUERY may have wiped what LIST_USE enabled: caching it now
                // would make the client believe in opcodes the device no longer has in use. Redo it.
                if (discoveryEpoch == seen) {
                    supported.put(group, offered);
                    OpcodeSet[] next = inUse.clone();
                    next[group.ordinal()] = wanted;
                    inUse = next;
                    return wanted;
                }
            }
        }
    }

    /** What LIST_QUERY reported for {@code group} at discovery, if discovered. */
    public OpcodeSet supportedOpcodes(GroupType group) {
        enabledOpcodes(group);
        synchronized (discovery) {
            return supported.get(group);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Commands

    /**
     * Runs {@code cmd}: refused locally if not enabled for its group, retried on EAGAIN /
     * Q_NORESOURCE / Q_TRYAGAIN with bounded backoff, recovered on timeout or a broken ring.
     *
     * @throws AdminCommandException            the device's answer was not OK (after retries)
     * @throws UnsupportedAdminCommandException refused before reaching the device
     * @throws AdminQueueException              timeout, abandoned by recovery, device failed, closed
     */
    public <R> R execute(AdminCommand<R> cmd) {
        return run(cmd, true, options.timeoutNanos());
    }

    /**
     * As {@link #execute(AdminCommand)}, with a deadline for each attempt of this command instead of the
     * client's default (a command known to take long on the device, or a caller with a tighter budget).
     *
     * @throws IllegalArgumentException if {@code timeoutNanos} is not positive
     */
    public <R> R execute(AdminCommand<R> cmd, long timeoutNanos) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeoutNanos + " ns");
        }
        return run(cmd, true, timeoutNanos);
    }

    private <R> R run(AdminCommand<R> cmd, boolean gate, long timeoutNanos) {
        if (closed) {
            throw new AdminQueueException(AdminQueueException.Reason.CLOSED, "admin client is closed");
        }
        if (gate) {
            checkEnabled(cmd);
        }
        long backoff = options.backoffNanos();
        int attempt = 1;
        while (true) {
            AdminQueue[] generation = queues;
            AdminQueue q = queueFor(cmd);
            if (q.isBroken()) {
                // Broken by a command that completed before the bad element (its waiter kept its
                // result and did not recover): reset it now rather than fail a command never sent.
                recoverOrThrow(q, new AdminQueueException(AdminQueueException.Reason.QUEUE_BROKEN,
                        "admin queue " + q.queueIndex() + " was found broken before " + cmd.opcode().name()));
                continue;
            }
            try {
                return q.execute(cmd, timeoutNanos);
            } catch (AdminCommandException e) {
                if (!e.isRetryable() || attempt >= options.maxAttempts()) {
                    throw e;
                }
                attempt++;
                LockSupport.parkNanos(backoff);
                backoff = Math.min(backoff * 2, options.backoffNanos() * 1000);
            } catch (AdminQueueException e) {
                if (e.reason() == AdminQueueException.Reason.CLOSED && !closed) {
                    // A device reset replaced the queues: the old ones are closed. The command either
                    // was refused at submission or sat on the ring of a device already in reset, so
                    // it never ran: wait for the recovery to finish and send it on the new queues.
                    synchronized (recovery) {
                        if (queues == generation) {
                            throw new AdminQueueException(AdminQueueException.Reason.DEVICE_FAILED,
                                    cmd.opcode().name() + ": the admin queues were closed by a device reset that "
                                    + "could not set the device up again", e);
                        }
                    }
                    continue;
                }
                if (e.reason() == AdminQueueException.Reason.TIMEOUT
                        || e.reason() == AdminQueueException.Reason.QUEUE_BROKEN) {
                    recoverOrThrow(q, e);
                }
                throw e;
            }
        }
    }

    private void checkEnabled(AdminCommand<?> cmd) {
        int code = codec.numbering().wireCode(cmd.opcode());
        if (code == 0 || code == 1) {
            return;     // LIST_QUERY / LIST_USE are always allowed
        }
        OpcodeSet set = enabledOpcodes(cmd.groupType());
        if (!set.contains(code)) {
            throw new UnsupportedAdminCommandException(cmd.opcode(), cmd.groupType(), set.describe(codec.numbering()));
        }
    }

    private AdminQueue queueFor(AdminCommand<?> cmd) {
        AdminQueue[] qs = queues;
        if (qs.length == 1) {
            return qs[0];
        }
        // One member, one queue: commands on different admin queues may be reordered (spec 1.4).
        long m = cmd.memberId() * 31 + cmd.groupType().id();
        return qs[(int) Math.floorMod(m, (long) qs.length)];
    }

    /**
     * Submits {@code cmd} without waiting (one attempt, no retry). The future completes when any
     * thread polls: a blocking caller, {@link #pollCompletions()}, or {@link #startPollers}.
     */
    public <R> CompletableFuture<R> submit(AdminCommand<R> cmd) {
        try {
            checkEnabled(cmd);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return queueFor(cmd).submit(cmd);
    }

    /** Submits {@code cmd} once {@code predecessor} has completed successfully (dependent commands). */
    public <R> CompletableFuture<R> submitAfter(CompletableFuture<?> predecessor, AdminCommand<R> cmd) {
        return predecessor.thenCompose(x -> submit(cmd));
    }

    /** Polls every admin queue once; returns the completions taken. */
    public int pollCompletions() {
        int n = 0;
        for (AdminQueue q : queues) {
            n += q.pollCompletions();
        }
        return n;
    }

    /** Starts one poller thread per admin queue for the non-blocking API. */
    public void startPollers(PollPolicy policy) {
        for (AdminQueue q : queues) {
            q.startPoller(policy);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Recovery

    /**
     * Recovers from {@code cause} (a timeout or a broken ring on {@code q}); throws a DEVICE_FAILED
     * exception instead when the device asked for a reset (DEVICE_NEEDS_RESET) or is gone, so the
     * caller learns the real cause rather than the symptom.
     */
    private void recoverOrThrow(AdminQueue q, AdminQueueException cause) {
        synchronized (recovery) {
            if (closed || !Arrays.asList(queues).contains(q)) {
                return;     // closed, or another thread already rebuilt the queues
            }
            if (cause.reason() == AdminQueueException.Reason.QUEUE_BROKEN && !q.isBroken()) {
                // Every thread that was waiting when the ring broke sees this error; the first one reset
                // the queue already. A second reset would abandon commands sent since on the healthy ring.
                return;
            }
            if (cause.resetsAtTimeout >= 0 && q.resets() != cause.resetsAtTimeout) {
                // Several commands timed out together (one late completion holds back those behind it):
                // the first thread's reset came after this timeout and already freed its slot.
                return;
            }
            boolean needsReset;
            try {
                needsReset = device.needsReset();
            } catch (TransportException gone) {
                throw new AdminQueueException(AdminQueueException.Reason.DEVICE_FAILED,
                        "device failed during recovery from: " + cause.getMessage(), gone);
            }
            resets++;
            if (!needsReset && features.contains(VirtioFeature.RING_RESET)) {
                // Reset and abandon under one hold of the ring lock: a command placed in between would
                // sit on the fresh ring yet be failed as abandoned, and its completion would later land
                // on a slot that was freed (or reused by another command).
                q.withRingLocked(() -> {
                    device.resetQueue(q.virtqueue(), null);
                    q.abandonAll("admin queue " + q.queueIndex() + " was reset after: " + cause.getMessage(), true);
                });
                return;
            }
            try {
                resetDevice((needsReset ? "the device set DEVICE_NEEDS_RESET; " : "") + "device reset after: "
                        + cause.getMessage());
            } catch (TransportException gone) {
                throw new AdminQueueException(AdminQueueException.Reason.DEVICE_FAILED,
                        "device failed while being reset after: " + cause.getMessage(), gone);
            }
            if (needsReset) {
                throw new AdminQueueException(AdminQueueException.Reason.DEVICE_FAILED, "the device set "
                        + "DEVICE_NEEDS_RESET and was reset; the command may or may not have run: "
                        + cause.getMessage(), cause);
            }
        }
    }

    /**
     * Resets the device and sets everything up again: features, admin queues, and the opcode sets
     * previously enabled (LIST_USE replayed; the spec says a device should accept the same list
     * again). Commands in flight fail with ABANDONED.
     */
    public void resetDevice(String why) {
        synchronized (recovery) {
            AdminQueue[] old = queues;
            device.reset();                    // the device owns no buffer from here on
            for (AdminQueue q : old) {
                q.abandonAll(why, false);
                q.close();
            }
            device.discardQueuesAfterReset();
            OpcodeSet[] restore;
            synchronized (discovery) {
                restore = inUse;              // never modified, so it stays as it was
                discoveryEpoch++;
                inUse = new OpcodeSet[restore.length];
                supported.clear();
            }
            try {
                bringUp();
            } catch (IOException e) {
                throw new AdminQueueException(AdminQueueException.Reason.DEVICE_FAILED,
                        "could not set the device up again after a reset: " + e.getMessage(), e);
            }
            for (GroupType g : GroupType.values()) {
                if (restore[g.ordinal()] == null) {
                    continue;
                }
                try {
                    enabledOpcodes(g);
                } catch (AdminCommandException e) {
                    // The group may be gone (VFs disabled meanwhile): rediscovered on next use.
                }
            }
            resets++;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException ignored) {
            // already failing
        }
    }

    /**
     * Resets the device (stopping its DMA), then frees queues and memory. If the device does not
     * reset (it is gone, say), the memory stays mapped and the transport's exception says so.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        AdminQueue[] qs = queues;
        if (qs != null) {
            for (AdminQueue q : qs) {
                q.stopPoller();
            }
        }
        device.close();   // resets the device first; if that fails, it throws and nothing is freed,
                          // because a device that may still write must never see freed memory
        if (qs != null) {
            for (AdminQueue q : qs) {
                q.close();
            }
        }
        pool.close();
    }
}
