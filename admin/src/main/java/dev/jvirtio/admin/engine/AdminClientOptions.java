package dev.jvirtio.admin.engine;

import dev.jvirtio.admin.OpcodeNumbering;
import dev.jvirtio.virtq.PollPolicy;
import java.util.Objects;

/**
 * How an {@link AdminClient} drives a device.
 *
 * @param queues        admin queues to use (at most what the device offers)
 * @param queueSize     size of each admin queue (at most what the device offers)
 * @param packedRing    negotiate VIRTIO_F_RING_PACKED when offered
 * @param numbering     QUERY/MODIFY opcode numbering (the 1.4 spec contradicts itself)
 * @param pollPolicy    how waiting threads idle between polls
 * @param timeoutNanos  deadline of each command
 * @param maxAttempts   attempts for EAGAIN / Q_NORESOURCE / Q_TRYAGAIN answers (1 = no retry)
 * @param backoffNanos  first retry delay; doubles per attempt up to {@code 1000 *} this
 */
public record AdminClientOptions(int queues, int queueSize, boolean packedRing, OpcodeNumbering numbering,
                                 PollPolicy pollPolicy, long timeoutNanos, int maxAttempts, long backoffNanos) {

    /** Validates. */
    public AdminClientOptions {
        if (queues < 1) {
            throw new IllegalArgumentException("at least one admin queue");
        }
        if (queueSize < 2 || queueSize > 32768) {
            throw new IllegalArgumentException("queue size " + queueSize + " outside 2..32768");
        }
        Objects.requireNonNull(numbering, "numbering");
        Objects.requireNonNull(pollPolicy, "pollPolicy");
        if (timeoutNanos <= 0 || maxAttempts < 1 || backoffNanos < 0) {
            throw new IllegalArgumentException("timeout > 0, attempts >= 1, backoff >= 0");
        }
    }

    /** One split admin queue of 64, 5 s deadline, 8 attempts from 10 µs, spin-then-yield waiting. */
    public static AdminClientOptions defaults() {
        return new AdminClientOptions(1, 64, false, OpcodeNumbering.DEFAULT, PollPolicy.spinThenYield(10_000),
                5_000_000_000L, 8, 10_000L);
    }

    /** With {@code n} admin queues. */
    public AdminClientOptions withQueues(int n) {
        return new AdminClientOptions(n, queueSize, packedRing, numbering, pollPolicy, timeoutNanos, maxAttempts,
                backoffNanos);
    }

    /** With queues of {@code size}. */
    public AdminClientOptions withQueueSize(int size) {
        return new AdminClientOptions(queues, size, packedRing, numbering, pollPolicy, timeoutNanos, maxAttempts,
                backoffNanos);
    }

    /** Preferring the packed ring layout. */
    public AdminClientOptions withPackedRing(boolean packed) {
        return new AdminClientOptions(queues, queueSize, packed, numbering, pollPolicy, timeoutNanos, maxAttempts,
                backoffNanos);
    }

    /** With another opcode numbering. */
    public AdminClientOptions withNumbering(OpcodeNumbering n) {
        return new AdminClientOptions(queues, queueSize, packedRing, n, pollPolicy, timeoutNanos, maxAttempts,
                backoffNanos);
    }

    /** With another wait policy. */
    public AdminClientOptions withPollPolicy(PollPolicy p) {
        return new AdminClientOptions(queues, queueSize, packedRing, numbering, p, timeoutNanos, maxAttempts,
                backoffNanos);
    }

    /** With another per-command deadline. */
    public AdminClientOptions withTimeoutNanos(long t) {
        return new AdminClientOptions(queues, queueSize, packedRing, numbering, pollPolicy, t, maxAttempts,
                backoffNanos);
    }

    /** With another retry budget. */
    public AdminClientOptions withRetries(int attempts, long backoff) {
        return new AdminClientOptions(queues, queueSize, packedRing, numbering, pollPolicy, timeoutNanos, attempts,
                backoff);
    }
}
