package dev.jvirtio.pci.vfio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Interrupt delivery through real eventfds, signalled the way VFIO's interrupt handler does. */
class EventFdInterruptTest {

    @Test
    void pollCountsSignalsAndResets() throws IOException {
        try (EventFdInterrupt irq = EventFdInterrupt.create(3)) {
            assertEquals(3, irq.vector());
            assertEquals(0, irq.poll());
            irq.signal(1);
            irq.signal(2);
            assertEquals(3, irq.poll(), "the eventfd sums signals");
            assertEquals(0, irq.poll(), "a read consumes them");
        }
    }

    /**
     * A completion wait (signal, poll with a deadline, read) allocates nothing once the thread is warm.
     * Until the JIT has compiled the downcalls the interpreter allocates on its own, and on a loaded
     * machine that takes a while: so rounds run until one of them allocates (almost) nothing, at most 40.
     * With an allocation per call (the arena each call used to make: ~100 bytes) no round ever would.
     */
    @Test
    void signalPollAndAwaitAllocateNothing() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (EventFdInterrupt irq = EventFdInterrupt.create(0)) {
            long sum = 0;
            long best = Long.MAX_VALUE;
            int rounds = 0;
            while (rounds < 40 && best >= 20_000) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 20_000; i++) {
                    irq.signal(1);
                    sum += irq.await(1, TimeUnit.SECONDS);
                    sum += irq.poll();
                }
                best = Math.min(best, threads.getCurrentThreadAllocatedBytes() - before);
                rounds++;
            }
            assertTrue(best < 20_000, "every one of " + rounds + " rounds of 20,000 signal/await/poll allocated; "
                    + "the least was " + best + " bytes");
            assertEquals(rounds * 20_000L, sum, "every signal was counted once");
        }
    }

    @Test
    void awaitReturnsZeroWhenNothingArrivesBeforeTheDeadline() throws Exception {
        try (EventFdInterrupt irq = EventFdInterrupt.create(0)) {
            long t0 = System.nanoTime();
            assertEquals(0, irq.await(30, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(30), "returned before the deadline");
            assertEquals(0, irq.await(0, TimeUnit.MILLISECONDS), "zero timeout only checks");
        }
    }

    @Test
    void awaitWakesWhenAnotherThreadSignals() throws Exception {
        try (EventFdInterrupt irq = EventFdInterrupt.create(1)) {
            CountDownLatch waiting = new CountDownLatch(1);
            AtomicReference<Object> result = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                waiting.countDown();
                try {
                    result.set(irq.await(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    result.set(e);
                }
            });
            waiter.start();
            waiting.await();
            Thread.sleep(20);
            irq.signal(5);
            waiter.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(waiter.isAlive());
            assertEquals(5L, result.get());
        }
    }

    @Test
    void awaitWithAnEndlessTimeoutReallyWaits() throws Exception {
        try (EventFdInterrupt irq = EventFdInterrupt.create(2)) {
            AtomicReference<Object> result = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    result.set(irq.await(Long.MAX_VALUE, TimeUnit.DAYS));
                } catch (Exception e) {
                    result.set(e);
                }
            });
            waiter.start();
            Thread.sleep(50);
            assertTrue(waiter.isAlive(), "returned early: " + result.get());
            irq.signal(1);
            waiter.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(1L, result.get());
        }
    }

    @Test
    void awaitAnswersInterruption() throws Exception {
        try (EventFdInterrupt irq = EventFdInterrupt.create(1)) {
            AtomicReference<Object> result = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    result.set(irq.await(1, TimeUnit.HOURS));
                } catch (Exception e) {
                    result.set(e);
                }
            });
            waiter.start();
            Thread.sleep(20);
            waiter.interrupt();
            waiter.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(waiter.isAlive(), "an interrupted waiter must return within one wait slice");
            assertTrue(result.get() instanceof InterruptedException, String.valueOf(result.get()));
        }
    }

    @Test
    void useAfterCloseThrows() throws IOException {
        EventFdInterrupt irq = EventFdInterrupt.create(0);
        irq.close();
        irq.close();
        assertFalse(irq.isOpen());
        assertThrows(IllegalStateException.class, irq::poll);
        assertThrows(IllegalStateException.class, irq::fd);
        assertThrows(IllegalStateException.class, () -> irq.signal(1));
        assertThrows(IllegalArgumentException.class, () -> EventFdInterrupt.create(-1));
    }
}
