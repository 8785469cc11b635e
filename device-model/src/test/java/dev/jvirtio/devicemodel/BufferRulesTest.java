package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Short and long device-readable and device-writable parts, used length, padding, reserved bytes. */
class BufferRulesTest {

    @Test
    void resultIsTruncatedToTheWritablePart() {
        AdminCommandEngine e = net(2);
        R full = run(e, cmd(0x0, SRIOV, 0), 64).ok();
        assertEquals(16, full.used(), "8 status + 8 bitmap; nothing written beyond");
        R noRoom = run(e, cmd(0x0, SRIOV, 0), 8).ok();
        assertEquals(8, noRoom.used());
        R partial = run(e, cmd(0x0, SRIOV, 0), 12).ok();
        assertEquals(12, partial.used());
        assertEquals(full.u32(8), partial.u32(8));
    }

    @Test
    void statusBlockSmallerThanEightBytes() {
        AdminCommandEngine e = net(2);
        R r = run(e, cmd(0x99, SRIOV, 0), 4);
        assertEquals(4, r.used());
        assertEquals(EINVAL, r.status());
        assertEquals(Q_INVALID_OPCODE, r.qualifier());
        assertEquals(0, run(e, cmd(0x0, SRIOV, 0), 0).used());
    }

    @Test
    void shortInputReadsAsZeros() {
        AdminCommandEngine e = net(2);
        // only the opcode: group type reads 0 = self
        R r = run(e, w().u16(0x0).done(), 16).ok();
        assertEquals(ValidationAndListTest.NET_SELF_LIST, r.u64(8));
        // opcode + group type 1, member missing: LIST_QUERY does not use it
        assertEquals(ValidationAndListTest.NET_SRIOV_LIST,
                run(e, w().u16(0x0).u16(1).done(), 16).ok().u64(8));
        // empty input: LIST_QUERY on the self group
        run(e, new byte[0], 16).ok();
        // DEVICE_CAP_GET with no data: id 0 (device parts cap)
        useAll(e);
        R cap = run(e, cmd(0x8, SELF, 0), 16).ok();
        assertEquals(4, cap.u8(8));
    }

    @Test
    void excessInputIsIgnored() {
        AdminCommandEngine e = useAll(net(2));
        byte[] data = w().u16(0x0000).zeros(6).fill(40, 0xEE).done();
        R r = run(e, cmd(0x8, SELF, 0, data), 16).ok();
        assertArrayEquals(new byte[] {4, 4, 0, 0, 0, 0, 0, 0}, r.result());
    }

    @Test
    void paddingAndReservedAreZeroEvenInADirtyBuffer() {
        AdminCommandEngine e = useAll(net(2));
        R r = run(e, cmd(0x8, SELF, 0, w().u16(0).zeros(6).done()), 64).ok();
        assertEquals(16, r.used(), "2-byte capability padded to 8");
        assertArrayEquals(new byte[] {4, 4, 0, 0, 0, 0, 0, 0}, r.result());
        assertEquals(0, r.u32(4), "reserved2");
    }

    @Test
    void errorsWriteOnlyTheStatusBlock() {
        AdminCommandEngine e = useAll(net(2));
        R r = run(e, cmd(0x8, SELF, 0, w().u16(0x0123).zeros(6).done()), 64).fails(ENXIO, Q_INVALID_FIELD);
        assertEquals(8, r.used());
        byte[] rest = Arrays.copyOfRange(r.out(), 8, 64);
        byte[] fill = new byte[56];
        Arrays.fill(fill, FILL);
        assertArrayEquals(fill, rest);
    }

    @Test
    void usedLengthIsAMultipleOfEightForConformingBuffers() {
        AdminCommandEngine e = useAll(net(2));
        for (int size = 0; size <= 320; size += 8) {
            for (byte[] in : new byte[][] {cmd(0x0, SRIOV, 0), cmd(0x7, SELF, 0),
                cmd(0x8, SELF, 0, w().u16(0x801).zeros(6).done()), cmd(0x6, SRIOV, 1)}) {
                R r = run(e, in, size);
                assertEquals(0, r.used() % 8, "size " + size);
            }
        }
    }
}
