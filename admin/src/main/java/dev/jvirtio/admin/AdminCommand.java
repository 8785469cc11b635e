package dev.jvirtio.admin;

import java.lang.foreign.MemorySegment;

/**
 * One group administration command: how to encode its {@code command_specific_data} and how to decode its
 * {@code command_specific_result}. This is the SPI every built-in command implements and the extension point
 * for vendor-specific or future opcodes: implement it and hand it to the engine; nothing else changes.
 *
 * <p>The {@link AdminCodec} owns the framing: it writes the 24-byte header ({@code opcode}, {@code group_type},
 * zero reserved bytes, {@code group_member_id}), zeroes the data area and the padding before calling
 * {@link #encodeData}, and pads both buffer parts to multiples of 8 bytes as the spec requires (unless
 * {@link #padded()} says otherwise). On completion it checks the status, clears every byte past the used length
 * and only then calls {@link #decodeResult}, so decoders may read fixed-layout fields directly: a field the
 * device did not write reads as zero, exactly as the spec mandates.
 *
 * <p>Implementations should be immutable records so a pre-built command can be resubmitted; encoding should not
 * allocate. Example of a vendor command with an 8-byte argument and a 4-byte result:
 * <pre>{@code
 * record AcmeGetCounter(VfNumber vf, long counterId) implements AdminCommand<Long> {
 *     static final AdminOpcode OP = AdminOpcode.custom(0x0100, "ACME_GET_COUNTER");
 *     public AdminOpcode opcode() { return OP; }
 *     public GroupType groupType() { return GroupType.SR_IOV; }
 *     public long memberId() { return vf.memberId(); }
 *     public int dataLength() { return 8; }
 *     public void encodeData(MemorySegment dst, long off) { dst.set(LE64, off, counterId); }
 *     public int resultCapacity() { return 4; }
 *     public Long decodeResult(MemorySegment r, int len) { return Integer.toUnsignedLong(r.get(LE32, 0)); }
 * }
 * }</pre>
 *
 * @param <R> the decoded result type; {@link Void} (decoded as {@code null}) for commands without a result
 */
public interface AdminCommand<R> {
    /** The opcode; the codec maps it to a wire value through its {@link OpcodeNumbering}. */
    AdminOpcode opcode();

    /** The {@code group_type} of the addressed group. */
    GroupType groupType();

    /** The {@code group_member_id}; 0 when the command does not address a member. */
    long memberId();

    /** The exact length of {@code command_specific_data} in bytes, before padding; may be 0. */
    int dataLength();

    /**
     * Writes exactly {@link #dataLength()} bytes of {@code command_specific_data} at {@code offset} in
     * {@code dst}. The codec has already zeroed that range, so reserved fields need no writes.
     *
     * <p>An offset instead of a slice keeps the hot path free of segment allocations.
     */
    void encodeData(MemorySegment dst, long offset);

    /** The size of the {@code command_specific_result} buffer to post, before padding; may be 0. */
    int resultCapacity();

    /**
     * Decodes {@code command_specific_result} of a command that completed with status OK.
     *
     * @param result       the result buffer, {@code resultCapacity()} bytes rounded up to the padding; every
     *                     byte at or past {@code resultLength} is zero
     * @param resultLength how many result bytes the device wrote (used length minus the 8-byte status block,
     *                     clamped to 0..capacity)
     * @throws AdminProtocolException if the written bytes contradict the result layout
     */
    R decodeResult(MemorySegment result, int resultLength);

    /**
     * Whether the codec pads both buffer parts to multiples of 8 bytes (the spec's rule, default true).
     *
     * <p>The legacy configuration access commands override this with {@code false}: for them the access width
     * is the length of the data (write) or of the result buffer (read), so padding would change the access
     * itself. Linux sends those commands unpadded and devices are built against it.
     */
    default boolean padded() {
        return true;
    }
}
