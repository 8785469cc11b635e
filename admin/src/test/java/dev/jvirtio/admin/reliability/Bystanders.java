package dev.jvirtio.admin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.admin.engine.AdminQueueException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unrelated admin traffic that runs while a fault hits another command: each thread owns one VF and
 * loops "write a MAC only this thread produces (VF number in the top byte, a sequence below), read it
 * back, compare". A read that returns anything else is a mixed-up completion. Every command must
 * either complete or fail with a typed exception; the reasons are counted so a test can check they
 * are among those the fault allows (a write that failed may or may not have run, so the thread simply
 * writes again).
 */
final class Bystanders implements AutoCloseable {
    private final AdminClient client;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong completedPairs = new AtomicLong();
    private final Map<AdminQueueException.Reason, AtomicLong> queueFailures =
            new EnumMap<>(AdminQueueException.Reason.class);
    private final Map<AdminStatus, AtomicLong> deviceFailures = new EnumMap<>(AdminStatus.class);
    private final List<String> mismatches = new ArrayList<>();
    private final List<Throwable> unexpected = new ArrayList<>();
    private final Map<String, String> firstMessage = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running = true;

    /** Starts one thread per VF in {@code vfs}. */
    Bystanders(AdminClient client, int... vfs) {
        this.client = client;
        for (AdminQueueException.Reason r : AdminQueueException.Reason.values()) {
            queueFailures.put(r, new AtomicLong());
        }
        for (AdminStatus s : AdminStatus.values()) {
            deviceFailures.put(s, new AtomicLong());
        }
        for (int vf : vfs) {
            Thread t = new Thread(() -> loop(VfNumber.of(vf)), "bystander-vf" + vf);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    static Bytes mac(long value) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (value >>> (40 - 8 * i));
        }
        return Bytes.of(b);
    }

    private void loop(VfNumber vf) {
        long seq = 0;
        while (running) {
            long value = (long) vf.value() << 40 | (++seq & 0xFF_FFFF_FFFFL);
            Bytes want = mac(value);
            try {
                client.execute(AdminCommands.legacyDevCfgWrite(vf, 0, want));
                Bytes got = client.execute(AdminCommands.legacyDevCfgRead(vf, 0, 6));
                if (!want.equals(got)) {
                    synchronized (mismatches) {
                        mismatches.add(vf + " wrote " + want.toHex() + " and read back " + got.toHex());
                    }
                }
                completedPairs.incrementAndGet();
            } catch (AdminQueueException e) {
                queueFailures.get(e.reason()).incrementAndGet();
                firstMessage.putIfAbsent(e.reason().name(), e.getMessage());
            } catch (AdminCommandException e) {
                deviceFailures.get(e.status()).incrementAndGet();
                firstMessage.putIfAbsent(e.status().name(), e.getMessage());
            } catch (Throwable e) {
                synchronized (unexpected) {
                    unexpected.add(e);
                }
            }
        }
    }

    /** Write/read pairs that completed and matched so far. */
    long completedPairs() {
        return completedPairs.get();
    }

    /** Waits until at least {@code n} more pairs complete; fails after {@code seconds}. */
    void awaitProgress(long n, long seconds) throws InterruptedException {
        long target = completedPairs() + n;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (completedPairs() < target) {
            if (System.nanoTime() - deadline > 0) {
                fail("bystanders made no progress: " + completedPairs() + " < " + target + "; " + summary());
            }
            Thread.sleep(1);
        }
    }

    long failures(AdminQueueException.Reason reason) {
        return queueFailures.get(reason).get();
    }

    long failures(AdminStatus status) {
        return deviceFailures.get(status).get();
    }

    String summary() {
        return "pairs=" + completedPairs() + " queueFailures=" + queueFailures + " deviceFailures=" + deviceFailures
                + " mismatches=" + mismatches + " unexpected=" + unexpected + " first messages=" + firstMessage;
    }

    /**
     * Stops the threads (each must finish within 10 s: nothing hangs) and checks that no result was
     * mixed up, nothing untyped was thrown, and every queue failure has one of the {@code allowed}
     * reasons; device (status) failures are allowed only for the statuses in {@code allowedStatus}.
     */
    void stopAndCheck(Set<AdminQueueException.Reason> allowed, Set<AdminStatus> allowedStatus)
            throws InterruptedException {
        close();
        for (Thread t : threads) {
            assertFalse(t.isAlive(), t.getName() + " still running 10 s after stop: a command hung; " + summary());
        }
        synchronized (mismatches) {
            assertTrue(mismatches.isEmpty(), "mixed-up results: " + summary());
        }
        synchronized (unexpected) {
            if (!unexpected.isEmpty()) {
                AssertionError e = new AssertionError("untyped failures: " + summary());
                unexpected.forEach(e::addSuppressed);
                throw e;
            }
        }
        for (var e : queueFailures.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                assertEquals(0, e.getValue().get(), "bystander commands failed with " + e.getKey() + ": " + summary());
            }
        }
        for (var e : deviceFailures.entrySet()) {
            if (!allowedStatus.contains(e.getKey())) {
                assertEquals(0, e.getValue().get(), "bystander commands failed with " + e.getKey() + ": " + summary());
            }
        }
    }

    void stopAndCheck(Set<AdminQueueException.Reason> allowed) throws InterruptedException {
        stopAndCheck(allowed, EnumSet.noneOf(AdminStatus.class));
    }

    @Override
    public void close() {
        running = false;
        try {
            for (Thread t : threads) {
                t.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
