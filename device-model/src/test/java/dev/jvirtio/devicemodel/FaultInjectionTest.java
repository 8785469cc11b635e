package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The fault knobs: EAGAIN storms, dropped completions, garbage status, shrinking the supported list. */
class FaultInjectionTest {
    private final AdminCommandEngine e = net(2);

    @Test
    void eagainStormHasNoSideEffects() {
        e.faults().eagainStorm(2);
        byte[] use = cmd(0x1, SRIOV, 0, w().u64(0x7F).done());
        R r = run(e, use, 8).fails(EAGAIN, Q_TRYAGAIN);
        assertEquals(8, r.used());
        run(e, use, 8).fails(EAGAIN, Q_TRYAGAIN);
        assertEquals(3L, e.inUse(SRIOV), "no side effect");
        run(e, use, 8).ok();
        assertEquals(0x7FL, e.inUse(SRIOV));
    }

    @Test
    void droppedCompletionsLeaveTheBufferUntouched() {
        e.faults().dropCompletions(1);
        R r = run(e, cmd(0x0, SRIOV, 0), 16);
        assertEquals(AdminCommandEngine.NO_COMPLETION, r.used());
        for (byte b : r.out()) {
            assertEquals(FILL, b);
        }
        run(e, cmd(0x0, SRIOV, 0), 16).ok();
        e.faults().stopAnswering(true);
        assertEquals(AdminCommandEngine.NO_COMPLETION, run(e, cmd(0x0, SRIOV, 0), 16).used());
        assertEquals(AdminCommandEngine.NO_COMPLETION, run(e, cmd(0x0, SELF, 0), 16).used());
        e.faults().stopAnswering(false);
        run(e, cmd(0x0, SELF, 0), 16).ok();
    }

    @Test
    void garbageStatusIsReportedVerbatimAndNothingRuns() {
        e.faults().garbageStatus(0x7777, 0x1234, 1);
        R r = run(e, cmd(0x1, SRIOV, 0, w().u64(0x7F).done()), 16);
        assertEquals(0x7777, r.status());
        assertEquals(0x1234, r.qualifier());
        assertEquals(8, r.used());
        assertEquals(3L, e.inUse(SRIOV));
    }

    @Test
    void shrinkingTheSupportedListTakesEffectImmediately() {
        useAll(e);
        run(e, cmd(0x3, SRIOV, 1, w().u8(18).done()), 9).ok();
        e.faults().shrinkSupported(SRIOV, 0x7C); // legacy commands
        assertEquals(ValidationAndListTest.NET_SRIOV_LIST & ~0x7CL, run(e, cmd(0x0, SRIOV, 0), 16).ok().u64(8));
        run(e, cmd(0x3, SRIOV, 1, w().u8(18).done()), 9).fails(EINVAL, Q_INVALID_OPCODE);
        e.faults().shrinkSupported(SRIOV, 0x3); // LIST_QUERY/LIST_USE always stay
        run(e, cmd(0x0, SRIOV, 0), 16).ok();
        e.faults().clear();
        run(e, cmd(0x3, SRIOV, 1, w().u8(18).done()), 9).ok();
    }

    @Test
    void processingLatencyStillCompletes() {
        AdminCommandEngine slow = new AdminCommandEngine(AdminEngineConfig.builder(DeviceType.NET).totalVfs(1)
                .processingLatencyNanos(10_000).build(), sriov(1));
        run(slow, cmd(0x0, SRIOV, 0), 16).ok();
    }

    @Test
    void faultsAimedAtOneOpcodeSpareEveryOtherCommand() {
        e.faults().onlyOpcode(0x0);               // LIST_QUERY only
        e.faults().eagainStorm(1);
        e.faults().garbageStatus(0x7777, 0x1234, 1);
        byte[] use = cmd(0x1, SRIOV, 0, w().u64(0x7F).done());
        run(e, use, 8).ok();                      // LIST_USE neither triggers nor consumes them
        assertEquals(0x7FL, e.inUse(SRIOV));
        R g = run(e, cmd(0x0, SRIOV, 0), 16);     // garbage is checked before EAGAIN
        assertEquals(0x7777, g.status());
        run(e, cmd(0x0, SRIOV, 0), 16).fails(EAGAIN, Q_TRYAGAIN);
        run(e, cmd(0x0, SRIOV, 0), 16).ok();
        e.faults().dropCompletions(1);
        run(e, use, 8).ok();
        assertEquals(AdminCommandEngine.NO_COMPLETION, run(e, cmd(0x0, SRIOV, 0), 16).used());
        e.faults().clear();                       // also lifts the restriction
        e.faults().dropCompletions(1);
        assertEquals(AdminCommandEngine.NO_COMPLETION, run(e, use, 8).used());
    }
}
