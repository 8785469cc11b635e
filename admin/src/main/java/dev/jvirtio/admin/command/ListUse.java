package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.OpcodeSet;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_LIST_USE (0x1): the commands the driver will use for a group type. Data: the opcode
 * bitmap. No result. Must not be sent while any other command is outstanding, and may only name opcodes the
 * LIST_QUERY reported (mask it: {@code supported.mask(wanted)}).
 *
 * @param groupType the group type
 * @param opcodes   the opcodes to enable
 */
public record ListUse(GroupType groupType, OpcodeSet opcodes) implements AdminCommand<Void> {
    /** Validates the arguments. */
    public ListUse {
        if (groupType == null || opcodes == null) {
            throw new NullPointerException("groupType and opcodes are required");
        }
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.LIST_USE;
    }

    @Override
    public long memberId() {
        return 0;
    }

    @Override
    public int dataLength() {
        return opcodes.encodedLength();
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        opcodes.encode(dst, offset);
    }

    @Override
    public int resultCapacity() {
        return 0;
    }

    @Override
    public Void decodeResult(MemorySegment result, int resultLength) {
        return null;
    }
}
