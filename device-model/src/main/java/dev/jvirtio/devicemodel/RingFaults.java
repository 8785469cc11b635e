package dev.jvirtio.devicemodel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults the device model can inject at the ring and PCI level (the admin engine's own faults —
 * EAGAIN storms, dropped completions, garbage status — are in {@link FaultInjector}). Every knob may
 * be set from any thread while the device runs; each "next n" knob counts down per completion.
 *
 * <pre>{@code
 * model.ringFaults().delayCompletions(1, 50_000_000L);   // the next completion comes 50 ms late
 * model.ringFaults().corruptUsedId(1, 0x7777);            // the next used element names id 0x7777
 * model.ringFaults().vanish();                            // BARs read all-ones from now on
 * }</pre>
 */
public final class RingFaults {
    final AtomicInteger delayCount = new AtomicInteger();
    volatile long delayNanos;
    final AtomicInteger badIdCount = new AtomicInteger();
    volatile int badId;
    final AtomicInteger badLenCount = new AtomicInteger();
    volatile int badLen;
    final AtomicInteger duplicateCount = new AtomicInteger();
    volatile boolean vanished;
    volatile int onlyOpcode = -1;

    RingFaults() {
    }

    /** The next {@code n} completions are held back {@code nanos} each before they are posted. */
    public void delayCompletions(int n, long nanos) {
        delayNanos = nanos;
        delayCount.set(n);
    }

    /**
     * The next {@code n} used elements carry id {@code id} instead of the real one (split rings; on
     * packed rings the buffer id of the used descriptor is overwritten).
     */
    public void corruptUsedId(int n, int id) {
        badId = id;
        badIdCount.set(n);
    }

    /** The next {@code n} used elements report {@code len} bytes written (which may exceed the buffer). */
    public void corruptUsedLength(int n, int len) {
        badLen = len;
        badLenCount.set(n);
    }

    /** The next {@code n} completions are posted twice (split rings). */
    public void duplicateCompletions(int n) {
        duplicateCount.set(n);
    }

    /** The device disappears: every BAR read returns all-ones, writes are dropped, processing stops. */
    public void vanish() {
        vanished = true;
    }

    /**
     * The device is reachable again after {@link #vanish()} (a link that retrained, a BAR decoded again):
     * registers read their real values and queues are processed. Whatever the driver wrote meanwhile was
     * lost, so a driver resets the device before trusting it.
     */
    public void reappear() {
        vanished = false;
    }

    /**
     * Restricts the counted ring faults (delays, corrupt ids and lengths, duplicates) to completions of
     * commands whose wire opcode is {@code opcode}; {@code -1} (the default) lets them hit any completion.
     * Other completions neither trigger nor consume them.
     */
    public void onlyOpcode(int opcode) {
        if (opcode < -1 || opcode > 0xffff) {
            throw new IllegalArgumentException("opcode " + opcode + " outside -1..0xffff");
        }
        onlyOpcode = opcode;
    }

    /** Whether {@link #vanish()} was called (and not undone by {@link #reappear()}). */
    public boolean vanished() {
        return vanished;
    }

    /** Clears every ring fault and the opcode restriction (a vanished device stays vanished). */
    public void clear() {
        onlyOpcode = -1;
        delayCount.set(0);
        badIdCount.set(0);
        badLenCount.set(0);
        duplicateCount.set(0);
    }

    boolean targets(int opcode) {
        int only = onlyOpcode;
        return only < 0 || only == opcode;
    }

    static boolean take(AtomicInteger counter) {
        while (true) {
            int n = counter.get();
            if (n <= 0) {
                return false;
            }
            if (counter.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }
}
