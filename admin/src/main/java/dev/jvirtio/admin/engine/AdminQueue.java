package dev.jvirtio.admin.engine;

import dev.jvirtio.admin.AdminCodec;
import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminProtocolException;
import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.virtq.PollPolicy;
import dev.jvirtio.virtq.Virtqueue;
import dev.jvirtio.virtq.VirtqueueBrokenException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.ReentrantLock;
import jdk.jfr.EventType;

/**
 * The engine of one admin virtqueue: it frames each command into a pre-mapped slot (24-byte header
 * plus data, device-readable; 8-byte status block plus result, device-writable), puts it on the ring
 * as one chain, and matches completions back to their command by token.
 *
 * <p>Many commands may be outstanding at once (pipelined). Completion is by polling: a thread that
 * waits for its command polls the ring for everyone (so no thread is needed for the blocking API),
 * and {@link #pollCompletions()} or {@link #startPoller} serve the non-blocking API. Safe to call
 * from many threads: the ring is touched only under one lock, held for a few stores per command.
 *
 * <pre>{@code
 * OpcodeSet ops = queue.execute(AdminCommands.listQuery(GroupType.SR_IOV));        // blocking
 * CompletableFuture<Void> f = queue.submit(AdminCommands.devModeSet(vf, STOPPED)); // non-blocking
 * }</pre>
 *
 * <p>Steady state allocates nothing for commands whose result type needs no object (status-only
 * commands, or results decoded without allocation) and whose parts fit a slot
 * ({@value #SLOT_REQUEST} / {@value #SLOT_RESPONSE} bytes); larger commands get DMA memory of their
 * own for their lifetime.
 *
 * <p>Failures: a device status other than OK is an {@link AdminCommandException}; no completion by
 * the deadline, a reset while in flight, a device that breaks the ring protocol, or a closed queue is
 * an {@link AdminQueueException} with its {@link AdminQueueException.Reason}. A command that timed
 * out keeps its slot (the device may still write it) until a completion or a reset frees it.
 */
public final class AdminQueue implements AutoCloseable {

    /** Bytes of device-readable memory per slot. */
    public static final int SLOT_REQUEST = 2048;
    /** Bytes of device-writable memory per slot. */
    public static final int SLOT_RESPONSE = 2048;
    private static final int SLOT_STRIDE = SLOT_REQUEST + SLOT_RESPONSE;

    private static final int FREE = 0;
    private static final int IN_FLIGHT = 1;
    private static final int DONE = 2;
    private static final int FAILED = 3;
    private static final int ORPHANED = 4;     // the waiter gave up; free on completion or reset
    /** Status word planted in every response before submission (status 0xffff, qualifier 0xffff). */
    private static final int NOT_WRITTEN = -1;

    private static final EventType JFR = EventType.getEventType(AdminCommandEvent.class);

    private final Virtqueue vq;
    private final AdminCodec codec;
    private final DmaPool pool;
    private final DmaRegion slotMemory;
    private final int slots;
    private final DmaRegion[] requestRegion;
    private final DmaRegion[] responseRegion;
    private final DmaRegion[] bigRequest;
    private final DmaRegion[] bigResponse;
    private final AtomicIntegerArray state;
    private final AdminCommand<?>[] command;
    private final CompletableFuture<?>[] future;
    private final RuntimeException[] failure;
    private final long[] submitted;
    private final int[] usedLength;
    private final int[] generation;
    private final int[] freeStack;
    private int freeTop;
    private int inFlight;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean exclusive;
    private volatile RuntimeException broken;
    /** Written under the lock by abandonAll; volatile for {@link #resets()} read without it. */
    private volatile long resets;
    private volatile boolean closed;
    private volatile AdminTracer tracer;
    private volatile Thread poller;
    private volatile boolean pollerRunning;
    private final PollPolicy waitPolicy;
    private final long timeoutNanos;

    /**
     * An engine over {@code vq}, a queue already set up and enabled on the device.
     *
     * @param vq           the admin virtqueue
     * @param pool         DMA memory mapped for the device (slots, and large commands)
     * @param codec        framing and opcode numbering
     * @param waitPolicy   how waiting threads idle between polls
     * @param timeoutNanos default deadline of {@link #execute(AdminCommand)}
     */
    public AdminQueue(Virtqueue vq, DmaPool pool, AdminCodec codec, PollPolicy waitPolicy, long timeoutNanos)
            throws IOException {
        this.vq = Objects.requireNonNull(vq, "vq");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.waitPolicy = Objects.requireNonNull(waitPolicy, "waitPolicy");
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.timeoutNanos = timeoutNanos;
        // Two descriptors per command; with a packed ring that is two ring slots.
        this.slots = Math.max(1, Math.min(vq.size() / 2, 256));
        this.slotMemory = pool.allocate((long) slots * SLOT_STRIDE, 4096);
        this.requestRegion = new DmaRegion[slots];
        this.responseRegion = new DmaRegion[slots];
        for (int i = 0; i < slots; i++) {
            requestRegion[i] = slotMemory.slice((long) i * SLOT_STRIDE, SLOT_REQUEST);
            responseRegion[i] = slotMemory.slice((long) i * SLOT_STRIDE + SLOT_REQUEST, SLOT_RESPONSE);
        }
        this.bigRequest = new DmaRegion[slots];
        this.bigResponse = new DmaRegion[slots];
        this.state = new AtomicIntegerArray(slots);
        this.command = new AdminCommand<?>[slots];
        this.future = new CompletableFuture<?>[slots];
        this.failure = new RuntimeException[slots];
        this.submitted = new long[slots];
        this.usedLength = new int[slots];
        this.generation = new int[slots];
        this.freeStack = new int[slots];
        for (int i = 0; i < slots; i++) {
            freeStack[i] = slots - 1 - i;
        }
        this.freeTop = slots;
        vq.releaseOwnership();
    }

    /** The virtqueue index of this admin queue. */
    public int queueIndex() {
        return vq.queueIndex();
    }

    /** How many commands can be outstanding at once. */
    public int capacity() {
        return slots;
    }

    /** Commands submitted and not yet completed (timed-out ones included until freed). */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Installs (or removes, with null) the tracer that sees every command's bytes. */
    public void tracer(AdminTracer t) {
        tracer = t;
    }

    /** The codec (framing and opcode numbering). */
    public AdminCodec codec() {
        return codec;
    }

    /**
     * How many times this queue was reset ({@link #abandonAll}) since it was made. A command that timed
     * out before a later reset needs no reset of its own: that one already released its slot.
     */
    public long resets() {
        return resets;
    }

    /** Whether the device broke the ring protocol; only {@link #abandonAll} after a reset clears it. */
    public boolean isBroken() {
        return broken != null;
    }

    // ------------------------------------------------------------------------------------------
    // Submission

    /**
     * Submits {@code cmd} and returns a ticket for {@link #await}. Blocks (polling) while every slot is
     * busy, up to the queue's timeout.
     */
    public long submitTicket(AdminCommand<?> cmd) {
        return submit0(cmd, null, false);
    }

    /**
     * Submits {@code cmd} without waiting: the future completes when some thread polls the queue
     * ({@link #pollCompletions()}, a waiting {@link #execute}, or {@link #startPoller}).
     */
    public <R> CompletableFuture<R> submit(AdminCommand<R> cmd) {
        CompletableFuture<R> f = new CompletableFuture<>();
        try {
            submit0(cmd, f, false);
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Submits, waits for and decodes {@code cmd}, with the queue's default timeout. */
    public <R> R execute(AdminCommand<R> cmd) {
        return await(submit0(cmd, null, false), cmd, timeoutNanos);
    }

    /** As {@link #execute(AdminCommand)}, with an explicit timeout. */
    public <R> R execute(AdminCommand<R> cmd, long timeoutNanos) {
        return await(submit0(cmd, null, false), cmd, timeoutNanos);
    }

    /**
     * Runs {@code cmd} alone: waits until nothing else is in flight, keeps new submissions out while
     * it runs (what LIST_USE requires), then lets them in again.
     */
    public <R> R executeExclusive(AdminCommand<R> cmd, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (exclusive) {          // one exclusive command at a time
                lock.unlock();
                try {
                    idleUntil(deadline, cmd);
                } finally {
                    lock.lock();         // held again whatever idleUntil threw: the outer finally unlocks
                }
            }
            exclusive = true;
        } finally {
            lock.unlock();
        }
        try {
            int round = 0;
            while (inFlight() > 0) {
                pollCompletions();
                waitPolicy.idle(round++);
                if (System.nanoTime() - deadline > 0) {
                    throw new AdminQueueException(AdminQueueException.Reason.TIMEOUT, cmd.opcode().name()
                            + ": other commands still in flight after the deadline; cannot run it alone");
                }
            }
            return await(submit0(cmd, null, true), cmd, Math.max(1, deadline - System.nanoTime()));
        } finally {
            exclusive = false;
        }
    }

    private void idleUntil(long deadline, AdminCommand<?> cmd) {
        pollCompletions();
        Thread.onSpinWait();
        if (System.nanoTime() - deadline > 0) {
            throw new AdminQueueException(AdminQueueException.Reason.TIMEOUT, cmd.opcode().name()
                    + ": no free admin queue slot before the deadline");
        }
    }

    private long submit0(AdminCommand<?> cmd, CompletableFuture<?> f, boolean isExclusive) {
        Objects.requireNonNull(cmd, "cmd");
        int reqLen = AdminCodec.requestLength(cmd);
        int respLen = AdminCodec.responseLength(cmd);
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            lock.lock();
            int slot = -1;
            try {
                checkUsable();
                if (freeTop > 0 && (!exclusive || isExclusive)) {
                    slot = freeStack[--freeTop];
                    return place(slot, cmd, f, reqLen, respLen);
                }
            } catch (RuntimeException e) {
                if (slot >= 0 && state.get(slot) == FREE) {
                    unplace(slot);     // never made available: the device never saw it
                }
                throw e;
            } finally {
                vq.releaseOwnership();
                lock.unlock();
            }
            idleUntil(deadline, cmd);     // full, or an exclusive command is running: help drain
        }
    }

    /** Frames {@code cmd} into {@code slot} and makes it available; holds the lock. */
    private long place(int slot, AdminCommand<?> cmd, CompletableFuture<?> f, int reqLen, int respLen) {
        DmaRegion req = requestRegion[slot];
        DmaRegion resp = responseRegion[slot];
        try {
            if (reqLen > SLOT_REQUEST) {
                req = bigRequest[slot] = pool.allocate(reqLen, 4096);
            }
            if (respLen > SLOT_RESPONSE) {
                resp = bigResponse[slot] = pool.allocate(respLen, 4096);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(cmd.opcode().name() + ": no DMA memory for a " + reqLen + "/"
                    + respLen + "-byte command", e);
        }
        codec.encodeRequest(cmd, req.segment(), 0);
        // The device always writes status and qualifier; a completion that finds this marker still in
        // place was never answered by the device for THIS command (a stale or duplicate used element
        // naming a reused head), and is refused instead of being taken as success.
        resp.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0, NOT_WRITTEN);
        AdminTracer t = tracer;
        if (t != null) {
            t.submitted(vq.queueIndex(), cmd, req.segment().asSlice(0, reqLen));
        }
        command[slot] = cmd;
        future[slot] = f;
        failure[slot] = null;
        usedLength[slot] = 0;
        submitted[slot] = System.nanoTime();
        int head = vq.begin().readable(req, 0, reqLen).writable(resp, 0, respLen).commit(slot);
        if (head == Virtqueue.NO_SPACE) {
            throw new IllegalStateException("admin queue " + vq.queueIndex() + " has no descriptors for a free slot");
        }
        state.set(slot, IN_FLIGHT);
        inFlight++;
        vq.kick();   // one publishing store; a doorbell only if the device asked for it
        return (long) generation[slot] << 32 | slot;
    }

    private void checkUsable() {
        if (closed) {
            throw new AdminQueueException(AdminQueueException.Reason.CLOSED, "admin queue " + vq.queueIndex()
                    + " is closed");
        }
        RuntimeException b = broken;
        if (b != null) {
            throw new AdminQueueException(AdminQueueException.Reason.QUEUE_BROKEN, "admin queue " + vq.queueIndex()
                    + " is broken until it is reset: " + b.getMessage(), b);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Completion

    /**
     * Takes every completion the device has posted and hands each to its waiter or future. Returns
     * the number taken, 0 if another thread is polling right now.
     *
     * @throws AdminQueueException QUEUE_BROKEN if the device wrote an impossible used element (every
     *                             command in flight then fails the same way)
     */
    public int pollCompletions() {
        if (!lock.tryLock()) {
            return 0;
        }
        try {
            if (broken != null || closed) {
                return 0;
            }
            int n = 0;
            long token;
            while ((token = vq.poll()) != Virtqueue.NONE) {
                int slot = (int) token;
                int used = vq.lastUsedLength();
                if (used >= 4 && responseOf(slot).get(ValueLayout.JAVA_INT_UNALIGNED, 0) == NOT_WRITTEN) {
                    String why = "the device posted a completion for " + command[slot].opcode().name()
                            + " (token " + slot + ", used length " + used + ") without writing its status: "
                            + "a stale or duplicate used element";
                    AdminProtocolException e = new AdminProtocolException(why);
                    broken = e;
                    failInFlight(AdminQueueException.Reason.QUEUE_BROKEN, why, e);
                    throw new AdminQueueException(AdminQueueException.Reason.QUEUE_BROKEN, "admin queue "
                            + vq.queueIndex() + ": " + why, e);
                }
                complete(slot, used);
                n++;
            }
            return n;
        } catch (VirtqueueBrokenException e) {
            broken = e;
            failInFlight(AdminQueueException.Reason.QUEUE_BROKEN, "the device broke the ring protocol: "
                    + e.getMessage(), e);
            throw new AdminQueueException(AdminQueueException.Reason.QUEUE_BROKEN, "admin queue " + vq.queueIndex()
                    + ": " + e.getMessage(), e);
        } finally {
            vq.releaseOwnership();
            lock.unlock();
        }
    }

    /** Holds the lock. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void complete(int slot, int used) {
        usedLength[slot] = used;
        int s = state.get(slot);
        if (s == ORPHANED) {
            release(slot);            // its waiter gave up; the device is done with the memory now
            return;
        }
        CompletableFuture f = future[slot];
        if (f == null) {
            state.set(slot, DONE);    // the waiting thread decodes and frees the slot
            return;
        }
        AdminCommand<?> cmd = command[slot];
        try {
            Object r = decode(slot, cmd);
            release(slot);
            f.complete(r);
        } catch (RuntimeException e) {
            release(slot);
            f.completeExceptionally(e);
        }
    }

    private MemorySegment responseOf(int slot) {
        return (bigResponse[slot] != null ? bigResponse[slot] : responseRegion[slot]).segment();
    }

    private Object decode(int slot, AdminCommand<?> cmd) {
        DmaRegion resp = bigResponse[slot] != null ? bigResponse[slot] : responseRegion[slot];
        int used = usedLength[slot];
        long latency = System.nanoTime() - submitted[slot];
        AdminTracer t = tracer;
        if (t != null) {
            t.completed(vq.queueIndex(), cmd, resp.segment(), used, latency);
        }
        if (JFR.isEnabled()) {
            record(cmd, resp, used, latency);
        }
        return codec.decodeResponse(cmd, resp.segment(), 0, used);
    }

    private void record(AdminCommand<?> cmd, DmaRegion resp, int used, long latency) {
        AdminCommandEvent e = new AdminCommandEvent();
        e.opcode = codec.numbering().wireCode(cmd.opcode());
        e.opcodeName = cmd.opcode().name();
        e.groupType = cmd.groupType().id();
        e.member = cmd.memberId();
        if (used >= 4) {
            int word = AdminCodec.statusWord(resp.segment(), 0, used);
            e.status = AdminCodec.status(word);
            e.qualifier = AdminCodec.qualifier(word);
        } else {
            e.status = -1;
        }
        e.queue = vq.queueIndex();
        e.latency = latency;
        e.commit();
    }

    /**
     * Waits for the command behind {@code ticket} (from {@link #submitTicket}) and decodes it.
     *
     * @throws AdminCommandException if the device answered with a status other than OK
     * @throws AdminQueueException   on timeout, reset, a broken queue or close
     */
    @SuppressWarnings("unchecked")
    public <R> R await(long ticket, AdminCommand<R> cmd, long timeoutNanos) {
        int slot = (int) ticket;
        int gen = (int) (ticket >>> 32);
        if (slot < 0 || slot >= slots || command[slot] != cmd || generation[slot] != gen) {
            throw new IllegalArgumentException("ticket " + Long.toHexString(ticket) + " does not belong to " + cmd);
        }
        long start = System.nanoTime();
        MemorySegment ownResponse;
        try {
            ownResponse = responseOf(slot);
        } catch (IllegalStateException closedAlready) {
            ownResponse = null;         // the queue was closed: the locked path below reports it
        }
        int round = 0;
        int s;
        while ((s = state.get(slot)) == IN_FLIGHT) {
            int taken = 0;
            try {
                // Take the lock only when the device posted something: a round then costs two plain reads
                // instead of a lock acquire and release, so the completion is seen sooner. Reading our own
                // response's status word too (the device overwrites the marker before it publishes the
                // used element) fetches that line in parallel with the used ring's, not after it.
                if (vq.hasUsed() || ownResponse != null
                        && ownResponse.get(ValueLayout.JAVA_INT_UNALIGNED, 0) != NOT_WRITTEN) {
                    taken = pollCompletions();
                }
            } catch (IllegalStateException closedMeanwhile) {
                // Our response buffer was freed: close() failed every command in flight, so the state
                // check above ends the loop (the deadline bounds it regardless).
            } catch (AdminQueueException brokenNow) {
                // An impossible used element: every command still in flight, ours included, has been
                // failed with it; a command already completed keeps its result. Either way our slot
                // has left IN_FLIGHT and is released below (propagating here would leak it).
                taken = 1;
            }
            if (taken == 0) {
                waitPolicy.idle(round);
                // nanoTime costs ~20 ns: while spinning look at the clock every 64 rounds.
                if ((round >= waitPolicy.spins() || (round & 63) == 63)
                        && System.nanoTime() - start - timeoutNanos > 0) {
                    return timedOut(slot, cmd, timeoutNanos);
                }
                if (round < Integer.MAX_VALUE) {
                    round++;
                }
            }
        }
        lock.lock();
        try {
            s = state.get(slot);     // again under the lock: close() may have failed it meanwhile
            if (s == FAILED) {
                RuntimeException e = failure[slot];
                release(slot);
                throw e;
            }
            try {
                return (R) decode(slot, cmd);
            } finally {
                release(slot);
            }
        } finally {
            lock.unlock();
        }
    }

    private <R> R timedOut(int slot, AdminCommand<R> cmd, long timeoutNanos) {
        lock.lock();
        try {
            int s = state.get(slot);
            if (s == IN_FLIGHT) {
                state.set(slot, ORPHANED);   // the device still owns the buffers: keep them
                throw new AdminQueueException(cmd.opcode().name() + " on " + cmd.groupType() + " member "
                        + cmd.memberId() + ": no completion within " + timeoutNanos / 1_000_000
                        + " ms on admin queue " + vq.queueIndex(), resets);
            }
        } finally {
            lock.unlock();
        }
        return await((long) generation[slot] << 32 | slot, cmd, 1);   // it completed just now
    }

    /** Holds the lock: frees the slot's own request/response buffers for commands too big for its slice. */
    private void closeBigBuffers(int slot) {
        if (bigRequest[slot] != null) {
            bigRequest[slot].close();
            bigRequest[slot] = null;
        }
        if (bigResponse[slot] != null) {
            bigResponse[slot].close();
            bigResponse[slot] = null;
        }
    }

    /** Holds the lock: a slot taken but never made available goes back untouched. */
    private void unplace(int slot) {
        closeBigBuffers(slot);
        command[slot] = null;
        future[slot] = null;
        freeStack[freeTop++] = slot;
    }

    /** Holds the lock: back to the free stack; big buffers released; generation bumped. */
    private void release(int slot) {
        closeBigBuffers(slot);
        command[slot] = null;
        future[slot] = null;
        failure[slot] = null;
        generation[slot]++;
        state.set(slot, FREE);
        inFlight--;
        freeStack[freeTop++] = slot;
    }

    /** Holds the lock: every command in flight fails with {@code reason}. */
    @SuppressWarnings("rawtypes")
    private void failInFlight(AdminQueueException.Reason reason, String why, Throwable cause) {
        for (int slot = 0; slot < slots; slot++) {
            int s = state.get(slot);
            if (s == IN_FLIGHT) {
                AdminCommand<?> cmd = command[slot];
                AdminQueueException e = new AdminQueueException(reason, cmd.opcode().name() + " on " + cmd.groupType()
                        + " member " + cmd.memberId() + " did not complete: " + why, cause);
                CompletableFuture f = future[slot];
                if (f != null) {
                    release(slot);
                    f.completeExceptionally(e);
                } else {
                    failure[slot] = e;
                    state.set(slot, FAILED);
                }
            }
        }
    }

    /**
     * After the transport reset this queue (queue reset, or device reset and re-setup): every
     * command still in flight fails with ABANDONED, timed-out slots are freed (the device no longer
     * owns any buffer), the driver-side ring bookkeeping is reset, and the queue is usable again.
     *
     * @param ringAlreadyReset true when the caller already called {@link Virtqueue#reset}
     *                         (for example through {@code VirtioPciDevice.resetQueue})
     */
    public void abandonAll(String why, boolean ringAlreadyReset) {
        lock.lock();
        try {
            if (!ringAlreadyReset) {
                vq.reset(null);
            }
            failInFlight(AdminQueueException.Reason.ABANDONED, why, null);
            for (int slot = 0; slot < slots; slot++) {
                if (state.get(slot) == ORPHANED) {
                    release(slot);
                }
            }
            broken = null;
            resets++;
        } finally {
            vq.releaseOwnership();
            lock.unlock();
        }
    }

    /** The virtqueue underneath (for the transport's queue reset). */
    public Virtqueue virtqueue() {
        return vq;
    }

    /**
     * Runs the ring's lock-holding operation {@code action} (such as the transport's queue reset) so
     * that no other thread touches the ring meanwhile.
     */
    public void withRingLocked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            vq.releaseOwnership();
            lock.unlock();
        }
    }

    /**
     * Starts a daemon thread that polls completions for the non-blocking API, idling per {@code policy}.
     * Idempotent.
     */
    public synchronized void startPoller(PollPolicy policy) {
        if (poller != null) {
            return;
        }
        pollerRunning = true;
        Thread t = new Thread(() -> {
            int round = 0;
            while (pollerRunning) {
                int n;
                try {
                    n = pollCompletions();
                } catch (AdminQueueException e) {
                    n = 0;     // already delivered to every command in flight
                }
                if (n > 0) {
                    round = 0;
                } else {
                    policy.idle(round);
                    if (round < Integer.MAX_VALUE) {
                        round++;
                    }
                }
            }
        }, "jvirtio-admin-poller-" + vq.queueIndex());
        t.setDaemon(true);
        poller = t;
        t.start();
    }

    /** Stops the poller thread, if any. */
    public synchronized void stopPoller() {
        Thread t = poller;
        if (t == null) {
            return;
        }
        pollerRunning = false;
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller = null;
    }

    /**
     * Fails every command in flight with CLOSED and releases the slot memory. The caller must have
     * reset the queue or the device first (the device must not own any buffer). Idempotent.
     */
    @Override
    public void close() {
        stopPoller();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            failInFlight(AdminQueueException.Reason.CLOSED, "the admin queue was closed", null);
            // A command that completed but whose waiter has not decoded it yet loses its response
            // memory now: report it as abandoned (it did run, which ABANDONED allows) rather than let
            // the waiter read freed memory.
            for (int slot = 0; slot < slots; slot++) {
                if (state.get(slot) == DONE) {
                    AdminCommand<?> cmd = command[slot];
                    failure[slot] = new AdminQueueException(AdminQueueException.Reason.ABANDONED, cmd.opcode().name()
                            + " on " + cmd.groupType() + " member " + cmd.memberId() + " completed, but admin queue "
                            + vq.queueIndex() + " was closed before its result was read");
                    state.set(slot, FAILED);
                }
            }
            closed = true;
            for (int slot = 0; slot < slots; slot++) {
                closeBigBuffers(slot);
            }
            slotMemory.close();
        } finally {
            lock.unlock();
        }
    }
}
