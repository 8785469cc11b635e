package dev.jvirtio.admin;

import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * Frames {@link AdminCommand}s into {@code struct virtio_admin_cmd} and unframes completions.
 *
 * <p>Device-readable part: {@code opcode} le16 at 0, {@code group_type} le16 at 2, 12 reserved zero bytes,
 * {@code group_member_id} le64 at 16, {@code command_specific_data} at 24. Device-writable part:
 * {@code status} le16 at 0, {@code status_qualifier} le16 at 2, 4 reserved bytes, {@code command_specific_result}
 * at 8. Both parts are padded to multiples of 8 bytes.
 *
 * <p>The codec holds no mutable state and is safe to share. The engine's hot path
 * ({@link #encodeRequest}, {@link #statusWord}, {@link #isOk}) allocates nothing for a pre-built command:
 * <pre>{@code
 * AdminCodec codec = new AdminCodec();                       // 1.4 opcode-table numbering
 * int reqLen = codec.encodeRequest(cmd, req, 0);             // device-readable buffer
 * int respLen = AdminCodec.responseLength(cmd);              // device-writable buffer to post
 * // ... device completes with usedLen ...
 * R result = codec.decodeResponse(cmd, resp, 0, usedLen);    // throws AdminCommandException unless OK
 * }</pre>
 */
public final class AdminCodec {
    /** Size of the device-readable header before {@code command_specific_data}. */
    public static final int HEADER_LENGTH = 24;
    /** Size of the device-writable status block before {@code command_specific_result}. */
    public static final int STATUS_LENGTH = 8;

    static final int OFF_OPCODE = 0;
    static final int OFF_GROUP_TYPE = 2;
    static final int OFF_MEMBER_ID = 16;
    static final int OFF_STATUS = 0;
    static final int OFF_QUALIFIER = 2;

    /** Passed to decoders of commands without a result, so decoding them never allocates a slice. */
    private static final MemorySegment NO_RESULT = MemorySegment.ofArray(new byte[0]);

    private final OpcodeNumbering numbering;

    /** A codec using {@link OpcodeNumbering#DEFAULT}. */
    public AdminCodec() {
        this(OpcodeNumbering.DEFAULT);
    }

    /** A codec using the given numbering for the two ambiguous resource-object opcodes. */
    public AdminCodec(OpcodeNumbering numbering) {
        if (numbering == null) {
            throw new NullPointerException("numbering");
        }
        this.numbering = numbering;
    }

    /** The opcode numbering in use. */
    public OpcodeNumbering numbering() {
        return numbering;
    }

    /** Length of the device-readable part for {@code cmd}: header plus data, padded. */
    public static int requestLength(AdminCommand<?> cmd) {
        int data = checkedLength(cmd.dataLength(), "dataLength", cmd);
        return Math.addExact(HEADER_LENGTH, cmd.padded() ? Wire.align8(data) : data);
    }

    /** Length of the device-writable part to post for {@code cmd}: status block plus result capacity, padded. */
    public static int responseLength(AdminCommand<?> cmd) {
        int cap = checkedLength(cmd.resultCapacity(), "resultCapacity", cmd);
        return Math.addExact(STATUS_LENGTH, cmd.padded() ? Wire.align8(cap) : cap);
    }

    private static int checkedLength(int n, String what, AdminCommand<?> cmd) {
        // Leave room for the header and the padding so the sums above cannot overflow.
        if (n < 0 || n > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException(cmd.opcode().name() + " reported " + what + " " + n);
        }
        return n;
    }

    /**
     * Writes the device-readable part of {@code cmd} at {@code offset} in {@code dst}: header, data, zeroed
     * reserved bytes and padding. Allocation-free.
     *
     * @return the number of bytes written, {@link #requestLength(AdminCommand)}
     * @throws IllegalArgumentException if {@code dst} has no room for the whole part
     */
    public int encodeRequest(AdminCommand<?> cmd, MemorySegment dst, long offset) {
        int len = requestLength(cmd);
        if (offset < 0 || dst.byteSize() - offset < len) {
            throw new IllegalArgumentException(cmd.opcode().name() + " needs " + len
                    + " bytes at offset " + offset + " but the buffer holds " + dst.byteSize());
        }
        // Zero everything first: reserved1, the data area (so encoders skip reserved fields) and the padding.
        Wire.zero(dst, offset, len);
        Wire.putU16(dst, offset + OFF_OPCODE, numbering.wireCode(cmd.opcode()));
        Wire.putU16(dst, offset + OFF_GROUP_TYPE, cmd.groupType().id());
        Wire.putU64(dst, offset + OFF_MEMBER_ID, cmd.memberId());
        cmd.encodeData(dst, offset + HEADER_LENGTH);
        return len;
    }

    /**
     * Reads status and qualifier from a completed device-writable part without allocating.
     *
     * @param usedLength the used length the device reported for the buffer
     * @return {@code status | qualifier << 16}; take it apart with {@link #status(int)} and {@link #qualifier(int)}
     * @throws AdminProtocolException if the used length does not even cover status and qualifier, which the
     *                                device must always write
     */
    public static int statusWord(MemorySegment resp, long offset, long usedLength) {
        if (usedLength < 4) {
            throw new AdminProtocolException("device reported used length " + usedLength
                    + ", too short to hold status and status_qualifier (4 bytes)");
        }
        return Wire.u16(resp, offset + OFF_STATUS) | (Wire.u16(resp, offset + OFF_QUALIFIER) << 16);
    }

    /** The raw status in a status word. */
    public static int status(int statusWord) {
        return statusWord & 0xffff;
    }

    /** The raw qualifier in a status word. */
    public static int qualifier(int statusWord) {
        return statusWord >>> 16;
    }

    /** True when the status word says OK. */
    public static boolean isOk(int statusWord) {
        return (statusWord & 0xffff) == 0;
    }

    /** The exception describing a failed status word for {@code cmd}. */
    public static AdminCommandException failure(AdminCommand<?> cmd, int statusWord) {
        return new AdminCommandException(cmd.opcode(), cmd.groupType(), cmd.memberId(), status(statusWord),
                qualifier(statusWord));
    }

    /**
     * Completes {@code cmd}: checks the used length and the status, clears everything past the used length
     * (the spec says bytes the device did not write read as zero), and decodes the result.
     *
     * @param resp       the device-writable buffer of {@link #responseLength(AdminCommand)} bytes at {@code offset}
     * @param usedLength the used length reported for the buffer
     * @throws AdminCommandException  if the status is not OK
     * @throws AdminProtocolException if the used length is impossible or the result is malformed
     */
    public <R> R decodeResponse(AdminCommand<R> cmd, MemorySegment resp, long offset, long usedLength) {
        int len = responseLength(cmd);
        if (offset < 0 || resp.byteSize() - offset < len) {
            throw new IllegalArgumentException(cmd.opcode().name() + " response needs " + len
                    + " bytes at offset " + offset + " but the buffer holds " + resp.byteSize());
        }
        if (usedLength > len) {
            throw new AdminProtocolException(cmd.opcode().name() + ": device reported used length " + usedLength
                    + " for a " + len + "-byte device-writable buffer");
        }
        int word = statusWord(resp, offset, usedLength);
        if (!isOk(word)) {
            throw failure(cmd, word);
        }
        Wire.zero(resp, offset + usedLength, len - usedLength);
        int resultLength = (int) Math.max(0, usedLength - STATUS_LENGTH);
        if (len == STATUS_LENGTH) {
            return cmd.decodeResult(NO_RESULT, 0);
        }
        return cmd.decodeResult(resp.asSlice(offset + STATUS_LENGTH, len - STATUS_LENGTH), resultLength);
    }
}
