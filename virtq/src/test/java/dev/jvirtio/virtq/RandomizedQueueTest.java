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
 * Random operation sequences (add random chain shapes, kick, device pops, device completes a random subset
 * in random order, driver reclaims, occasional reset with chains in flight) checked against a small
 * reference model after every step.
 *
 * <p>Resets happen only in the first fifth of the run; then the queue is drained and fast-forwarded by
 * 65,000 single-buffer round trips so the random tail crosses the 16-bit index wrap (split) and many ring
 * laps (packed). Replay a failure with {@code -Djvirtio.test.seed=<seed printed in the output>}; run longer
 * with {@code -Djvirtio.test.iterations=<n>} (default 100000 random operations per ring type).
 */
class RandomizedQueueTest {
    private static final int DEFAULT_ITERATIONS = 100_000;
    private static final int FAST_FORWARD = 65_000;

    /** What the model knows about one chain committed by the driver. */
    private record Chain(long token, int id, int buffers, long writable, int slots) {
    }

    @ParameterizedTest
    @EnumSource(Rig.Kind.class)
    void randomOperationSequencesMatchTheModel(Rig.Kind kind) throws Exception {
        String prop = System.getProperty("jvirtio.test.seed");
        long seed = prop != null ? Long.decode(prop) : new SplittableRandom().nextLong();
        int iterations = Integer.getInteger("jvirtio.test.iterations", DEFAULT_ITERATIONS);
        System.out.println("RandomizedQueueTest[" + kind + "] seed=" + seed + " iterations=" + iterations
                + "  (replay: -Djvirtio.test.seed=" + seed + ")");
        try {
            new Model(kind, seed).run(iterations);
        } catch (Throwable t) {
            throw new AssertionError("failed with seed " + seed + " (replay: -Djvirtio.test.seed=" + seed + ")", t);
        }
    }

    private static final class Model {
        final Rig.Kind kind;
        final SplittableRandom rnd;
        final int size;
        final int entries;
        final int threshold;
        final long features;
        final Map<Long, Chain> inFlight = new HashMap<>();   // committed, not yet polled (by token)
        final Map<Integer, Chain> byId = new HashMap<>();     // same, by head / buffer id
        final Set<Long> published = new HashSet<>();          // committed and published, not yet popped
        final List<Chain> pending = new ArrayList<>();        // committed, not yet published
        final List<Chain> popped = new ArrayList<>();         // popped by the device, not pushed
        final Map<Long, Long> completedLen = new HashMap<>(); // pushed and published: token -> len
        long nextToken;
        long completionsSinceReset;
        int held;
        Rig r;

        Model(Rig.Kind kind, long seed) {
            this.kind = kind;
            this.rnd = new SplittableRandom(seed ^ (kind.ordinal() * 0x9E3779B97F4A7C15L));
            this.size = kind == Rig.Kind.SPLIT ? 1 << rnd.nextInt(0, 5) : rnd.nextInt(1, 13);
            boolean indirect = rnd.nextBoolean() && size >= 2;
            this.entries = indirect ? rnd.nextInt(2, size + 1) : 0;
            this.threshold = rnd.nextInt(1, 5);
            this.features = (indirect ? RingFeatures.INDIRECT_DESC : 0) | (rnd.nextBoolean() ? RingFeatures.EVENT_IDX : 0)
                    | (rnd.nextBoolean() ? RingFeatures.NOTIFICATION_DATA : 0);
        }

        void run(int iterations) throws Exception {
            VirtqueueConfig cfg = VirtqueueConfig.of(1, size).withFeatures(features).withIndirect(entries)
                    .withIndirectThreshold(threshold);
            System.out.println("  size=" + size + " indirectEntries=" + entries + " threshold=" + threshold
                    + " features=0x" + Long.toHexString(features));
            int resetWindow = iterations / 5;
            try (Rig rig = new Rig(kind, cfg)) {
                r = rig;
                for (int it = 0; it < iterations; it++) {
                    if (it == resetWindow) {
                        drain();
                        fastForward();
                    }
                    int op = rnd.nextInt(100);
                    if (op < 40) {
                        add();
                    } else if (op < 50) {
                        kick();
                    } else if (op < 70) {
                        pop();
                    } else if (op < 85) {
                        complete(false);
                    } else if (op < 99 || it >= resetWindow) {
                        reclaim();
                    } else {
                        reset();
                    }
                    checkInvariants();
                }
                drain();
                System.out.println("  completions since the last reset: " + completionsSinceReset);
                assertTrue(completionsSinceReset > 65_536, "indices must have wrapped: " + completionsSinceReset);
            }
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
                return;
            }
            assertTrue(id >= 0 && id < size, "id " + id);
            assertFalse(byId.containsKey(id), "id " + id + " handed out twice");
            Chain c = new Chain(token, id, n, writable, slots);
            inFlight.put(token, c);
            byId.put(id, c);
            pending.add(c);
            held += slots;
        }

        void kick() {
            boolean rang = r.q.kick();
            if (!pending.isEmpty() && !rang && (features & RingFeatures.EVENT_IDX) == 0) {
                fail("the device never disables notifications here, so a non-empty publish must notify");
            }
            for (Chain c : pending) {
                published.add(c.token);
            }
            pending.clear();
        }

        void pop() {
            for (DeviceChain dc; (dc = r.dev.pop()) != null; ) {
                Chain c = byId.get(dc.id());
                assertNotNull(c, "device popped unknown id " + dc.id());
                assertTrue(published.remove(c.token), "device saw an unpublished chain " + c);
                assertEquals(c.buffers, dc.count());
                assertEquals(c.writable, dc.writableLength());
                popped.add(c);
            }
        }

        void complete(boolean all) {
            int k = all ? popped.size() : popped.isEmpty() ? 0 : rnd.nextInt(popped.size() + 1);
            List<Chain> done = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Chain c = popped.remove(rnd.nextInt(popped.size()));
                long len = c.writable == 0 ? 0 : rnd.nextLong(c.writable + 1);
                r.dev.push(c.id, len);
                done.add(c);
                completedLen.put(c.token, len);
            }
            r.dev.publishUsed();
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
                completionsSinceReset++;
            }
            assertTrue(completedLen.isEmpty(), "published completions not seen: " + completedLen.keySet());
        }

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
            completionsSinceReset = 0;
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

        /** Single-buffer round trips straight through the API, to reach the index wrap quickly. */
        void fastForward() {
            for (int i = 0; i < FAST_FORWARD; i++) {
                long token = nextToken++;
                assertTrue(r.q.begin().writable(r.data, 0, 8).commit(token) >= 0);
                r.q.publish();
                DeviceChain dc = r.dev.pop();
                r.dev.push(dc.id(), 8);
                r.dev.publishUsed();
                assertEquals(token, r.q.poll());
                completionsSinceReset++;
            }
        }

        void checkInvariants() {
            assertEquals(inFlight.size(), r.q.inFlight());
            assertEquals(size, r.q.freeDescriptors() + held, "free + held == size");
            assertEquals(popped.size(), r.dev.inFlight());
        }
    }
}
