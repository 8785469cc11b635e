package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.OpcodeSet;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_LIST_QUERY (0x0): which commands the device supports for a group type. No data; the
 * member id is unused (0). Result: the opcode bitmap.
 *
 * @param groupType      the group type asked about
 * @param resultCapacity bytes of bitmap to accept, a positive multiple of 8 ({@value #DEFAULT_CAPACITY}
 *                       covers opcodes 0..511)
 */
public record ListQuery(GroupType groupType, int resultCapacity) implements AdminCommand<OpcodeSet> {
    /** Default result buffer: 8 words. */
    public static final int DEFAULT_CAPACITY = 64;

    /** Validates the capacity. */
    public ListQuery {
        if (groupType == null) {
            throw new NullPointerException("groupType");
        }
        if (resultCapacity < 8 || resultCapacity % 8 != 0 || resultCapacity > 8192) {
            throw new IllegalArgumentException("LIST_QUERY capacity must be a multiple of 8 in 8..8192, got "
                    + resultCapacity);
        }
    }

    /** A query with the default capacity. */
    public ListQuery(GroupType groupType) {
        this(groupType, DEFAULT_CAPACITY);
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.LIST_QUERY;
    }

    @Override
    public long memberId() {
        return 0;
    }

    @Override
    public int dataLength() {
        return 0;
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
    }

    @Override
    public OpcodeSet decodeResult(MemorySegment result, int resultLength) {
        return OpcodeSet.decode(result, 0, resultLength);
    }
}
