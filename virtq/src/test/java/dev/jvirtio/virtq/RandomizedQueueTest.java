package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.virtq.device.DeviceChain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random operation sequences checked against a small reference model after every step: the driver adds
 * random chain shapes, kicks, reclaims, and turns used-buffer notifications on and off; the device pops,
 * completes a random subset in random order, and turns available-buffer notifications on and off; both
 * sides are occasionally reset with chains in flight.
 *
 * <p>Each test runs {@value #DEFAULT_SUBMODELS} sub-models per ring format, each with its own random
 * queue size, indirect-table size, threshold and features (INDIRECT_DESC, EVENT_IDX, NOTIFICATION_DATA),
 * all derived from one printed seed. Besides the bookkeeping (tokens, ids, lengths, free descriptors, in
 * flight on both sides, the lock-free hints) the model predicts every notification decision: without
 * EVENT_IDX from the flags the other side last wrote; with EVENT_IDX from {@link EventIdx#needsEvent} over
 * the model's own indices (split: the spec's 16-bit rule; packed: whenever the event position is within
 * one lap of the ring, where its 15-bit offset and wrap bit name it unambiguously), and the doorbell value.
 *
 * <p>Resets happen only in the first fifth of a run. Then the split queue is drained and fast-forwarded
 * with single-buffer round trips until its free-running 16-bit indices are {@value #WRAP_MARGIN} below
 * the wrap, so that random traffic crosses it; the run goes on past the requested number of operations
 * until it is as far past the wrap (packed: until the ring wrapped twice). (Packed positions wrap every queue-size slots, which every run crosses many
 * times.)
 *
 * <p>Replay everything with {@code -Djvirtio.test.seed=<seed>}; replay one sub-model with its own printed
 * seed and {@code -Djvirtio.test.submodels=1}. Tune with {@code -Djvirtio.test.iterations=<n>} (random
 * operations per sub-model, default {@value #DEFAULT_ITERATIONS}) and {@code -Djvirtio.test.submodels=<n>}.
 */
class RandomizedQueueTest {
    private static final int DEFAULT_ITERATIONS = 50_000;
    private static final int DEFAULT_SUBMODELS = 16;
    /** Distance below the 16-bit wrap the split fast-forward stops at. */
    private static final int WRAP_MARGIN = 100;
    /** Sub-model i of seed s runs with seed s + i * GOLDEN, so sub-model 0 of that seed is itself. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final int NOTIFY_ID = 1;

    /** What the model knows about one chain committed by the driver; {@code slots} is its ring footprint. */
    private record Chain(long token, int id, int buffers, long writable, int slots) {
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void randomOperationSequencesMatchTheModel(Rig.Kind kind) {
        String prop = System.getProperty("jvirtio.test.seed");
        long seed = prop != null ? Long.decode(prop) : new SplittableRandom().nextLong();
        int iterations = Integer.getInteger("jvirtio.test.iterations", DEFAULT_ITERATIONS);
        int submodels = Integer.getInteger("jvirtio.test.submodels", DEFAULT_SUBMODELS);
        System.out.println("RandomizedQueueTest[" + kind + "] seed=" + seed + " submodels=" + submodels
                + " iterations=" + iterations + "  (replay: -Djvirtio.test.seed=" + seed + ")");
        for (int i = 0; i < submodels; i++) {
            long subSeed = seed + i * GOLDEN;
            Model m = new Model(kind, subSeed);
            System.out.println("  [" + i + "] seed=" + subSeed + " " + m.describe());
            try {
                m.run(iterations);
            } catch (Throwable t) {
                throw new AssertionError("sub-model " + i + " (" + m.describe() + ") failed; replay it alone: "
                        + "-Djvirtio.test.seed=" + subSeed + " -Djvirtio.test.submodels=1 -Djvirtio.test.iterations="
                        + iterations, t);
            }
        }
    }

    private static final class Model {
        final Rig.Kind kind;
        final boolean split;
        final SplittableRandom rnd;
        final int size;
        final int entries;
        final int threshold;
        final long features;
        final boolean eventIdx;
        final boolean notificationData;

        final Map<Long, Chain> inFlight = new HashMap<>();   // committed, not yet polled (by token)
        final Map<Integer, Chain> byId = new HashMap<>();     // same, by head / buffer id
        final Set<Long> published = new HashSet<>();          // committed and published, not yet popped
        final List<Chain> pending = new ArrayList<>();        // committed, not yet published
        final List<Chain> popped = new ArrayList<>();         // popped by the device, not pushed
        final Map<Long, Long> completedLen = new HashMap<>(); // pushed and published: token -> len
        long nextToken;
        int held;
        Rig r;

        // Free-running counters since the last reset, in the ring's index unit: chains for split (avail idx
        // and used idx count chains), descriptor slots for packed (positions count slots).
        long committed;
        long publishedMark;
        long poppedUnits;
        long pushed;
        long usedPublishedMark;
        long polled;

        // What the device last wrote to steer available-buffer notifications.
        /** Split: avail_event (free-running). Packed: the event position of RING_EVENT_FLAGS_DESC. */
        long availEvent;
        /** Split without EVENT_IDX: VIRTQ_USED_F_NO_NOTIFY set. */
        boolean devNoNotify;
        /** Packed: device event flags (0 ENABLE, 1 DISABLE, 2 DESC). */
        int devFlags;
        /** The device wants kicks (it re-arms after popping, as a real device loop would). */
        boolean devWantsKicks = true;

        // What the driver last wrote to steer used-buffer notifications.
        boolean usedNotify;
        /** Split: used_event (free-running). Packed: the event position of RING_EVENT_FLAGS_DESC. */
        long usedEvent = -1;

        /** Notification decisions checked against the model, those of them decided by an event index, and skipped. */
        int checks;
        int eventChecks;
        int undecidable;

        Model(Rig.Kind kind, long seed) {
            this.kind = kind;
            this.split = kind == Rig.Kind.SPLIT;
            this.rnd = new SplittableRandom(seed ^ (kind.ordinal() * GOLDEN));
            this.size = split ? 1 << rnd.nextInt(0, 6) : rnd.nextInt(1, 20);
            boolean indirect = rnd.nextBoolean() && size >= 2;
            this.entries = indirect ? rnd.nextInt(2, size + 1) : 0;
            this.threshold = rnd.nextInt(1, 5);
            this.features = (indirect ? RingFeatures.INDIRECT_DESC : 0) | (rnd.nextBoolean() ? RingFeatures.EVENT_IDX : 0)
                    | (rnd.nextBoolean() ? RingFeatures.NOTIFICATION_DATA : 0);
            this.eventIdx = (features & RingFeatures.EVENT_IDX) != 0;
            this.notificationData = (features & RingFeatures.NOTIFICATION_DATA) != 0;
        }

        String describe() {
            return "size=" + size + " indirectEntries=" + entries + " threshold=" + threshold + " features=0x"
                    + Long.toHexString(features);
        }

        void run(int iterations) throws Exception {
            VirtqueueConfig cfg = VirtqueueConfig.of(NOTIFY_ID, size).withFeatures(features).withIndirect(entries)
                    .withIndirectThreshold(threshold);
            int resetWindow = iterations / 5;
            // Split: the free-running index to pass (set at the fast-forward). Packed: two laps of the ring.
            long wrapTarget = split ? Long.MAX_VALUE : 2L * size;
            try (Rig rig = new Rig(kind, cfg)) {
                r = rig;
                checkInvariants();
                int it = 0;
                // Past the requested count, keep going (without resets) until the indices crossed the wrap.
                while (it < iterations || committed <= wrapTarget) {
                    if (it == resetWindow) {
                        drain();
                        if (split) {
                            fastForward();
                            wrapTarget = (committed | 0xffff) + WRAP_MARGIN;   // as far past the wrap as before it
                        }
                    }
                    step(it >= resetWindow);
                    checkInvariants();
                    it++;
                    if (it > iterations + 1_000_000) {
                        fail("random traffic did not cross the wrap within a million extra operations");
                    }
                }
                drain();
                System.out.println("      " + it + " ops, " + polled + " completions since the last reset; "
                        + "notification decisions: " + checks + " checked (" + eventChecks + " by event index), "
                        + undecidable + " undecidable");
                assertTrue(polled > wrapTarget, "the indices must have crossed the wrap: " + polled + " <= " + wrapTarget);
            }
        }

        void step(boolean noResets) {
            int op = rnd.nextInt(100);
            if (op < 38) {
                add();
            } else if (op < 47) {
                kick();
            } else if (op < 64) {
                pop();
            } else if (op < 78) {
                complete(false);
            } else if (op < 91) {
                reclaim();
            } else if (op < 93) {
                enableUsed();
            } else if (op < 95) {
                disableUsed();
            } else if (op < 97) {
                deviceEnable();
            } else if (op < 98) {
                deviceDisable();
            } else if (noResets) {
                reclaim();
            } else {
                reset();
            }
        }

        int units(Chain c) {
            return split ? 1 : c.slots;
        }

        void add() {
            int n = rnd.nextInt(1, Math.min(size, 5) + 1);
            int readable = rnd.nextInt(n + 1);
            ChainBuilder b = r.q.begin();
            long writable = 0;
            for (int k = 0; k < n; k++) {
                long off = rnd.nextInt(0, 1 << 19);
                int len = rnd.nextInt(1, 4097);
                if (k < readable) {
                    b.readable(r.data, off, len);
                } else {
                    b.writable(r.data, off, len);
                    writable += len;
                }
            }
            int free = r.q.freeDescriptors();
            boolean goIndirect = entries > 0 && n > 1 && n <= entries && (n >= threshold || n > free);
            int slots = goIndirect ? 1 : n;
            long token = nextToken++;
            int id = b.commit(token);
            if (slots > free) {
                assertEquals(Virtqueue.NO_SPACE, id, "chain of " + slots + " slots with " + free + " free");
                assertEquals(n, b.count(), "NO_SPACE keeps the chain for a retry");
                return;
            }
            assertTrue(id >= 0 && id < size, "id " + id);
            assertFalse(byId.containsKey(id), "id " + id + " handed out twice");
            Chain c = new Chain(token, id, n, writable, slots);
            inFlight.put(token, c);
            byId.put(id, c);
            pending.add(c);
            held += slots;
            committed += units(c);
        }

        // ------------------------------------------------------------ available-buffer notifications

        /** Whether publishing what is pending must notify; null where the model cannot tell (see class doc). */
        Boolean expectAvailNotification() {
            if (committed == publishedMark) {
                return false;                         // nothing new: publish() never notifies
            }
            if (split) {
                if (eventIdx) {
                    eventChecks++;
                    return EventIdx.needsEvent((int) availEvent, (int) committed, (int) publishedMark);
                }
                return !devNoNotify;
            }
            if (devFlags == 1) {
                return false;
            }
            if (devFlags == 0) {
                return true;
            }
            return packedEvent(availEvent, publishedMark, committed);
        }

        /**
         * Packed RING_EVENT_FLAGS_DESC: notify iff the event position was made available (used) by this
         * batch, i.e. lies in [old, now) of the free-running slot count; decidable while the event is at most
         * one lap behind, which EventIdx.needsEvent over the in-lap offsets expresses.
         */
        Boolean packedEvent(long event, long old, long now) {
            if (now - event > size) {
                undecidable++;
                return null;
            }
            eventChecks++;
            long lapStart = now - now % size;
            return EventIdx.needsEvent((int) (event - lapStart), (int) (now - lapStart), (int) (old - lapStart));
        }

        int expectedDoorbellValue() {
            if (!notificationData) {
                return NOTIFY_ID;
            }
            if (split) {
                return NOTIFY_ID | (int) (committed & 0xffff) << 16;     // next_off:15 | next_wrap:1 = avail idx
            }
            boolean wrap = (committed / size) % 2 == 0;                  // the driver wrap counter starts at 1
            return NOTIFY_ID | (int) (committed % size) << 16 | (wrap ? 1 << 31 : 0);
        }

        void kick() {
            Boolean expected = expectAvailNotification();
            int ringsBefore = r.doorbellRings;
            boolean rang = r.q.kick();
            if (expected != null) {
                assertEquals(expected, rang, "available-buffer notification after publishing "
                        + publishedMark + ".." + committed + " with event " + availEvent + " flags " + devFlags);
                checks++;
            }
            assertEquals(rang ? ringsBefore + 1 : ringsBefore, r.doorbellRings, "the doorbell rings iff kick says so");
            if (rang) {
                assertEquals(expectedDoorbellValue(), r.lastDoorbellValue, "doorbell value");
            }
            publishedMark = committed;
            for (Chain c : pending) {
                published.add(c.token);
            }
            pending.clear();
        }

        void deviceEnable() {
            boolean pendingFound = r.dev.enableNotifications();
            assertEquals(!published.isEmpty(), pendingFound, "enableNotifications reports available chains");
            if (split) {
                if (eventIdx) {
                    availEvent = poppedUnits;
                } else {
                    devNoNotify = false;
                }
            } else if (eventIdx) {
                devFlags = 2;
                availEvent = poppedUnits;
            } else {
                devFlags = 0;
            }
            devWantsKicks = true;
        }

        void deviceDisable() {
            r.dev.disableNotifications();
            if (split) {
                if (!eventIdx) {
                    devNoNotify = true;
                }
                // With EVENT_IDX avail_event just stays behind (2.7.10).
            } else {
                devFlags = 1;
            }
            devWantsKicks = false;
        }

        void pop() {
            for (DeviceChain dc; (dc = r.dev.pop()) != null; ) {
                Chain c = byId.get(dc.id());
                assertNotNull(c, "device popped unknown id " + dc.id());
                assertTrue(published.remove(c.token), "device saw an unpublished chain " + c);
                assertEquals(c.buffers, dc.count());
                assertEquals(c.writable, dc.writableLength());
                popped.add(c);
                poppedUnits += units(c);
            }
            // A device that wants kicks re-arms after draining the ring (usually; sometimes it is late).
            if (devWantsKicks && rnd.nextInt(4) != 0) {
                deviceEnable();
            }
        }

        // ------------------------------------------------------------ used buffers and their notifications

        Boolean expectUsedNotification() {
            if (pushed == usedPublishedMark) {
                return false;
            }
            if (split) {
                if (eventIdx) {
                    eventChecks++;
                    return EventIdx.needsEvent((int) usedEvent, (int) pushed, (int) usedPublishedMark);
                }
                return usedNotify;
            }
            if (!usedNotify) {
                return false;                         // RING_EVENT_FLAGS_DISABLE
            }
            return eventIdx ? packedEvent(usedEvent, usedPublishedMark, pushed) : Boolean.TRUE;
        }

        void complete(boolean all) {
            int k = all ? popped.size() : popped.isEmpty() ? 0 : rnd.nextInt(popped.size() + 1);
            for (int i = 0; i < k; i++) {
                Chain c = popped.remove(rnd.nextInt(popped.size()));
                long len = c.writable == 0 ? 0 : rnd.nextLong(c.writable + 1);
                r.dev.push(c.id, len);
                completedLen.put(c.token, len);
                pushed += units(c);
            }
            publishUsed();
        }

        void publishUsed() {
            Boolean expected = expectUsedNotification();
            boolean irq = r.dev.publishUsed();
            if (expected != null) {
                assertEquals(expected, irq, "used-buffer notification after " + usedPublishedMark + ".." + pushed
                        + " with event " + usedEvent + " (enabled " + usedNotify + ")");
                checks++;
            }
            usedPublishedMark = pushed;
        }

        void reclaim() {
            for (long t; (t = r.q.poll()) != Virtqueue.NONE; ) {
                Long len = completedLen.remove(t);
                assertNotNull(len, "driver got token " + t + " the device did not complete");
                Chain c = inFlight.remove(t);
                assertEquals(c.id, r.q.lastUsedId());
                assertEquals(len.longValue(), Integer.toUnsignedLong(r.q.lastUsedLength()));
                byId.remove(c.id);
                held -= c.slots;
                polled += units(c);
                if (usedNotify && eventIdx) {
                    usedEvent = polled;                // poll() keeps asking for the next one
                }
            }
            assertTrue(completedLen.isEmpty(), "published completions not seen: " + completedLen.keySet());
        }

        void enableUsed() {
            boolean pendingFound = r.q.enableUsedNotifications();
            assertEquals(!completedLen.isEmpty(), pendingFound, "enableUsedNotifications reports pending completions");
            usedNotify = true;
            if (eventIdx) {
                usedEvent = polled;
            }
        }

        void disableUsed() {
            r.q.disableUsedNotifications();
            usedNotify = false;
            if (split && eventIdx) {
                usedEvent = polled - 1;                // "one lap away"
            }
        }

        // ------------------------------------------------------------ reset, drain, fast-forward

        void reset() {
            List<Long> abandoned = new ArrayList<>();
            int n = r.q.reset(abandoned::add);
            assertEquals(inFlight.size(), n);
            assertEquals(inFlight.keySet(), new HashSet<>(abandoned));
            assertEquals(abandoned.size(), new HashSet<>(abandoned).size(), "a token reported twice");
            r.dev.reset();
            inFlight.clear();
            byId.clear();
            published.clear();
            pending.clear();
            popped.clear();
            completedLen.clear();
            held = 0;
            committed = publishedMark = poppedUnits = pushed = usedPublishedMark = polled = 0;
            // The driver zeroed the rings: the device's suppression reads as "notify" (flags 0 / ENABLE,
            // avail_event 0); the driver keeps its own choice about used-buffer notifications.
            availEvent = 0;
            devNoNotify = false;
            devFlags = 0;
            devWantsKicks = true;
            usedEvent = usedNotify ? 0 : -1;
        }

        void drain() {
            kick();
            pop();
            complete(true);
            reclaim();
            checkInvariants();
            assertEquals(0, r.q.inFlight());
            assertEquals(size, r.q.freeDescriptors());
        }

        /** Single-buffer round trips straight through the API until the indices are just below the wrap. */
        void fastForward() {
            long steps = ((0x10000 - WRAP_MARGIN) - (committed & 0xffff)) & 0xffff;
            for (long i = 0; i < steps; i++) {
                long token = nextToken++;
                assertTrue(r.q.begin().writable(r.data, 0, 8).commit(token) >= 0);
                committed++;
                Boolean expected = expectAvailNotification();
                boolean kickWanted = r.q.publish();
                if (expected != null) {
                    assertEquals(expected, kickWanted, "publish at " + committed);
                    checks++;
                }
                publishedMark = committed;
                DeviceChain dc = r.dev.pop();
                r.dev.push(dc.id(), 8);
                poppedUnits++;
                pushed++;
                Boolean irqExpected = expectUsedNotification();
                boolean irq = r.dev.publishUsed();
                if (irqExpected != null) {
                    assertEquals(irqExpected, irq, "publishUsed at " + pushed);
                    checks++;
                }
                usedPublishedMark = pushed;
                assertEquals(token, r.q.poll());
                polled++;
                if (usedNotify && eventIdx) {
                    usedEvent = polled;
                }
            }
            assertEquals(0x10000 - WRAP_MARGIN, committed & 0xffff);
        }

        void checkInvariants() {
            assertEquals(inFlight.size(), r.q.inFlight());
            assertEquals(size, r.q.freeDescriptors() + held, "free + held == size");
            assertEquals(popped.size(), r.dev.inFlight());
            assertFalse(r.q.isBroken());
            assertFalse(r.dev.isBroken());
            // Single-threaded, the lock-free hints are exact.
            assertEquals(!completedLen.isEmpty(), r.q.hasUsed(), "driver hint hasUsed");
            assertEquals(!published.isEmpty(), r.dev.hasAvailable(), "device hint hasAvailable");
        }
    }
}
