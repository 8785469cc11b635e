package dev.jvirtio.admin;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Drives the codec the way the engine will: encode into a buffer, let a "device" write bytes into the
 * device-writable buffer, decode with a used length. Buffers are pre-filled with junk to catch missing zeroing.
 */
public final class Wirebench {
    public static final byte JUNK = (byte) 0xa5;

    private Wirebench() {
    }

    /** The device-readable bytes the codec produces for {@code cmd} (buffer pre-filled with junk). */
    public static byte[] request(AdminCodec codec, AdminCommand<?> cmd) {
        byte[] buf = new byte[AdminCodec.requestLength(cmd) + 16];
        Arrays.fill(buf, JUNK);
        MemorySegment seg = MemorySegment.ofArray(buf);
        int n = codec.encodeRequest(cmd, seg, 8);
        assert n == AdminCodec.requestLength(cmd);
        return Arrays.copyOfRange(buf, 8, 8 + n);
    }

    public static byte[] request(AdminCommand<?> cmd) {
        return request(new AdminCodec(), cmd);
    }

    /**
     * Completes {@code cmd} as if the device wrote {@code written} into the start of the device-writable buffer
     * (the rest keeps junk from an earlier command) and reported {@code usedLength}.
     */
    public static <R> R complete(AdminCommand<R> cmd, byte[] written, long usedLength) {
        int len = AdminCodec.responseLength(cmd);
        byte[] buf = new byte[len + 8];
        Arrays.fill(buf, JUNK);
        System.arraycopy(written, 0, buf, 4, Math.min(written.length, len));
        MemorySegment seg = MemorySegment.ofArray(buf);
        return new AdminCodec().decodeResponse(cmd, seg, 4, usedLength);
    }

    /** Completes with status OK and {@code result} as command_specific_result, used length = 8 + result. */
    public static <R> R ok(AdminCommand<R> cmd, byte[] result) {
        byte[] w = LeBytes.le().u16(0).u16(0).zeros(4).raw(result).bytes();
        return complete(cmd, w, w.length);
    }

    public static MemorySegment segment(byte[] b) {
        MemorySegment s = MemorySegment.ofArray(new byte[b.length]);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }
}
