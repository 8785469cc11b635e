package dev.jvirtio.admin.reliability;

import static dev.jvirtio.admin.engine.AdminQueueException.Reason.ABANDONED;
import static dev.jvirtio.admin.engine.AdminQueueException.Reason.DEVICE_FAILED;
import static dev.jvirtio.admin.engine.AdminQueueException.Reason.QUEUE_BROKEN;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.engine.AdminClientOptions;
import dev.jvirtio.admin.engine.AdminQueue;
import dev.jvirtio.admin.engine.AdminQueueException;
import dev.jvirtio.admin.engine.UnsupportedAdminCommandException;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import dev.jvirtio.transport.TransportException;
import dev.jvirtio.virtq.VirtqueueBrokenException;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The device fault matrix: each fault the reliability issue lists, aimed at one command (DEV_MODE_SET
 * on VF 1, opcode 0x11) while three bystander threads keep writing and reading VF 2-4's MACs on the
 * same admin queue. Each test checks the typed error and its cause, that it arrives within the
 * deadline plus slack (a bound, not a speed claim), that the bystanders never got a mixed-up result
 * and failed only in the ways the fault allows, and that the queue and device work afterwards.
 */
class DeviceFaultTest {

    static final long TIMEOUT = TimeUnit.MILLISECONDS.toNanos(300);
    /** Generous: the machine is shared; this bounds hangs, it measures nothing. */
    static final long SLACK = TimeUnit.SECONDS.toNanos(4);
    static final int DEV_MODE_SET = 0x11;
    static final VfNumber VICTIM = VfNumber.of(1);

    /**
     * The client's default deadline, for the bystanders and for the checks that the queue works again:
     * generous, so that a loaded machine cannot make a healthy command time out and trigger a recovery
     * that the test did not ask for. The command a fault aims at gets {@link #TIMEOUT} explicitly.
     */
    static final long HEALTHY = TimeUnit.SECONDS.toNanos(20);

    static AdminClientOptions options() {
        return AdminClientOptions.defaults().withTimeoutNanos(HEALTHY);
    }

    static Rig rig() throws Exception {
        return Rig.start(ProcessingMode.THREAD, 4, options());
    }

    static Bystanders bystanders(Rig r) throws InterruptedException {
        Bystanders b = new Bystanders(r.client, 2, 3, 4);
        b.awaitProgress(50, 20);
        return b;
    }

    static <T extends Throwable> T within(long boundNanos, Class<T> type, Executable body) {
        long t0 = System.nanoTime();
        T e = assertThrows(type, body);
        long took = System.nanoTime() - t0;
        assertTrue(took <= boundNanos, type.getSimpleName() + " after " + took / 1_000_000 + " ms, bound "
                + boundNanos / 1_000_000 + " ms: " + e);
        return e;
    }

    static AdminQueueException victimFails(Rig r, long boundNanos) {
        return within(boundNanos, AdminQueueException.class,
                () -> r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED), TIMEOUT));
    }

    /** A few commands on the victim's member succeed and take effect; the bystanders move on. */
    static void worksAgain(Rig r, Bystanders b) throws InterruptedException {
        if (b != null) {
            // Let the fault's aftermath settle: bystander commands caught by it have timed out or
            // been abandoned once the bystanders complete pairs again.
            b.awaitProgress(50, 20);
        }
        for (int i = 0; i < 3; i++) {
            r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED));
            assertTrue(r.model.engine().member(1).stopped());
            r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.RUNNING));
            assertFalse(r.model.engine().member(1).stopped());
            Bytes mac = Bystanders.mac(0x01_0000_0000_00L | i);
            r.client.execute(AdminCommands.legacyDevCfgWrite(VICTIM, 0, mac));
            assertEquals(mac, r.client.execute(AdminCommands.legacyDevCfgRead(VICTIM, 0, 6)));
        }
        if (b != null) {
            b.awaitProgress(50, 20);
        }
        for (AdminQueue q : r.client.queues()) {
            assertFalse(q.isBroken());
        }
    }

    /**
     * The victim's command met a broken ring: it fails QUEUE_BROKEN with the ring fault as its cause, or,
     * when a bystander thread saw the broken ring first and its recovery reset the queue while the
     * victim was still waiting, ABANDONED with a message that names the same fault. Both are typed and
     * truthful; the race between the two under load decides which.
     */
    static void brokenBy(AdminQueueException e, VirtqueueBrokenException.Fault fault) {
        if (e.reason() == AdminQueueException.Reason.ABANDONED) {
            assertTrue(e.getMessage().contains(fault.name()), e.getMessage());
            return;
        }
        assertEquals(QUEUE_BROKEN, e.reason());
        assertEquals(fault, ringFault(e));
    }

    static VirtqueueBrokenException.Fault ringFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof VirtqueueBrokenException v) {
                return v.fault();
            }
        }
        fail("no VirtqueueBrokenException in the cause chain of " + e);
        return null;
    }

    @Test
    void completionNeverComes() throws Exception {
        try (Rig r = rig(); Bystanders b = bystanders(r)) {
            r.model.faults().onlyOpcode(DEV_MODE_SET);
            r.model.faults().dropCompletions(1);
            AdminQueueException e = victimFails(r, TIMEOUT + SLACK);
            assertEquals(AdminQueueException.Reason.TIMEOUT, e.reason());
            assertTrue(e.getMessage().contains("DEV_MODE_SET") && e.getMessage().contains("no completion"),
                    e.getMessage());
            assertTrue(r.client.recoveries() >= 1, "the queue was reset");
            worksAgain(r, b);
            b.stopAndCheck(EnumSet.of(ABANDONED));
        }
    }

    @Test
    void completionComesAfterTheTimeoutAndIsNotDeliveredToTheSlotsNextUser() throws Exception {
        try (Rig r = rig(); Bystanders b = bystanders(r)) {
            r.model.ringFaults().onlyOpcode(DEV_MODE_SET);
            r.model.ringFaults().delayCompletions(1, TIMEOUT + TimeUnit.MILLISECONDS.toNanos(200));
            // The device answers in order, so the delay holds back the bystanders' commands too: whichever
            // command times out first resets the queue, and the others caught in flight are abandoned.
            AdminQueueException e = victimFails(r, TIMEOUT + SLACK);
            assertTrue(e.reason() == AdminQueueException.Reason.TIMEOUT || e.reason() == ABANDONED, e.toString());
            assertTrue(e.getMessage().contains("DEV_MODE_SET"), e.getMessage());
            worksAgain(r, b);
            b.stopAndCheck(EnumSet.of(ABANDONED, AdminQueueException.Reason.TIMEOUT));
        }
    }

    /**
     * One late completion holds back the command queued behind it, so both time out together: the
     * first timeout resets the queue once; the second finds that reset already done after its own
     * timeout and does not reset again (which would abandon commands sent on the healthy ring).
     */
    @Test
    void commandsThatTimeOutTogetherResetTheQueueOnce() throws Exception {
        try (Rig r = rig()) {
            r.model.ringFaults().onlyOpcode(DEV_MODE_SET);
            r.model.ringFaults().delayCompletions(1, 2 * TIMEOUT);
            var victim = new java.util.concurrent.CompletableFuture<AdminQueueException>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED), TIMEOUT);
                    victim.complete(null);
                } catch (AdminQueueException e) {
                    victim.complete(e);
                }
            });
            // Wait until the device holds the victim's completion back, then queue one behind it.
            long end = System.nanoTime() + SLACK;
            while (!r.model.engine().member(1).stopped() && System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            assertTrue(r.model.engine().member(1).stopped(), "the device ran the victim's command");
            AdminQueueException behind = within(TIMEOUT + SLACK, AdminQueueException.class,
                    () -> r.client.execute(AdminCommands.legacyDevCfgWrite(VfNumber.of(2), 0,
                            Bystanders.mac(0x02_0000_0000_01L)), TIMEOUT));
            t.join();
            AdminQueueException first = victim.get();
            assertNotNull(first, "the victim's completion came after its deadline");
            assertEquals(AdminQueueException.Reason.TIMEOUT, first.reason(), first.toString());
            assertTrue(behind.reason() == AdminQueueException.Reason.TIMEOUT || behind.reason() == ABANDONED,
                    behind.toString());
            assertEquals(1, r.client.recoveries(), "one reset for the two timeouts");
            assertEquals(1, r.client.queues()[0].resets());
            worksAgain(r, null);
            assertEquals(1, r.client.recoveries(), "nothing reset the queue afterwards");
        }
    }

    /**
     * Without the client's recovery (straight on the AdminQueue): the timed-out slot stays reserved, the
     * commands issued meanwhile use other slots and get their own answers, and the late completion
     * only frees the orphaned slot.
     */
    @Test
    void aLateCompletionOnlyFreesItsOrphanedSlot() throws Exception {
        try (Rig r = rig()) {
            AdminQueue q = r.client.queues()[0];
            r.model.ringFaults().onlyOpcode(DEV_MODE_SET);
            r.model.ringFaults().delayCompletions(1, TimeUnit.MILLISECONDS.toNanos(400));
            var late = AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED);
            AdminQueueException e = within(TimeUnit.MILLISECONDS.toNanos(100) + SLACK, AdminQueueException.class,
                    () -> q.execute(late, TimeUnit.MILLISECONDS.toNanos(100)));
            assertEquals(AdminQueueException.Reason.TIMEOUT, e.reason());
            assertEquals(1, q.inFlight(), "the orphaned slot is kept while the device may still write it");
            for (int vf = 2; vf <= 4; vf++) {
                Bytes mac = Bystanders.mac((long) vf << 40 | 0xABCD);
                q.execute(AdminCommands.legacyDevCfgWrite(VfNumber.of(vf), 0, mac), TimeUnit.SECONDS.toNanos(5));
                assertEquals(mac, q.execute(AdminCommands.legacyDevCfgRead(VfNumber.of(vf), 0, 6),
                        TimeUnit.SECONDS.toNanos(5)));
            }
            assertTrue(r.model.engine().member(1).stopped(), "the late command did run");
            q.pollCompletions();
            assertEquals(0, q.inFlight(), "the late completion freed the orphaned slot");
            assertEquals(0, r.client.recoveries());
            worksAgain(r, null);
        }
    }

    @Test
    void usedIdOutOfRange() throws Exception {
        try (Rig r = rig(); Bystanders b = bystanders(r)) {
            r.model.ringFaults().onlyOpcode(DEV_MODE_SET);
            r.model.ringFaults().corruptUsedId(1, 0x7777);
            AdminQueueException e = victimFails(r, TIMEOUT + SLACK);
            brokenBy(e, VirtqueueBrokenException.Fault.USED_ID_OUT_OF_RANGE);
            assertTrue(e.getMessage().contains("30583"), e.getMessage());   // 0x7777
            worksAgain(r, b);
            b.stopAndCheck(EnumSet.of(ABANDONED, QUEUE_BROKEN));
        }
    }

    @Test
    void usedIdInRangeButNotInFlight() throws Exception {
        try (Rig r = rig(); Bystanders b = bystanders(r)) {
            int size = r.client.queues()[0].virtqueue().size();
            // The free list is LIFO and at most a handful of chains are in flight here, so the last
            // descriptor is never the head of one.
            r.model.ringFaults().onlyOpcode(DEV_MODE_SET);
            r.model.ringFaults().corruptUsedId(1, size - 1);
            AdminQueueException e = victimFails(r, TIMEOUT + SLACK);
            brokenBy(e, VirtqueueBrokenException.Fault.USED_ID_NOT_IN_FLIGHT);
            assertTrue(e.getMessage().contains("used id " + (size - 1)), e.getMessage());
            worksAgain(r, b);
            b.stopAndCheck(EnumSet.of(ABANDONED, QUEUE_BROKEN));
        }
    }

    @Test
    void usedLengthLargerThanTheBuffer() throws Exception {
        try (Rig r = rig(); Bystanders b = bystanders(r)) {
            r.model.ringFaults().onlyOpcode(DEV_MODE_SET);
            r.model.ringFaults().corruptUsedLength(1, 1 << 20);
            AdminQueueException e = victimFails(r, TIMEOUT + SLACK);
            brokenBy(e, VirtqueueBrokenException.Fault.USED_LENGTH_TOO_LARGE);
            assertTrue(e.getMessage().contains("1048576"), e.getMessage());
            worksAgain(r, b);
            b.stopAndCheck(EnumSet.of(ABANDONED, QUEUE_BROKEN));
        }
    }

    /**
     * Inline processing posts the completion and its duplicate before the driver looks: the used index
     * runs ahead of what is in flight (USED_IDX_JUMP), the queue breaks, the command is reported
     * QUEUE_BROKEN (it may or may not have run), nothing stays reserved, and the next command works.
     */
    @Test
    void duplicateCompletionInline() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE, 4, options())) {
            r.model.ringFaults().onlyOpcode(DEV_MODE_SET);
            r.model.ringFaults().duplicateCompletions(1);
            AdminQueueException e = victimFails(r, TIMEOUT + SLACK);
            brokenBy(e, VirtqueueBrokenException.Fault.USED_IDX_JUMP);
            worksAgain(r, null);      // the client resets the broken queue
            assertEquals(0, r.client.queues()[0].inFlight(), "no slot leaked");
        }
    }

    /**
     * A command whose completion was taken before a later, impossible used element keeps its result:
     * it did complete. Its slot is freed (not leaked), and the command whose element was impossible
     * fails QUEUE_BROKEN.
     */
    @Test
    void aCompletedCommandKeepsItsResultWhenALaterElementBreaksTheQueue() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE, 4, options())) {
            AdminQueue q = r.client.queues()[0];
            Bytes mac = Bystanders.mac(0x02_0000_0000_77L);
            q.execute(AdminCommands.legacyDevCfgWrite(VfNumber.of(2), 0, mac));
            var first = AdminCommands.legacyDevCfgRead(VfNumber.of(2), 0, 6);
            long ticket = q.submitTicket(first);            // completed inline, not yet polled
            r.model.ringFaults().onlyOpcode(DEV_MODE_SET);
            r.model.ringFaults().corruptUsedId(1, 0x7777);
            var bad = q.submit(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED));
            assertEquals(mac, q.await(ticket, first, TIMEOUT), "the completed command keeps its own result");
            var x = assertThrows(java.util.concurrent.ExecutionException.class, () -> bad.get(5, TimeUnit.SECONDS));
            assertEquals(QUEUE_BROKEN, ((AdminQueueException) x.getCause()).reason());
            assertTrue(q.isBroken());
            assertEquals(0, q.inFlight(), "no slot leaked");
            worksAgain(r, null);
        }
    }

    /** With a device thread: the victim either keeps its (correct) result or fails typed; others unharmed. */
    @Test
    void duplicateCompletionUnderTraffic() throws Exception {
        try (Rig r = rig(); Bystanders b = bystanders(r)) {
            for (int round = 0; round < 5; round++) {
                r.model.ringFaults().onlyOpcode(DEV_MODE_SET);
                r.model.ringFaults().duplicateCompletions(1);
                long t0 = System.nanoTime();
                try {
                    r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED));
                    assertTrue(r.model.engine().member(1).stopped());
                } catch (AdminQueueException e) {
                    assertTrue(e.reason() == QUEUE_BROKEN || e.reason() == ABANDONED, e.toString());
                }
                assertTrue(System.nanoTime() - t0 <= TIMEOUT + SLACK);
                b.awaitProgress(20, 20);
                worksAgain(r, b);
            }
            b.stopAndCheck(EnumSet.of(ABANDONED, QUEUE_BROKEN));
        }
    }

    @Test
    void garbageStatusAndQualifier() throws Exception {
        try (Rig r = rig(); Bystanders b = bystanders(r)) {
            r.model.faults().onlyOpcode(DEV_MODE_SET);
            r.model.faults().garbageStatus(0x7777, 0x1234, 1);
            AdminCommandException e = within(TIMEOUT + SLACK, AdminCommandException.class,
                    () -> r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED)));
            assertEquals(AdminStatus.EINVAL, e.status(), "an unknown status is handled as EINVAL");
            assertEquals(0x7777, e.rawStatus());
            assertEquals(0x1234, e.rawQualifier());
            assertEquals(AdminOpcode.DEV_MODE_SET, e.opcode());
            assertEquals(1, e.memberId());
            assertFalse(e.isRetryable());
            assertFalse(r.model.engine().member(1).stopped(), "not executed");

            r.model.faults().garbageStatus(AdminStatus.EINVAL.code(), 0x7777, 1);
            AdminCommandException q = assertThrows(AdminCommandException.class,
                    () -> r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED)));
            assertEquals(StatusQualifier.INVALID_COMMAND, q.qualifier(), "a reserved qualifier is INVALID_COMMAND");
            assertEquals(0x7777, q.rawQualifier());
            assertEquals(0, r.client.recoveries(), "a device answer needs no recovery");
            worksAgain(r, b);
            b.stopAndCheck(EnumSet.noneOf(AdminQueueException.Reason.class));
        }
    }

    /** The device raises DEVICE_NEEDS_RESET and stops answering while traffic flows. */
    @Test
    void deviceNeedsResetInTheMiddleOfTraffic() throws Exception {
        try (Rig r = rig(); Bystanders b = bystanders(r)) {
            OpcodeSet before = r.client.enabledOpcodes(GroupType.SR_IOV);
            r.model.raiseNeedsReset(true);
            // The victim's own timeout finds DEVICE_NEEDS_RESET (DEVICE_FAILED), or a bystander's earlier
            // timeout did and the device reset abandoned the victim; the message names the cause.
            // Under load a bystander's recovery may also leave the victim with its own plain TIMEOUT
            // (its recovery found the device already reset); see RELIABILITY.md.
            AdminQueueException e = victimFails(r, 2 * (TIMEOUT + SLACK));
            if (e.reason() != AdminQueueException.Reason.TIMEOUT) {
                assertTrue(e.reason() == DEVICE_FAILED || e.reason() == ABANDONED, e.toString());
                assertTrue(e.getMessage().contains("DEVICE_NEEDS_RESET"), e.getMessage());
            }
            assertEquals(0, r.model.pfStatus() & 64, "cleared by the client's device reset");
            assertEquals(before, r.client.enabledOpcodes(GroupType.SR_IOV));
            worksAgain(r, b);
            assertArrayEquals(before.words(), new long[] {r.model.engine().inUse(1)}, "LIST_USE replayed; recoveries "
                    + r.client.recoveries() + "; " + b.summary());
            // Everyone in flight when the device stopped timed out or was abandoned by the reset.
            b.stopAndCheck(EnumSet.of(ABANDONED, AdminQueueException.Reason.TIMEOUT, DEVICE_FAILED));
        }
    }

    /** The device vanishes (BARs read all-ones), then comes back and is reset. */
    @Test
    void theDeviceVanishes() throws Exception {
        try (Rig r = rig(); Bystanders b = bystanders(r)) {
            r.model.ringFaults().vanish();
            AdminQueueException e = victimFails(r, TIMEOUT + SLACK);
            assertEquals(DEVICE_FAILED, e.reason(), e.toString());
            assertInstanceOf(TransportException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("all-ones"), e.getCause().getMessage());
            // Still gone: a second command fails the same way, within its deadline, no hang.
            assertEquals(DEVICE_FAILED, victimFails(r, TIMEOUT + SLACK).reason());
            r.model.ringFaults().reappear();
            r.client.resetDevice("the device is reachable again");
            worksAgain(r, b);
            b.stopAndCheck(EnumSet.of(ABANDONED, AdminQueueException.Reason.TIMEOUT, DEVICE_FAILED));
        }
    }

    @Test
    void eagainStorm() throws Exception {
        AdminClientOptions o = options().withRetries(8, 10_000);
        try (Rig r = Rig.start(ProcessingMode.THREAD, 4, o); Bystanders b = bystanders(r)) {
            // Aimed: 7 EAGAINs are absorbed by the 8 attempts, 8 are reported.
            r.model.faults().onlyOpcode(DEV_MODE_SET);
            r.model.faults().eagainStorm(7);
            r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED));
            assertTrue(r.model.engine().member(1).stopped());
            r.model.faults().eagainStorm(8);
            AdminCommandException e = within(TIMEOUT + SLACK, AdminCommandException.class,
                    () -> r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.RUNNING)));
            assertEquals(AdminStatus.EAGAIN, e.status());
            assertEquals(StatusQualifier.TRYAGAIN, e.qualifier());
            assertTrue(e.isRetryable());
            assertTrue(r.model.engine().member(1).stopped(), "EAGAIN has no side effect");
            // A storm on everyone: each command retries, some run out of attempts; all typed, none mixed.
            r.model.faults().clear();
            r.model.faults().eagainStorm(2000);
            int ok = 0;
            int eagain = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() - end < 0) {
                try {
                    r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.RUNNING));
                    ok++;
                    if (ok > 20) {
                        break;
                    }
                } catch (AdminCommandException x) {
                    assertEquals(AdminStatus.EAGAIN, x.status());
                    eagain++;
                }
            }
            assertTrue(ok > 20, "the storm passed: ok=" + ok + " eagain=" + eagain);
            assertEquals(0, r.client.recoveries(), "EAGAIN needs no recovery");
            worksAgain(r, b);
            b.stopAndCheck(EnumSet.noneOf(AdminQueueException.Reason.class), EnumSet.of(AdminStatus.EAGAIN));
        }
    }

    @Test
    void listUseAnswerThatShrinksTheOpcodeSet() throws Exception {
        try (Rig r = rig(); Bystanders b = bystanders(r)) {
            assertTrue(r.client.enabledOpcodes(GroupType.SR_IOV).contains(DEV_MODE_SET));
            r.model.faults().shrinkSupported(GroupType.SR_IOV.id(), 1L << DEV_MODE_SET);
            // Before the client re-discovers, the device itself refuses the removed opcode.
            AdminCommandException d = assertThrows(AdminCommandException.class,
                    () -> r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED)));
            assertEquals(StatusQualifier.INVALID_OPCODE, d.qualifier());
            r.client.resetDevice("re-discovery after the device changed its opcode set");
            OpcodeSet now = r.client.enabledOpcodes(GroupType.SR_IOV);
            assertFalse(now.contains(DEV_MODE_SET), now.toString());
            assertTrue(now.contains(0x4) && now.contains(0x5), "the rest stays: " + now);
            UnsupportedAdminCommandException u = assertThrows(UnsupportedAdminCommandException.class,
                    () -> r.client.execute(AdminCommands.devModeSet(VICTIM, DevModeSet.Mode.STOPPED)));
            assertEquals(AdminOpcode.DEV_MODE_SET, u.opcode());
            assertTrue(u.getMessage().contains("DEV_MODE_SET"), u.getMessage());
            assertFalse(r.model.engine().member(1).stopped(), "nothing reached the device");
            Bytes mac = Bystanders.mac(0x01_0000_0000_42L);
            r.client.execute(AdminCommands.legacyDevCfgWrite(VICTIM, 0, mac));
            assertEquals(mac, r.client.execute(AdminCommands.legacyDevCfgRead(VICTIM, 0, 6)));
            b.awaitProgress(50, 20);
            b.stopAndCheck(EnumSet.of(ABANDONED));
        }
    }
}
