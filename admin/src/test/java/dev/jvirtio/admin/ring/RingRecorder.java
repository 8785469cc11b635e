package dev.jvirtio.admin.ring;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.engine.AdminTracer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link AdminTracer} that keeps a copy of every command's device-readable bytes and of the bytes the
 * device wrote (up to the used length), pairing the two by command instance. Thread-safe: with a device
 * thread, submission and completion may be seen from different threads.
 */
final class RingRecorder implements AdminTracer {

    /**
     * One command as it crossed the ring.
     *
     * @param queue        admin queue index
     * @param command      the command instance
     * @param request      the device-readable part, exactly as posted
     * @param response     the device-writable part, the first {@code usedLength} bytes
     * @param usedLength   the used length the device reported
     * @param latencyNanos submit-to-completion time the engine measured
     */
    record Exchange(int queue, AdminCommand<?> command, byte[] request, byte[] response, int usedLength,
            long latencyNanos) {
        String requestHex() {
            return LeBytes.hex(request);
        }

        String responseHex() {
            return LeBytes.hex(response);
        }
    }

    private final Map<AdminCommand<?>, Deque<byte[]>> pending = new IdentityHashMap<>();
    private final List<Exchange> done = new ArrayList<>();
    private int submissions;

    @Override
    public synchronized void submitted(int queueIndex, AdminCommand<?> command, MemorySegment request) {
        submissions++;
        pending.computeIfAbsent(command, k -> new ArrayDeque<>()).add(request.toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public synchronized void completed(int queueIndex, AdminCommand<?> command, MemorySegment response,
            int usedLength, long latencyNanos) {
        Deque<byte[]> q = pending.get(command);
        byte[] req = q == null ? null : q.poll();
        if (req == null) {
            throw new AssertionError("completion of " + command + " that was never submitted");
        }
        int n = (int) Math.min(Math.max(usedLength, 0), response.byteSize());
        done.add(new Exchange(queueIndex, command, req, response.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE),
                usedLength, latencyNanos));
    }

    /** Completed exchanges, oldest first. */
    synchronized List<Exchange> exchanges() {
        return List.copyOf(done);
    }

    /** The most recent completed exchange. */
    synchronized Exchange last() {
        if (done.isEmpty()) {
            throw new AssertionError("no command completed on the ring");
        }
        return done.get(done.size() - 1);
    }

    /** Commands put on the ring so far (completed or not). */
    synchronized int submissions() {
        return submissions;
    }

    /** Forgets everything recorded so far. */
    synchronized void clear() {
        pending.clear();
        done.clear();
        submissions = 0;
    }
}
