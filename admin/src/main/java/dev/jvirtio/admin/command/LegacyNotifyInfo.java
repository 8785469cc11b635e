package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * VIRTIO_ADMIN_CMD_LEGACY_NOTIFY_INFO (0x6): where to write legacy queue notifications for a VF. No data.
 * Result: 4 entries of 16 bytes ({@code flags} u8, {@code bar} u8, 6 padding bytes, {@code offset} le64);
 * flags 0 ends the list.
 *
 * <p>Decoding applies the driver rules: entries after the end marker are ignored, and entries with reserved
 * flags, a BAR outside 1..5 or an odd offset are dropped and counted in
 * {@link Result#ignoredEntries()}. Whether an offset lies inside its BAR can only be checked against the BAR
 * sizes, which the caller knows.
 *
 * @param vf the member
 */
public record LegacyNotifyInfo(VfNumber vf) implements AdminCommand<LegacyNotifyInfo.Result> {
    /** Number of entries in the result. */
    public static final int ENTRIES = 4;
    /** Size of one entry. */
    public static final int ENTRY_SIZE = 16;

    /** Validates the argument. */
    public LegacyNotifyInfo {
        if (vf == null) {
            throw new NullPointerException("vf");
        }
    }

    /** Whose BAR a notification address lies in. */
    public enum Region {
        /** flags 0x1: a BAR of the owner device (the PF). */
        OWNER_DEVICE,
        /** flags 0x2: a VF BAR of the member device, from the SR-IOV capability. */
        MEMBER_DEVICE
    }

    /**
     * One notification address: write a 16-bit little-endian queue index there to notify.
     *
     * @param region whose BAR
     * @param bar    BAR number, 1..5
     * @param offset byte offset in the BAR, even
     */
    public record Entry(Region region, int bar, long offset) {
        /** Validates the ranges. */
        public Entry {
            if (region == null) {
                throw new NullPointerException("region");
            }
            if (bar < 1 || bar > 5) {
                throw new IllegalArgumentException("notify BAR must be 1..5, got " + bar);
            }
            if ((offset & 1) != 0) {
                throw new IllegalArgumentException("notify offset must be 2-byte aligned, got " + offset);
            }
        }
    }

    /**
     * The decoded result.
     *
     * @param entries        the valid entries in the device's order of preference
     * @param ignoredEntries entries before the end marker that broke the rules and were dropped
     */
    public record Result(List<Entry> entries, int ignoredEntries) {
        /** Copies the list. */
        public Result {
            entries = List.copyOf(entries);
        }
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.LEGACY_NOTIFY_INFO;
    }

    @Override
    public GroupType groupType() {
        return GroupType.SR_IOV;
    }

    @Override
    public long memberId() {
        return vf.memberId();
    }

    @Override
    public int dataLength() {
        return 0;
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
    }

    @Override
    public int resultCapacity() {
        return ENTRIES * ENTRY_SIZE;
    }

    @Override
    public Result decodeResult(MemorySegment r, int resultLength) {
        List<Entry> valid = new ArrayList<>(ENTRIES);
        int ignored = 0;
        for (int i = 0; i < ENTRIES; i++) {
            long at = (long) i * ENTRY_SIZE;
            int flags = Wire.u8(r, at);
            if (flags == 0) {
                break;
            }
            int bar = Wire.u8(r, at + 1);
            long offset = Wire.u64(r, at + 8);
            Region region = flags == 1 ? Region.OWNER_DEVICE : flags == 2 ? Region.MEMBER_DEVICE : null;
            if (region == null || bar < 1 || bar > 5 || (offset & 1) != 0) {
                ignored++;
            } else {
                valid.add(new Entry(region, bar, offset));
            }
        }
        return new Result(valid, ignored);
    }
}
