package dev.jvirtio.admin.engine;

import dev.jvirtio.admin.AdminCommand;
import java.lang.foreign.MemorySegment;

/**
 * Sees every admin command as it goes onto the ring and as it comes back, byte for byte: the
 * device-readable part (header and data) and the device-writable part (status block and result, up
 * to the used length). {@code virtio-cli --trace} prints these as hex.
 *
 * <p>Called on the submitting and the completing thread; the segments are only valid during the call.
 */
public interface AdminTracer {
    /** A command is about to be made available; {@code request} is exactly what the device will read. */
    void submitted(int queueIndex, AdminCommand<?> command, MemorySegment request);

    /** A command completed; {@code response} holds the {@code usedLength} bytes the device wrote. */
    void completed(int queueIndex, AdminCommand<?> command, MemorySegment response, int usedLength, long latencyNanos);
}
