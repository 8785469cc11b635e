package dev.jvirtio.admin.command;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminOpcode;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_ADMIN_CMD_DEV_MODE_SET (0x11, SR-IOV): stop or resume a VF. Data: {@code flags} u8, bit 0 =
 * VIRTIO_ADMIN_CMD_DEV_MODE_F_STOPPED. No result. Idempotent both ways. A stopped device initiates no PCI
 * transactions (no DMA, no interrupts) until resumed; the spec has no other states.
 *
 * @param vf   the member
 * @param mode the mode to enter
 */
public record DevModeSet(VfNumber vf, Mode mode) implements AdminCommand<Void> {
    /** The device mode. */
    public enum Mode {
        /** flags 0: operate normally. */
        RUNNING,
        /** flags bit 0 set: stopped. */
        STOPPED
    }

    /** Validates the arguments. */
    public DevModeSet {
        if (vf == null || mode == null) {
            throw new NullPointerException("vf and mode are required");
        }
    }

    @Override
    public AdminOpcode opcode() {
        return AdminOpcode.DEV_MODE_SET;
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
        return 1;
    }

    @Override
    public void encodeData(MemorySegment dst, long offset) {
        Wire.putU8(dst, offset, mode == Mode.STOPPED ? 1 : 0);
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
