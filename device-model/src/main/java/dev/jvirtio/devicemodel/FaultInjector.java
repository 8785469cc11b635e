package dev.jvirtio.devicemodel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for an {@link AdminCommandEngine}: lets tests and benchmarks make the device misbehave in the
 * ways a driver must survive. Each knob is safe to set from another thread while the device thread runs.
 *
 * <pre>{@code
 * engine.faults().eagainStorm(3);       // the next 3 commands complete with EAGAIN, no side effects
 * engine.faults().dropCompletions(1);   // the next command gets no completion at all
 * engine.faults().garbageStatus(0x7777, 0x1234, 1);
 * }</pre>
 */
public final class FaultInjector {
    private final AtomicInteger eagain = new AtomicInteger();
    private final AtomicInteger drop = new AtomicInteger();
    private final AtomicInteger garbage = new AtomicInteger();
    private volatile int garbageStatus;
    private volatile int garbageQualifier;
    private volatile boolean stopAnswering;
    private final AtomicLong removedSelf = new AtomicLong();
    private final AtomicLong removedSriov = new AtomicLong();
    private volatile int onlyOpcode = -1;

    FaultInjector() {}

    /** The next {@code n} commands complete with EAGAIN / Q_TRYAGAIN and have no effect. */
    public void eagainStorm(int n) {
        eagain.set(requireNonNegative(n));
    }

    /** The next {@code n} commands are swallowed: {@link AdminCommandEngine#process} returns NO_COMPLETION. */
    public void dropCompletions(int n) {
        drop.set(requireNonNegative(n));
    }

    /** While set, every command is swallowed (the device stops answering). */
    public void stopAnswering(boolean on) {
        stopAnswering = on;
    }

    /**
     * The next {@code n} commands are not executed and complete with the given raw status and qualifier
     * (which may be values the specification reserves).
     */
    public void garbageStatus(int status, int qualifier, int n) {
        garbageStatus = status & 0xffff;
        garbageQualifier = qualifier & 0xffff;
        garbage.set(requireNonNegative(n));
    }

    /**
     * Removes opcodes from the supported set of a group type (bit n = opcode n). This breaks the specification's
     * rule that the supported list never shrinks, on purpose. LIST_QUERY reports the shrunk set and removed
     * opcodes fail with Q_INVALID_OPCODE even if in use.
     */
    public void shrinkSupported(int groupType, long opcodesToRemove) {
        switch (groupType) {
            case AdminWire.GROUP_SELF -> removedSelf.set(opcodesToRemove);
            case AdminWire.GROUP_SRIOV -> removedSriov.set(opcodesToRemove);
            default -> throw new IllegalArgumentException("unknown group type " + groupType);
        }
    }

    /**
     * Restricts the counted faults (EAGAIN storms, dropped completions, garbage status) to commands whose
     * wire opcode is {@code opcode}; {@code -1} (the default) lets them hit any command. Other commands
     * neither trigger nor consume them, so a test can aim a fault at one command while unrelated traffic
     * keeps flowing. {@link #stopAnswering} and {@link #shrinkSupported} are not affected.
     */
    public void onlyOpcode(int opcode) {
        if (opcode < -1 || opcode > 0xffff) {
            throw new IllegalArgumentException("opcode " + opcode + " outside -1..0xffff");
        }
        onlyOpcode = opcode;
    }

    /** Clears every injected fault (and the opcode restriction). */
    public void clear() {
        onlyOpcode = -1;
        eagain.set(0);
        drop.set(0);
        garbage.set(0);
        stopAnswering = false;
        removedSelf.set(0);
        removedSriov.set(0);
    }

    private static int requireNonNegative(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative count " + n);
        }
        return n;
    }

    private static boolean take(AtomicInteger c) {
        // Cheap read first so the fault-free path does no atomic read-modify-write.
        if (c.get() <= 0) {
            return false;
        }
        return c.getAndUpdate(v -> v > 0 ? v - 1 : 0) > 0;
    }

    /** Whether the counted faults may hit a command with wire opcode {@code opcode}. */
    boolean targets(int opcode) {
        int only = onlyOpcode;
        return only < 0 || only == opcode;
    }

    boolean takeDrop(int opcode) {
        return stopAnswering || targets(opcode) && take(drop);
    }

    boolean takeGarbage(int opcode) {
        return targets(opcode) && take(garbage);
    }

    int garbageStatusValue() {
        return garbageStatus;
    }

    int garbageQualifierValue() {
        return garbageQualifier;
    }

    boolean takeEagain(int opcode) {
        return targets(opcode) && take(eagain);
    }

    long removed(int groupType) {
        return groupType == AdminWire.GROUP_SELF ? removedSelf.get() : removedSriov.get();
    }
}
