package dev.jvirtio.virtq;

import java.util.function.LongConsumer;

/**
 * Driver side of one virtqueue, independent of the ring format (split or packed), so that users such as
 * the admin layer are ring-agnostic.
 *
 * <p>Cycle: {@link #begin()} a chain, add buffers, {@link ChainBuilder#commit commit} it under a token,
 * repeat for a batch, then {@link #kick()} (one publishing store and at most one notification for the
 * whole batch). Completions arrive in any order through {@link #poll()}, which returns the token and
 * leaves the used length in {@link #lastUsedLength()}:
 *
 * <pre>{@code
 * queue.begin().readable(req, 0, 24).writable(resp, 0, 8).commit(42);
 * queue.kick();
 * long token = queue.awaitUsed(PollPolicy.spin(), 1_000_000_000L);
 * if (token == Virtqueue.NONE) { ... timed out ... }
 * int written = queue.lastUsedLength();
 * }</pre>
 *
 * <p><b>Threading:</b> a queue has exactly one owner thread and takes no locks. The owner is the first
 * thread that uses it (or the next one after {@link #releaseOwnership()}); with assertions enabled other
 * threads trip an {@link AssertionError}. The device side may of course run on any thread: it only shares
 * ring memory, with the ordering described in the package documentation.
 *
 * <p><b>Errors:</b> every used element is checked against what is in flight; anything impossible marks the
 * queue broken and throws {@link VirtqueueBrokenException}, again on every further use, until
 * {@link #reset}. Nothing on the hot path allocates.
 */
public interface Virtqueue extends AutoCloseable {
    /** Returned by {@link ChainBuilder#commit} when the ring has no room for the chain. */
    int NO_SPACE = -1;
    /** Returned by {@link #poll()} and {@link #awaitUsed} when there is nothing (yet). */
    long NONE = -1L;

    /** Index of the queue on its device. */
    int queueIndex();

    /** Queue size (number of descriptors). */
    int size();

    /** Negotiated features the queue honours. */
    long features();

    /** Descriptors (split) or ring slots (packed) currently free. */
    int freeDescriptors();

    /** Chains handed to the device (committed) and not yet returned by {@link #poll()}. */
    int inFlight();

    /** Starts a new chain: clears and returns the queue's single reusable {@link ChainBuilder}. */
    ChainBuilder begin();

    /**
     * Makes every committed chain visible to the device with one publishing store, then decides (after a
     * full fence) whether the device wants a notification. Does not ring the doorbell.
     *
     * @return true if a notification is needed for what was just published
     */
    boolean publish();

    /** {@link #publish()} and, if needed, ring the doorbell with {@link #notificationValue()}; returns whether it rang. */
    default boolean kick() {
        if (publish()) {
            doorbell().ring(notificationValue());
            return true;
        }
        return false;
    }

    /** The doorbell from the configuration. */
    Doorbell doorbell();

    /**
     * The value to write to the notify register now: the notify id, or with NOTIFICATION_DATA the 32-bit
     * {id, next_off, next_wrap} describing the next descriptor not yet made available.
     */
    int notificationValue();

    /**
     * Takes one used buffer if the device returned one: returns its token, or {@link #NONE}. The used
     * length and id are then available from {@link #lastUsedLength()} and {@link #lastUsedId()}.
     *
     * @throws VirtqueueBrokenException if the device wrote an impossible used element
     */
    long poll();

    /**
     * A hint for waiters that do not own the queue: true when the device may have posted a used buffer
     * that {@link #poll()} has not taken yet (or the queue can no longer be read). Any thread may call it
     * at any time, without the lock its owner holds around {@code poll()}: it reads one device-written
     * index and changes nothing, so a waiter can spin on it and take the owner's lock only when there is
     * something to take. It may be stale either way; only {@code poll()} decides.
     */
    boolean hasUsed();

    /** Bytes the device reported writing for the buffer last returned by {@link #poll()}. */
    int lastUsedLength();

    /** Head index (split) or buffer id (packed) of the buffer last returned by {@link #poll()}. */
    int lastUsedId();

    /**
     * Polls until a used buffer arrives or {@code timeoutNanos} pass, idling per {@code policy}. Returns the
     * token or {@link #NONE} on timeout. Allocation-free.
     */
    default long awaitUsed(PollPolicy policy, long timeoutNanos) {
        long token = poll();
        if (token != NONE) {
            return token;
        }
        long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
        int round = 0;
        while (true) {
            policy.idle(round);
            token = poll();
            if (token != NONE) {
                return token;
            }
            // nanoTime costs ~20 ns; while spinning check it every 64 rounds, otherwise every round.
            if ((round >= policy.spins() || (round & 63) == 63) && System.nanoTime() - deadline >= 0) {
                return NONE;
            }
            if (round < Integer.MAX_VALUE) {
                round++;
            }
        }
    }

    /**
     * Asks the device for used-buffer notifications (interrupts) again and re-checks the ring after a full
     * fence, closing the race described in virtio 1.3 2.7.14.
     *
     * @return true if used buffers are already pending (poll them instead of waiting for an interrupt)
     */
    boolean enableUsedNotifications();

    /** Tells the device that used-buffer notifications are not needed (the default: queues start polled). */
    void disableUsedNotifications();

    /**
     * Queue reset in the bookkeeping (VIRTIO_F_RING_RESET, or device reset): every chain in flight is
     * abandoned and its token reported to {@code abandoned} (may be null), the rings are zeroed, indices and
     * wrap counters return to their initial values and a broken queue becomes usable again. The transport
     * performs the register side (queue_reset, re-enable) around this call.
     *
     * @return number of abandoned chains
     */
    int reset(LongConsumer abandoned);

    /** Whether the device broke the protocol (see {@link VirtqueueBrokenException}). */
    boolean isBroken();

    /** Device address of the descriptor area (queue_desc). */
    long descriptorAreaIova();

    /** Device address of the driver area (queue_driver: avail ring or driver event suppression). */
    long driverAreaIova();

    /** Device address of the device area (queue_device: used ring or device event suppression). */
    long deviceAreaIova();

    /** Lets another thread become the owner (call from the current owner before handing over). */
    void releaseOwnership();

    /** Releases ring memory the queue allocated itself; afterwards every operation throws {@link IllegalStateException}. */
    @Override
    void close();
}
