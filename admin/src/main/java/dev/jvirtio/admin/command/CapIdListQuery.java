package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.cap.CapabilityIdSet;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_CAP_ID_LIST_QUERY (0x7, self group): which capability ids the device supports. No data.
 * Result: the capability id bitmap.
 *
 * @param resultCapacity bytes of bitmap to accept, a positive multiple of 8 ({@value #DEFAULT_CAPACITY}
 *                       covers every generic and device-type-specific id, 0..0xfff)
 */
public record CapIdListQuery(int resultCapacity) implements AdminCommand<CapabilityIdSet> {
    /** Default result buffer: 64 words. */
    public static final int DEFAULT_CAPACITY = 512;

    /** Validates the capacity. */
    public CapIdListQuery {
        if (resultCapacity < 8 || resultCapacity % 8 != 0 || resultCapacity > 8192) {
            throw new IllegalArgumentException("CAP_ID_LIST_QUERY capacity must be a multiple of 8 in 8..8192, got "
                    + resultCapacity);
        }
    }

    /** A query with the default capacity. */
    public CapIdListQuery() {
        this(DEFAULT_CAPACITY);
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.CAP_ID_LIST_QUERY;
    }

    @Override
    public GroupType groupType() {
        return GroupType.SELF;
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
    public CapabilityIdSet decodeResult(MemorySegment result, int resultLength) {
        return CapabilityIdSet.decode(result, 0, resultLength);
    }
}
