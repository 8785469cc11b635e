package dev.jvirtio.admin.ring;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupType;
import java.lang.foreign.MemorySegment;

/**
 * A command with whatever wire opcode, group, member and data bytes the test wants, for what the typed API
 * rightly refuses to build (a self-group command with a member, an opcode on the wrong group, an opcode
 * that is not enabled). It is sent through {@link dev.jvirtio.admin.engine.AdminQueue} directly, past the
 * client's local opcode gate.
 *
 * <p>The opcode is named {@code RAW_0x....} so that no {@link dev.jvirtio.admin.OpcodeNumbering} remaps it:
 * the code given is the code on the wire.
 *
 * @param opcode   the wire opcode
 * @param group    the group type
 * @param member   the group_member_id
 * @param data     command_specific_data
 * @param capacity result buffer size
 * @param padded   whether the codec pads both parts to 8 bytes (false for legacy accesses, whose width is
 *                 the data or result length)
 */
record RawCommand(AdminOpcode opcode, GroupType group, long member, Bytes data, int capacity, boolean padded)
        implements AdminCommand<Bytes> {

    /** A padded raw command. */
    static RawCommand of(int wireOpcode, GroupType group, long member, String hexData, int capacity) {
        return new RawCommand(opcode(wireOpcode), group, member, Bytes.ofHex(hexData), capacity, true);
    }

    /** An unpadded raw command: the device sees exactly {@code hexData} and a result buffer of {@code capacity}. */
    static RawCommand unpadded(int wireOpcode, GroupType group, long member, String hexData, int capacity) {
        return new RawCommand(opcode(wireOpcode), group, member, Bytes.ofHex(hexData), capacity, false);
    }

    private static AdminOpcode opcode(int wireOpcode) {
        return new AdminOpcode(wireOpcode, String.format("RAW_0x%04x", wireOpcode));
    }

    @Override
    public GroupType groupType() {
        return group;
    }

    @Override
    public long memberId() {
        return member;
    }

    @Override
    public int dataLength() {
        return data.length();
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        data.copyTo(dst, offset);
    }

    @Override
    public int resultCapacity() {
        return capacity;
    }

    @Override
    public Bytes decodeResult(MemorySegment result, int resultLength) {
        return Bytes.copyOf(result, 0, resultLength);
    }
}
