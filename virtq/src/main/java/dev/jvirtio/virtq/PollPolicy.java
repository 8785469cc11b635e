package dev.jvirtio.virtq;

import java.util.concurrent.locks.LockSupport;

/**
 * How a waiting thread idles between polls of a ring: busy spinning (lowest latency, burns a core),
 * spinning then yielding, or spinning then parking for a fixed time. Immutable and allocation-free to use.
 *
 * <pre>{@code
 * long token = queue.awaitUsed(PollPolicy.spinThenPark(1000, 10_000), 5_000_000_000L);
 * }</pre>
 */
public final class PollPolicy {
    /** Idle strategy after the spin phase. */
    public enum Kind {
        /** Spin forever with {@link Thread#onSpinWait()}. */
        SPIN,
        /** After the spins, {@link Thread#yield()} on every round. */
        SPIN_THEN_YIELD,
        /** After the spins, {@link LockSupport#parkNanos(long)} on every round. */
        SPIN_THEN_PARK
    }

    private static final PollPolicy SPIN = new PollPolicy(Kind.SPIN, Integer.MAX_VALUE, 0);

    private final Kind kind;
    private final int spins;
    private final long parkNanos;

    private PollPolicy(Kind kind, int spins, long parkNanos) {
        this.kind = kind;
        this.spins = spins;
        this.parkNanos = parkNanos;
    }

    /** Pure busy polling. */
    public static PollPolicy spin() {
        return SPIN;
    }

    /** Spin {@code spins} rounds, then yield the CPU between polls. */
    public static PollPolicy spinThenYield(int spins) {
        if (spins < 0) {
            throw new IllegalArgumentException("spins must be >= 0");
        }
        return new PollPolicy(Kind.SPIN_THEN_YIELD, spins, 0);
    }

    /** Spin {@code spins} rounds, then park for {@code parkNanos} between polls. */
    public static PollPolicy spinThenPark(int spins, long parkNanos) {
        if (spins < 0 || parkNanos <= 0) {
            throw new IllegalArgumentException("spins must be >= 0 and parkNanos > 0");
        }
        return new PollPolicy(Kind.SPIN_THEN_PARK, spins, parkNanos);
    }

    /** The idle strategy. */
    public Kind kind() {
        return kind;
    }

    /** Number of pure spin rounds before yielding or parking. */
    public int spins() {
        return spins;
    }

    /** Park time per round in the park phase. */
    public long parkNanos() {
        return parkNanos;
    }

    /** Idles once; {@code round} counts the unsuccessful polls so far (0-based). */
    public void idle(int round) {
        if (round < spins) {
            Thread.onSpinWait();
        } else if (kind == Kind.SPIN_THEN_YIELD) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(parkNanos);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SPIN -> "spin";
            case SPIN_THEN_YIELD -> "spin(" + spins + ")+yield";
            case SPIN_THEN_PARK -> "spin(" + spins + ")+park(" + parkNanos + "ns)";
        };
    }
}
