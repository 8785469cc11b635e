package dev.jvirtio.virtq.device;

/**
 * Device side of one virtqueue, for software device models, tests and benchmarks. It reads the rings the
 * driver wrote through {@link dev.jvirtio.dma.DeviceMemory} and treats the driver as untrusted: every
 * protocol violation is a {@link DriverFaultException}, after which the queue refuses work until
 * {@link #reset()}.
 *
 * <pre>{@code
 * DeviceChain c;
 * while ((c = dq.pop()) != null) {
 *     int id = c.id();
 *     long n = handle(c);            // read c.readFromReadable(...), write c.writeToWritable(...)
 *     dq.push(id, n);
 * }
 * if (dq.publishUsed()) raiseInterrupt();
 * }</pre>
 *
 * <p>One thread per device queue, no locks; pop/push/publish allocate nothing.
 */
public interface DeviceQueue {
    /** Queue size. */
    int size();

    /**
     * Takes the next available chain, or returns null when there is none. The returned view is reused: it
     * is valid until the next call.
     *
     * @throws DriverFaultException if the driver broke the protocol
     */
    DeviceChain pop();

    /**
     * A hint for a polling device loop: true when {@link #pop()} may find a chain (or the queue can no
     * longer be read). Any thread may call it without the lock its owner holds around {@code pop()}: it
     * reads one driver-written index or flag word and changes nothing. It may be stale either way; only
     * {@code pop()} decides.
     */
    boolean hasAvailable();

    /**
     * Returns chain {@code id} to the driver with {@code writtenLength} bytes written. The completion
     * becomes visible to the driver at the next {@link #publishUsed()}.
     *
     * @throws IllegalStateException    if {@code id} is not a chain this side popped and has not pushed
     * @throws IllegalArgumentException if {@code writtenLength} exceeds the chain's writable length
     */
    void push(int id, long writtenLength);

    /**
     * Makes pushed completions visible with one publishing store, then decides (after a full fence) whether
     * the driver wants a used-buffer notification.
     *
     * @return true if the device should notify (interrupt) the driver
     */
    boolean publishUsed();

    /**
     * Asks the driver for available-buffer notifications again and re-checks after a full fence.
     *
     * @return true if buffers are already available (pop them instead of waiting)
     */
    boolean enableNotifications();

    /** Tells the driver no available-buffer notifications are needed (the device polls). */
    void disableNotifications();

    /** Chains popped and not yet pushed. */
    int inFlight();

    /** Whether a driver fault stopped the queue. */
    boolean isBroken();

    /** Device-side queue reset: forgets everything in flight and starts again from the initial indices. */
    void reset();
}
